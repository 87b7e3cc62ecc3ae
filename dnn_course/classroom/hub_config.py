"""Write a classroom's jupyterhub_config.py and the Jupyter settings its learners' and instructor's servers get."""
import importlib.util
import json
from pathlib import Path
from typing import Any

from dnn_course.classroom.layout import COURSE_ID, Layout

SERVICE_MODULE = "dnn_course.classroom.service"
LAB_EXT = "@jupyter/nbgrader:"
# What a learner's JupyterLab leaves out: the instructor's tools. The Assignment
# List stays (fetch, submit, fetch feedback).
LEARNER_OFF_LAB = ("formgrader", "create-assignment", "course-list")
LEARNER_OFF_SERVER = ("nbgrader.server_extensions.formgrader",
                      "nbgrader.server_extensions.course_list")

TEMPLATE = '''"""JupyterHub configuration of the classroom in {root} (written by dnn-course classroom start)."""
c = get_config()  # noqa: F821 (provided by JupyterHub)

c.JupyterHub.ip = {ip!r}
c.JupyterHub.port = {port!r}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port!r}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.pid_file = {hub_pid!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.cleanup_servers = True  # stop ends every learner's server too

# Real Unix accounts, checked by PAM; only the classroom's own may log in.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set({users!r})
c.Authenticator.admin_users = set()

# Each user's server runs as their own account (LocalProcessSpawner), in JupyterLab.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {env!r}
CONFIG = {config_dirs!r}
INSTRUCTOR, COURSE = {instructor!r}, {course!r}


def classroom_settings(spawner):
    """Learners get the learner settings (Assignment List, no formgrader); the
    instructor gets the formgrader in a server that shows the course folder."""
    role = "instructor" if spawner.user.name == INSTRUCTOR else "learner"
    spawner.environment = dict(spawner.environment, JUPYTER_CONFIG_PATH=CONFIG[role])
    if role == "instructor":
        spawner.notebook_dir = COURSE


c.Spawner.pre_spawn_hook = classroom_settings
c.JupyterHub.services = {services!r}
'''


def service_available() -> bool:
    """Whether the grading service's module is installed (it is registered only then).

    Returns:
        True when ``dnn_course.classroom.service`` can be imported.
    """
    return importlib.util.find_spec(SERVICE_MODULE) is not None


def grading_service(layout: Layout, bin_dir: Path, instructor: str,
                    env: dict[str, str]) -> dict[str, Any]:
    """The c.JupyterHub.services entry of the grading service, run as the instructor.

    Args:
        layout: the classroom's Layout.
        bin_dir: the bin folder of the environment it runs.
        instructor: the instructor's account (the service's user; never root).
        env: the service's environment.

    Returns:
        The service's dict.
    """
    return {"name": "grader", "user": instructor, "cwd": str(layout.course), "environment": env,
            "command": [str(bin_dir / "python"), "-m", SERVICE_MODULE, "--course-dir", str(layout.course),
                        "--exchange-root", str(layout.exchange), "--course-id", COURSE_ID]}


def write_role_settings(layout: Layout) -> None:
    """Write D/hub/jupyter/{learner,instructor}: nbgrader's exchange and course id for both,
    and for learners JupyterLab without the instructor's nbgrader tools.

    Args:
        layout: the classroom's Layout.
    """
    nbgrader = (f'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE_ID!r}\n'
                f'c.Exchange.root = {str(layout.exchange)!r}\n')
    # The instructor's server runs in their home like every server; nbgrader's
    # docs for JupyterHub point CourseDirectory.root at the course, whose own
    # configuration (grading steps, sandbox) is then loaded as it is.
    course = str(layout.course / "nbgrader_config.py")
    instructor = nbgrader + (f"c.CourseDirectory.root = {str(layout.course)!r}\n"
                             f"load_subconfig({course!r})  # noqa: F821\n")
    for role, text in (("learner", nbgrader), ("instructor", instructor)):
        folder = layout.role_config(role)
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        (folder / "nbgrader_config.py").write_text(text)
    learner = layout.role_config("learner")
    (learner / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in LEARNER_OFF_SERVER}}}, indent=1))
    (learner / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {LAB_EXT + name: True for name in LEARNER_OFF_LAB}}, indent=1))
    for path in [layout.hub, layout.jupyter_config] + list(layout.jupyter_config.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)


def write_hub_config(layout: Layout, bin_dir: Path, *, ip: str, port: int, hub_port: int,
                     api_port: int, proxy: Path, instructor: str, users: list[str],
                     env: dict[str, str]) -> Path:
    """Write D/hub/jupyterhub_config.py (and the role settings it points at).

    Args:
        layout: the classroom's Layout.
        bin_dir: the bin folder of the environment the servers and the service run.
        ip: the address the hub listens on.
        port: its port.
        hub_port: the hub's internal API port on 127.0.0.1.
        api_port: the proxy's API port on 127.0.0.1.
        proxy: the configurable-http-proxy executable.
        instructor: the instructor's account.
        users: every account allowed to log in.
        env: the environment of every single-user server and of the service.

    Returns:
        The config file's path.
    """
    layout.hub.mkdir(parents=True, exist_ok=True)
    write_role_settings(layout)
    services = [grading_service(layout, bin_dir, instructor, env)] if service_available() else []
    text = TEMPLATE.format(
        root=layout.root, ip=ip, port=port, hub_port=hub_port, api_port=api_port,
        proxy=str(proxy), proxy_pid=str(layout.proxy_pid), hub_pid=str(layout.hub_pid),
        db=layout.hub / "jupyterhub.sqlite", cookie=str(layout.hub / "jupyterhub_cookie_secret"),
        users=sorted(users), singleuser=str(bin_dir / "jupyterhub-singleuser"), env=env,
        config_dirs={r: str(layout.role_config(r)) for r in ("learner", "instructor")},
        instructor=instructor, course=str(layout.course), services=services)
    layout.hub_config.write_text(text)
    layout.hub_config.chmod(0o600)
    return layout.hub_config
