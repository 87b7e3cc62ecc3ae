"""The kernel's sockets: a private folder per kernel, and links from the paths the grader expects."""
import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

from dnn_course.course.paths import StrPath


def ipc_prefix() -> str:
    """An absolute ``KernelManager.ip`` for the ipc transport: a private folder
    of this process (removed at exit) + "/kernel". Use in nbgrader_config.py:
    ``c.KernelManager.ip = ipc_prefix()``. Without it jupyter_client uses the
    relative "kernel-ipc", i.e. sockets in the grader's current folder."""
    folder = tempfile.mkdtemp(prefix="dnn-course-ipc-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return os.path.join(folder, "kernel")


def _client_ip(ip):
    """The socket path prefix as the grader sees it (it may be relative to its cwd)."""
    if os.path.isabs(ip):
        return ip
    try:  # the grader is our parent process; relative paths are relative to its cwd
        return os.path.join(os.readlink(f"/proc/{os.getppid()}/cwd"), ip)
    except OSError:
        return os.path.abspath(ip)


def _ports(info):
    return [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port",
                              "hb_port") if k in info]


def plumb_connection(connection_file: StrPath, private: Path, inside_run: str) -> tuple[str, list[str]]:
    """Copy the connection file into ``private/run`` with socket paths there; link
    the paths the grader connects to onto them. Return (copy path inside, links)."""
    info = json.loads(Path(connection_file).read_text())
    links = []
    if info.get("transport") == "ipc":
        client = _client_ip(info["ip"])
        info["ip"] = f"{inside_run}/k"
        for port in _ports(info):
            link = f"{client}-{port}"
            tmp = f"{link}.{os.getpid()}.tmp"
            os.symlink(str(private / "run" / f"k-{port}"), tmp)
            os.replace(tmp, link)
            links.append(link)
    copy = private / "run" / "kernel.json"
    copy.write_text(json.dumps(info))
    os.chmod(copy, 0o600)
    return f"{inside_run}/kernel.json", links


def private_folder() -> Path:
    """A fresh folder for the kernel's /tmp, $HOME and sockets; stale ones this account's
    dead launchers left are removed first (another account's are not ours to touch).

    Returns:
        Path: ``$TMPDIR/dnn-course-kernel-<pid>-*`` with ``tmp/``, ``home/`` and ``run/``.
    """
    base = Path(tempfile.gettempdir())
    for old in base.glob("dnn-course-kernel-*"):
        try:
            if old.lstat().st_uid != os.geteuid():
                continue  # another account's (a shared /tmp): its own launcher removes it
            pid = int(old.name.split("-")[3])
            os.kill(pid, 0)
        except ProcessLookupError:
            remove_private(old)
        except (ValueError, IndexError, PermissionError, OSError):
            pass
    private = Path(tempfile.mkdtemp(prefix=f"dnn-course-kernel-{os.getpid()}-", dir=base))
    for sub in ("tmp", "home", "run"):
        (private / sub).mkdir()
    os.chmod(private / "tmp", 0o1777)
    return private


def remove_private(path: StrPath) -> None:
    """Delete the launcher's own private folder, making read-only parts writable
    first; never touches a mode outside ``path`` (e.g. /tmp itself).

    Args:
        path: the folder ``private_folder`` made.

    Returns:
        None.
    """
    top = os.path.realpath(path)

    def unlock(func, p, _):
        try:
            parent = os.path.realpath(os.path.dirname(p))
            if parent == top or parent.startswith(top + os.sep):
                os.chmod(parent, 0o700)
            if os.path.realpath(p) != top:
                os.chmod(p, 0o700)
            if func in (os.rmdir, os.unlink, os.remove):  # rmtree also reports os.open, os.scandir
                func(p)
        except OSError:
            pass
    shutil.rmtree(path, onerror=unlock)
