"""The Python environment the classroom's accounts run: this one when they can reach it, else D/env built for them."""
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from dnn_course.classroom.layout import Layout, SetupError

BASE_PYTHONS = ("/usr/bin/python3",)  # a Python every account can run (Debian's)


def closed_folder(path: str | os.PathLike) -> Path | None:
    """The first folder on the way to path that other accounts cannot pass through.

    Args:
        path: a file or folder (symbolic links followed).

    Returns:
        That folder, or None when every folder on the way is open (o+x).
    """
    real = Path(os.path.realpath(path))
    for folder in reversed(list(real.parents)):
        if not folder.stat().st_mode & stat.S_IXOTH:
            return folder
    return None


def open_to_all(course_root: Path) -> bool:
    """Whether other accounts can run this Python and import this course's packages.

    Args:
        course_root: the course folder the classroom runs from.

    Returns:
        True: the accounts run this environment; False: ``runtime_bin`` builds D/env.
    """
    return all(closed_folder(p) is None for p in (sys.executable, course_root / "dnn_course"))


def runtime_bin(layout: Layout, course_root: Path) -> Path:
    """The bin folder of the environment the single-user servers, nbgrader and the service run from.

    Args:
        layout: the classroom's Layout.
        course_root: the course folder (its requirements.txt installs the environment).

    Returns:
        This environment's bin folder when every account can use it; else D/env/bin, made now
        from Debian's python3 with the course's requirements (once; pip's cache makes it quick).

    Raises:
        SetupError: the course folder itself is closed to other accounts, no python3
            to build from, or pip failed.
    """
    if open_to_all(course_root):
        return Path(sys.executable).parent
    closed = closed_folder(course_root / "dnn_course")
    if closed:
        raise SetupError(f"the learners' servers import the course's packages from "
                                f"{course_root}, but {closed} is closed to other accounts: "
                                f"chmod o+x {closed}, or clone the course where all can read it.")
    env = layout.root / "env"
    python = env / "bin" / "python"
    if (env / ".installed").is_file():
        return python.parent
    base = next((p for p in BASE_PYTHONS if Path(p).is_file() and closed_folder(p) is None), None)
    if not base:
        raise SetupError(f"{sys.executable} is closed to other accounts and there is no "
                                "python3 they can run to build the classroom's own environment: "
                                "apt-get install python3-venv.")
    shutil.rmtree(env, ignore_errors=True)
    steps = ([base, "-m", "venv", str(env)],
             [str(python), "-m", "pip", "install", "--quiet", "-r", str(course_root / "requirements.txt")],
             [str(python), "-m", "dnn_course.sandbox", "--install"])
    for cmd in steps:
        done = subprocess.run(cmd, cwd=course_root, capture_output=True, text=True)
        if done.returncode:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
            raise SetupError(f"building the classroom's environment in {env} failed at "
                                    f"{' '.join(cmd[:4])}:\n{tail}")
    (env / ".installed").touch()
    return python.parent

