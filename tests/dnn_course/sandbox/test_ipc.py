"""The kernel launcher's private folders in a shared /tmp: stale ones of its own account removed, other accounts' left alone."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from classroom_setup import need_root
from dnn_course.sandbox.ipc import private_folder, remove_private

NOBODY = 65534


def dead_pid():
    """The pid of a process that has ended."""
    done = subprocess.run(["true"])
    assert done.returncode == 0
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_stale_folder_of_another_account_is_left_alone_and_its_own_removed():
    """A killed grading service leaves its kernel's folder behind; the next launcher of another
    account (a classroom's instructor, a second lab) crashed trying to delete it."""
    need_root()
    base = Path(tempfile.gettempdir())
    pid = dead_pid()
    theirs = Path(tempfile.mkdtemp(prefix=f"dnn-course-kernel-{pid}-", dir=base))
    mine = Path(tempfile.mkdtemp(prefix=f"dnn-course-kernel-{pid}-", dir=base))
    (mine / "run").mkdir()
    os.chown(theirs, NOBODY, NOBODY)
    made = None
    try:
        made = private_folder()
        assert theirs.is_dir() and not mine.exists()
        assert made.is_dir() and made.name.startswith(f"dnn-course-kernel-{os.getpid()}-")
    finally:
        shutil.rmtree(theirs, ignore_errors=True)
        if made is not None:
            remove_private(made)
