"""The session's classroom: accounts, folders, exchange and hub configuration as documented, and the hub answering."""
import json
import os
import pwd
import stat
import subprocess
import sys

from dnn_course.classroom.hub import answers

COURSE_ID = "dnn-cat-course"


def owner_mode(path):
    st = os.stat(path)
    return pwd.getpwuid(st.st_uid).pw_name, stat.S_IMODE(st.st_mode)


def test_learners_and_instructor_have_private_homes(classroom):
    for name in [classroom.instructor] + classroom.learners:
        account = pwd.getpwnam(name)
        assert account.pw_dir == str(classroom.dir / "home" / name)
        assert owner_mode(account.pw_dir) == (name, 0o700)
    recorded = json.loads((classroom.dir / "accounts.json").read_text())
    assert recorded["instructor"] == classroom.instructor
    assert recorded["learners"] == classroom.learners
    assert sorted(recorded["created"]) == sorted([classroom.instructor] + classroom.learners)


def test_passwords_are_printed_once_and_stored_nowhere(classroom):
    ada, alan = classroom.learners
    assert set(classroom.passwords) == {classroom.instructor, ada, alan}
    assert classroom.passwords[alan] == "Roster-Pass-1"  # from the roster
    generated = classroom.passwords[ada]
    assert len(generated) >= 12
    found = subprocess.run(["grep", "-rlF", generated, str(classroom.dir)], capture_output=True)
    assert found.stdout == b""  # stored nowhere in the classroom folder


def test_course_copy_belongs_to_the_instructor_alone(classroom):
    course = classroom.dir / "course"
    assert owner_mode(course) == (classroom.instructor, 0o700)
    assert owner_mode(course / "gradebook.db")[0] == classroom.instructor
    config = (course / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {str(classroom.dir / 'exchange')!r}" in config


def test_exchange_has_nbgraders_permissions_and_the_release(classroom):
    exchange = classroom.dir / "exchange"
    assert owner_mode(exchange) == ("root", 0o1777)
    outbound = exchange / COURSE_ID / "outbound" / "dnn_app" / "dnn_app.ipynb"
    assert outbound.is_file()
    assert owner_mode(outbound)[0] == classroom.instructor
    inbound_mode = owner_mode(exchange / COURSE_ID / "inbound")[1]
    assert inbound_mode & stat.S_IWOTH and not inbound_mode & stat.S_IROTH  # drop in, never list


def test_hub_config_lets_only_the_roster_in(classroom):
    hub = classroom.dir / "hub"
    config = (hub / "jupyterhub_config.py").read_text()
    assert owner_mode(hub / "jupyterhub_config.py") == ("root", 0o600)
    assert owner_mode(hub / "jupyterhub.sqlite") == ("root", 0o600)
    assert 'authenticator_class = "pam"' in config
    users = sorted([classroom.instructor] + classroom.learners)
    assert f"allowed_users = set({users!r})" in config
    assert 'c.JupyterHub.ip = "127.0.0.1"' in config or "c.JupyterHub.ip = '127.0.0.1'" in config


def test_learners_get_the_assignment_list_and_not_the_formgrader(classroom):
    learner = classroom.dir / "hub" / "jupyter" / "learner"
    page = json.loads((learner / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader:formgrader": True,
                                          "@jupyter/nbgrader:create-assignment": True,
                                          "@jupyter/nbgrader:course-list": True}
    server = json.loads((learner / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False}
    instructor = (classroom.dir / "hub" / "jupyter" / "instructor" / "nbgrader_config.py").read_text()
    assert f"c.CourseDirectory.root = {str(classroom.dir / 'course')!r}" in instructor


def test_hub_answers_and_status_says_so(classroom):
    assert answers(classroom.url)
    done = subprocess.run([sys.executable, "-m", "dnn_course", "classroom", "status", "--dir",
                           str(classroom.dir)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"running at {classroom.url}" in done.stdout
    assert f"learners (2): {', '.join(classroom.learners)}" in done.stdout


def test_the_classroom_folder_is_git_ignored(classroom):
    assert (classroom.dir / ".gitignore").read_text().splitlines()[-1] == "*"
