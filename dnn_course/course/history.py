"""Every change of a learner's grade, kept: when, what, old, new, why.

One history for the whole course, shared by everything that changes a grade:
``dnn-course grade`` and ``nbgrader autograde`` results, each classroom attempt
graded on arrival, late penalties recomputed after a rule changes, regrades,
manual grades given in the formgrader. Nothing in it is ever rewritten; a
change is a new line.

It lives beside the gradebook as JSON Lines (``<course>/grade_history.jsonl``,
git-ignored): one object per line, appended under an exclusive ``flock`` so
graders in several processes on one machine never interleave their lines. The
gradebook keeps the grade in force; this file keeps how it got there.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from dnn_course.course.paths import StrPath

FILE_NAME = "grade_history.jsonl"

# What changed a grade (GradeChange.what). A new kind is added here, once.
KINDS = (
    "autograde",       # dnn-course grade / nbgrader autograde wrote a score
    "attempt",         # the classroom graded one submitted attempt on arrival
    "late penalty",    # a penalty applied or recomputed (due date, extension, policy)
    "regrade",         # dnn-course regrade --apply wrote a new score
    "manual grade",    # an instructor's grade or comment in the formgrader
    "extension",       # a learner's deadline moved (score may be unchanged)
)


@dataclass(frozen=True)
class GradeChange:
    """One change of one learner's grade for one assignment.

    Attributes:
        student: the learner's nbgrader id.
        assignment: the assignment's name (e.g. ``dnn_app``).
        what: one of ``KINDS``.
        old: the score before (``None``: none yet, or not graded).
        new: the score after (``None``: not graded).
        why: one line an instructor reads ("attempt 3", "due date moved to ...").
        by: who or what made it (a command, the classroom service, an account).
        when: ISO 8601 time in UTC; filled in by ``record`` when empty.
        attempt: the submission's timestamp (nbgrader's ``timestamp.txt``), if any.
        max_score: the assignment's maximum, for reading ``old``/``new``.
    """

    student: str
    assignment: str
    what: str
    old: float | None
    new: float | None
    why: str
    by: str
    when: str = ""
    attempt: str | None = None
    max_score: float | None = None

    def __post_init__(self):
        if self.what not in KINDS:
            raise ValueError(f"unknown kind of grade change {self.what!r}; use one of {KINDS}")


def history_path(course_dir: StrPath) -> Path:
    """The history file of the course rooted at ``course_dir``."""
    return Path(course_dir) / FILE_NAME


def now_utc() -> str:
    """The current time, ISO 8601 in UTC to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def record(course_dir: StrPath, change: GradeChange) -> GradeChange:
    """Append one change to the course's history.

    Args:
        course_dir: the course folder.
        change: the change; an empty ``when`` becomes the current time.

    Returns:
        GradeChange: the change as written (with its time).
    """
    if not change.when:
        change = GradeChange(**{**asdict(change), "when": now_utc()})
    line = json.dumps(asdict(change), sort_keys=True) + "\n"
    path = history_path(course_dir)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return change


def read(course_dir: StrPath, student: str | None = None,
         assignment: str | None = None) -> list[GradeChange]:
    """The course's changes, oldest first, optionally for one learner or assignment.

    Args:
        course_dir: the course folder.
        student: keep only this learner's changes.
        assignment: keep only this assignment's changes.

    Returns:
        list[GradeChange]: empty when nothing was recorded yet.

    Raises:
        ValueError: a line that is not a change this module wrote, named by number.
    """
    path = history_path(course_dir)
    if not path.exists():
        return []
    known = {f.name for f in fields(GradeChange)}
    changes = []
    with open(path, encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            lines = handle.read().splitlines()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            change = GradeChange(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError) as err:
            raise ValueError(f"{path}, line {number}: not a grade change ({err}); "
                             "the file is written only by dnn-course: restore it from a "
                             "backup or remove that line") from None
        if student is not None and change.student != student:
            continue
        if assignment is not None and change.assignment != assignment:
            continue
        changes.append(change)
    return changes


def latest_score(course_dir: StrPath, student: str, assignment: str) -> float | None:
    """The score the last recorded change left (``None`` when none or not graded)."""
    changes = read(course_dir, student, assignment)
    return changes[-1].new if changes else None


def line_text(change: GradeChange) -> str:
    """One change as ``dnn-course history LEARNER`` prints it (the class report shows the same).

    Args:
        change: a recorded change.

    Returns:
        str: when, what, old -> new (/ max), why, (by).
    """
    top = f" / {change.max_score:g}" if change.max_score is not None else ""
    old = "-" if change.old is None else f"{change.old:g}"
    new = "-" if change.new is None else f"{change.new:g}"
    return f"{change.when}  {change.what:<13} {old:>6} -> {new:<6}{top}  {change.why}  ({change.by})"
