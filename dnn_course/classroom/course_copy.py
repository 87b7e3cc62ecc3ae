"""The instructor's copy of the course folder, D/course: source, release and configuration, owned by the instructor."""
import os
import shutil
from pathlib import Path

from dnn_course.classroom.layout import COURSE_ID, Layout

COPIED = ("nbgrader_config.py", "source", "release")
MARK = "# --- classroom (dnn-course classroom start) ---"


def classroom_settings(exchange: Path) -> str:
    """The lines appended to the copy's nbgrader_config.py.

    Args:
        exchange: the classroom's exchange root.

    Returns:
        The text (the exchange root and course id every nbgrader command of the copy uses).
    """
    return (f"\n{MARK}\n# The classroom's exchange, shared with the learners' servers.\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n")


def make_course(layout: Layout, course_root: Path, uid: int, gid: int) -> bool:
    """Copy the course into D/course once (a copy already there is kept: it holds the gradebook).

    Args:
        layout: the classroom's Layout.
        course_root: the course folder to copy from.
        uid: the instructor's uid, owner of every copied file.
        gid: the instructor's gid.

    Returns:
        True when the copy was made now, False when one was kept.
    """
    if (layout.course / "nbgrader_config.py").is_file():
        return False
    layout.course.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.h5", "datasets")
    for name in COPIED:
        src, dst = course_root / name, layout.course / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=skip)
        else:
            shutil.copy2(src, dst)
    config = layout.course / "nbgrader_config.py"
    config.write_text(config.read_text() + classroom_settings(layout.exchange))
    for top, dirs, files in os.walk(layout.course):
        for name in [top] + [os.path.join(top, n) for n in dirs + files]:
            os.chown(name, uid, gid)
    layout.course.chmod(0o700)  # learners never read the source, the gradebook or the hidden tests
    return True
