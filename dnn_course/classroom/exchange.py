"""nbgrader's exchange for the classroom, and the release published to it as the instructor."""
import os
import subprocess
from pathlib import Path

from dnn_course.classroom.layout import COURSE_ID, Layout, SetupError
from dnn_course.course.paths import ASSIGNMENT

# nbgrader's documented exchange root: everyone may write, and the sticky bit
# keeps each account to deleting its own entries.
EXCHANGE_MODE = 0o1777
GENERATE = "from dnn_course.course.assignment import generate; print(generate('.'))"


def make_exchange(layout: Layout) -> Path:
    """Create D/exchange with nbgrader's permissions (root-owned, 1777).

    Args:
        layout: the classroom's Layout.

    Returns:
        The exchange root.
    """
    layout.exchange.mkdir(parents=True, exist_ok=True)
    os.chown(layout.exchange, 0, 0)
    layout.exchange.chmod(EXCHANGE_MODE)
    return layout.exchange


def released(layout: Layout) -> bool:
    """Whether the assignment is in the exchange's outbound folder.

    Args:
        layout: the classroom's Layout.

    Returns:
        True when learners can fetch it.
    """
    return (layout.exchange / COURSE_ID / "outbound" / ASSIGNMENT).is_dir()


def publish(layout: Layout, bin_dir: Path, uid: int, gid: int, env: dict[str, str]) -> None:
    """``nbgrader release_assignment dnn_app`` in D/course, run as the instructor.

    Args:
        layout: the classroom's Layout.
        bin_dir: the bin folder of the environment the instructor runs.
        uid: the instructor's uid.
        gid: the instructor's gid.
        env: the environment to run nbgrader in.

    Raises:
        SetupError: nbgrader failed (the message holds its last lines).
    """
    if released(layout):
        return
    python = str(bin_dir / "python")
    # The course's own release step first: it puts the assignment, its notebook and
    # cells into the copy's gradebook (the formgrader lists it, grading needs it)
    # and refuses a release/ that differs from what source/ generates.
    steps = ([python, "-c", GENERATE],
             [python, "-m", "nbgrader", "release_assignment", ASSIGNMENT,
              f"--course={COURSE_ID}", f"--Exchange.root={layout.exchange}"])
    for cmd in steps:
        done = subprocess.run(cmd, cwd=layout.course, env=env, user=uid, group=gid,
                              extra_groups=[], capture_output=True, text=True)
        if done.returncode:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
            raise SetupError(f"publishing {ASSIGNMENT} failed at {' '.join(cmd[2:4])}:\n{tail}")
    if not released(layout):
        raise SetupError(f"nbgrader release_assignment left nothing in {layout.exchange}.")
