"""One classroom per test session, started by the documented command in a temporary folder, stopped and its accounts removed at the end."""
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import course_data_dir
from dnn_course.classroom.hub import free_port

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_LINE = re.compile(r"^  (\S+)\s+(\S+)$", re.M)


@dataclass
class Classroom:
    """A running classroom: its folder, URL and accounts (passwords as printed once)."""

    dir: Path
    url: str
    instructor: str
    learners: list
    passwords: dict
    start_output: str


def classroom_command(*args, env=None, root=None):
    """Run ``python -m dnn_course [--root ROOT] classroom ARGS`` from the course folder.

    Args:
        args: the classroom command's arguments.
        env: extra environment variables.
        root: the course folder the command runs on (default: this checkout).

    Returns:
        The CompletedProcess (text output captured).
    """
    where = ["--root", str(root)] if root else []
    return subprocess.run([sys.executable, "-m", "dnn_course", *where, "classroom", *args],
                          cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})), timeout=900)


def private_checkout(dest):
    """A copy of this project at ``dest`` whose solutions, gradebook and hidden tests other
    accounts cannot read, as ``classroom start`` insists (a clone is usually world-readable).

    Args:
        dest: a folder that does not exist yet.

    Returns:
        Path: ``dest``.
    """
    from dnn_course.classroom.private import PRIVATE

    skipped = {".git", ".venv", "datasets", "classroom", "autograded", "submitted", "feedback",
               "exports", "build", "gradebook.db", "node_modules"}

    def ignore(folder, names):
        top = Path(folder) == ROOT
        return [n for n in names if (top and n in skipped) or n in ("__pycache__", ".pytest_cache")
                or n.endswith((".h5", ".egg-info"))]
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    for name in PRIVATE:
        if (dest / name).exists():
            subprocess.run(["chmod", "-R", "o-rwx", str(dest / name)], check=True)
    return dest


def unique_names(n):
    """Account names no one on this machine has: a common random part, one letter each.

    Args:
        n: how many.

    Returns:
        The names.
    """
    tag = secrets.token_hex(3)
    return [f"t{tag}{chr(ord('a') + i)}" for i in range(n)]


def need_root():
    """Classrooms make Unix accounts: root only (CI runs as root and must not skip)."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the classroom tests make Unix accounts and need root; CI runs as root.")
        pytest.skip("the classroom tests make Unix accounts and need root")


@pytest.fixture(scope="session")
def classroom():
    """The session's classroom: two learners (one with a roster password), one instructor."""
    need_root()
    base = Path(tempfile.mkdtemp(prefix="dnn-classroom-"))
    base.chmod(0o755)
    instructor, ada, alan = unique_names(3)
    roster = base / "roster.csv"
    roster.write_text(f"id,name,email,password\n{ada},Ada L,ada@example.org,\n"
                      f"{alan},Alan T,alan@example.org,Roster-Pass-1\n")
    port = free_port()
    room = base / "room"
    course = private_checkout(base / "course")
    done = classroom_command("start", "--dir", str(room), "--roster", str(roster),
                             "--instructor", instructor, "--port", str(port),
                             env={"DNN_APP_DATA": str(course_data_dir())}, root=course)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        yield Classroom(room, f"http://127.0.0.1:{port}/", instructor, [ada, alan],
                        dict(PASSWORD_LINE.findall(done.stdout)), done.stdout)
    finally:
        classroom_command("stop", "--dir", str(room), "--remove-accounts")
        shutil.rmtree(base, ignore_errors=True)
