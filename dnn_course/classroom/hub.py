"""Run a classroom's JupyterHub in the background: start it, wait until it answers, stop it and what it started."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dnn_course.classroom.layout import Layout, SetupError

START_TIMEOUT = 90  # seconds for the hub to answer /hub/api
STOP_TIMEOUT = 30  # seconds for the hub to stop its servers and proxy before it is killed
PASSED_ON = ("DNN_APP_DATA", "DNN_COURSE_REQUIRE_SANDBOX", "LANG", "LC_ALL")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Returns:
        The port number.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(bin_dir: Path) -> dict[str, str]:
    """The environment of every single-user server, kernel and the grading service.

    Args:
        bin_dir: the bin folder of the environment they run (runtime.runtime_bin).

    Returns:
        PATH with this environment's bin folder first, and the course's settings passed on.
    """
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"}
    env.update({k: os.environ[k] for k in PASSED_ON if k in os.environ})
    return env


def _pid(path):
    try:
        pid = int(Path(path).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def hub_pid(layout: Layout) -> int | None:
    """The running hub's process id.

    Args:
        layout: the classroom's Layout.

    Returns:
        The pid, or None when no hub of this classroom runs.
    """
    pid = _pid(layout.hub_pid)
    if pid and b"jupyterhub" in Path(f"/proc/{pid}/cmdline").read_bytes():
        return pid
    return None


def answers(url: str, timeout: float = 3) -> str | None:
    """Whether the hub's REST API answers.

    Args:
        url: the hub's base URL, e.g. http://127.0.0.1:8000/.
        timeout: seconds to wait for the answer.

    Returns:
        The hub's version, or None.
    """
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/hub/api", timeout=timeout) as r:
            return json.load(r).get("version")
    except (OSError, ValueError):
        return None


def start_hub(layout: Layout, url: str) -> int:
    """Start JupyterHub as root in its own session and wait until it answers.

    Args:
        layout: the classroom's Layout (its jupyterhub_config.py written).
        url: the URL it will answer on.

    Returns:
        The hub's pid.

    Raises:
        SetupError: it exited or did not answer within START_TIMEOUT seconds.
    """
    db = layout.hub / "jupyterhub.sqlite"
    db.touch(mode=0o600)  # sqlite keeps this mode for the database and its journal
    db.chmod(0o600)
    log = os.open(layout.hub_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    env = dict(os.environ, **server_env(Path(sys.executable).parent))
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f",
                             str(layout.hub_config)], cwd=layout.hub, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log, start_new_session=True)
    os.close(log)
    layout.hub_pid.write_text(str(proc.pid))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SetupError(f"JupyterHub exited (status {proc.returncode}):\n{log_tail(layout)}")
        if answers(url):
            return proc.pid
        time.sleep(0.5)
    stop_hub(layout, [])
    raise SetupError(f"JupyterHub did not answer on {url} within {START_TIMEOUT} s:\n{log_tail(layout)}")


def log_tail(layout: Layout, lines: int = 15) -> str:
    """The end of the hub's log.

    Args:
        layout: the classroom's Layout.
        lines: how many lines.

    Returns:
        The text.
    """
    try:
        return "\n".join(layout.hub_log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _processes_of(uids):
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    yield int(entry.name)
            except OSError:
                continue


def _wait_gone(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.2)
    return False


def stop_hub(layout: Layout, uids: list[int]) -> bool:
    """Stop the hub (it stops the servers and the proxy), then whatever of them is left.

    Args:
        layout: the classroom's Layout.
        uids: the uids of the classroom's accounts, whose leftover processes are ended.

    Returns:
        True when a hub was running.
    """
    pid = hub_pid(layout)
    if pid:
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, STOP_TIMEOUT):
            os.killpg(pid, signal.SIGKILL)
    proxy = _pid(layout.proxy_pid)
    if proxy and b"configurable-http-proxy" in Path(f"/proc/{proxy}/cmdline").read_bytes():
        os.kill(proxy, signal.SIGTERM)
        _wait_gone(proxy, 5)
    left = list(_processes_of(set(uids)))  # servers, kernels, the service
    for pid_left in left:
        try:
            os.kill(pid_left, signal.SIGKILL)
        except OSError:
            pass
    for pid_left in left:  # gone before anyone removes their accounts
        _wait_gone(pid_left, 10)
    layout.hub_pid.unlink(missing_ok=True)
    return pid is not None
