"""Late penalties in the gradebook: nbgrader's LateSubmissionPlugin, and a recompute without running anything.

``CourseLatePenalty`` replaces nbgrader's plugin (``c.AssignLatePenalties.plugin_class``),
so ``dnn-course grade``, plain ``nbgrader autograde`` and the formgrader apply
the policy of ``c.CourseLatePenalty.policy`` (``late_policy.py``). Lateness is
``timestamp.txt`` against the assignment's due date, or the learner's extension
(``course/extensions.py``) when later. ``recompute`` applies a changed due date,
extension or policy to every graded submission from the gradebook alone: a
submission no longer late keeps no penalty (nbgrader keeps the old one,
jupyter/nbgrader#723). ``RecordGrade`` writes each autograde to the grade history.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode
from traitlets.config import Config
from nbgrader.api import Gradebook, MissingEntry

from dnn_course.course import history
from dnn_course.course.late_policy import LatePolicy, hours_text, parse
from dnn_course.course.paths import StrPath
from dnn_course.course.context import Course
from dnn_course.course.extensions import DeadlineError, read_extensions
from dnn_course.course.gradebook_db import parse as parse_url
from dnn_course.grading.results import scored


def seconds_late(timestamp: datetime | None, duedate: datetime | None, until: datetime | None = None) -> float:
    """Seconds after the deadline in force (0 when on time or either time is missing).

    Args:
        timestamp: the submission time (naive UTC), from timestamp.txt.
        duedate: the assignment's due date (naive UTC).
        until: the learner's extension (naive UTC), used when later than ``duedate``.

    Returns:
        float.
    """
    if timestamp is None or duedate is None:
        return 0.0
    deadline = max(duedate, until) if until is not None else duedate
    return max(0.0, (timestamp - deadline).total_seconds())


def extension_interval(duedate: datetime | None, until: datetime | None) -> timedelta | None:
    """nbgrader's ``SubmittedAssignment.extension`` for an extension to ``until`` (None: none)."""
    if duedate is None or until is None or until <= duedate:
        return None
    return until - duedate


def course_root(config: Config) -> Path:
    """The course folder of an nbgrader configuration (its CourseDirectory.root, else here)."""
    return Path(config.CourseDirectory.get("root") or os.getcwd())


def configured_policy(config: Config) -> LatePolicy:
    """The course's policy from its configuration (``PolicyError`` when it does not parse)."""
    return parse(config.get("CourseLatePenalty", {}).get("policy", "none"))


class CourseLatePenalty(LateSubmissionPlugin):
    """The course's late policy for nbgrader's AssignLatePenalties."""

    policy = Unicode("none", help="The late policy, e.g. 'grace 1h, 10% per started day, "
                     "max 3 days' (then zero), or 'none'.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._sync_extension()

    def _sync_extension(self):
        """Before AssignLatePenalties reads nbgrader's lateness: the gradebook's extension is
        the one extensions.csv holds now (one withdrawn since the last grading is gone)."""
        parent = self.parent
        ids: list[Any] = [getattr(parent, name, None) for name in ("db_url", "assignment_id", "student_id")]
        if not all(ids):
            return
        db_url, assignment, student = ids
        ext = read_extensions(course_root(self.config), assignment).get((student, assignment))
        with Gradebook(db_url) as gb:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                return
            sub.extension = extension_interval(sub.assignment.duedate, ext.until if ext else None)
            gb.db.commit()

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        """The points off ``score`` by the policy, with the learner's extension applied.

        Args:
            student_id: the learner.
            score: the notebook's score before the penalty.
            total_seconds_late: nbgrader's lateness (recomputed here with extensions.csv).

        Returns:
            float or None (no penalty).
        """
        parent = self.parent
        sub = parent.gradebook.find_submission(parent.assignment_id, student_id)
        ext = read_extensions(course_root(self.config), parent.assignment_id).get(
            (student_id, parent.assignment_id))
        due = sub.assignment.duedate
        sub.extension = extension_interval(due, ext.until if ext else None)
        penalty = parse(self.policy).penalty(
            score, seconds_late(sub.timestamp, due, ext.until if ext else None))
        return penalty or None


class RecordGrade(NbGraderPreprocessor):
    """After AssignLatePenalties: the autograde's score (penalty deducted) goes into the grade history."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        student, assignment = info["student"], info["assignment"]
        with Gradebook(info["db_url"]) as gb:
            sub = gb.find_submission(assignment, student)
            raw = sum(n.score for n in sub.notebooks)
            penalty = sum(n.late_submission_penalty or 0 for n in sub.notebooks)
            late = sub.total_seconds_late
            max_score, stamp = sub.max_score, str(sub.timestamp) if sub.timestamp else None
        root = course_root(self.config)
        kind = os.environ.get("DNN_COURSE_HISTORY_KIND", "autograde")  # admin/regrade.py
        why = ("graded again with the edited source" if kind == "regrade" else "graded") + \
            f": {raw:g} before any penalty"
        if late > 0:
            why += f"; submitted {hours_text(late)} late, -{penalty:g} points"
        history.record(root, history.GradeChange(
            student, assignment, kind, history.latest_score(root, student, assignment),
            round(raw - penalty, 3), why, "dnn-course regrade" if kind == "regrade" else "autograde",
            attempt=stamp, max_score=max_score))
        return nb, resources


def recompute(root: StrPath, db_url: str, assignment: str, policy: LatePolicy, why: str,
              by: str = "dnn-course") -> list[tuple[str, float, float, float]]:
    """Apply the due date, extensions and ``policy`` in force to every graded submission.

    No notebook runs: the scores in the gradebook stay, only the penalties and
    extensions change. Each learner whose final score changes gets a
    ``late penalty`` line in the history.

    Args:
        root: the course folder.
        db_url: the gradebook URL.
        assignment: the assignment name.
        policy: the policy to apply.
        why: the reason written in the history ("due date moved to ...").
        by: who made the change.

    Returns:
        list of (student, old final, new final, seconds late) for every graded submission.
    """
    exts = read_extensions(root, assignment)
    rows, changes = [], []
    with Gradebook(db_url) as gb:
        found = gb.find_assignment(assignment)
        due = found.duedate
        for sub in found.submissions:
            if not scored(sub):
                continue
            ext = exts.get((sub.student_id, assignment))
            until = ext.until if ext else None
            late = seconds_late(sub.timestamp, due, until)
            old = sum(n.score - (n.late_submission_penalty or 0) for n in sub.notebooks)
            sub.extension = extension_interval(due, until)
            for nb in sub.notebooks:
                nb.late_submission_penalty = policy.penalty(nb.score, late) or None
            new = sum(n.score - (n.late_submission_penalty or 0) for n in sub.notebooks)
            rows.append((sub.student_id, round(old, 3), round(new, 3), late))
            if round(old, 3) != round(new, 3):
                changes.append((sub.student_id, round(old, 3), round(new, 3), late,
                                sub.max_score, str(sub.timestamp)))
        gb.db.commit()
    for student, old, new, late, top, stamp in changes:
        note = f"; now {hours_text(late)} late" if late else "; now on time"
        history.record(root, history.GradeChange(student, assignment, "late penalty", old, new,
                                                 why + note, by, attempt=stamp, max_score=top))
    return rows


def penalties(gb: Any, assignment: str) -> dict[str, tuple[float, float]]:
    """student -> (points taken off, seconds late) for every submission in an open gradebook."""
    try:
        subs = gb.find_assignment(assignment).submissions
    except MissingEntry:
        return {}
    return {s.student_id: (round(sum(n.late_submission_penalty or 0 for n in s.notebooks), 3),
                           s.total_seconds_late) for s in subs}


def late_counts(root: StrPath, assignment: str) -> tuple[int, int] | None:
    """(submissions late, learners with an extension) for the class report, or None without a gradebook.

    Args:
        root: the course folder (its configured gradebook is read).
        assignment: the assignment name.

    Returns:
        tuple of int, or None when there is no gradebook or no such assignment.
    """
    if not (Path(root) / "nbgrader_config.py").is_file():
        return None
    try:
        course = Course(root)
        parsed = parse_url(course.db_url)
        if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
            return None  # no gradebook: none is created for a count
        with Gradebook(course.db_url) as gb:
            subs = gb.find_assignment(assignment).submissions
            late = sum(s.total_seconds_late > 0 for s in subs)
        return late, len(read_extensions(root, assignment))
    except (MissingEntry, DeadlineError, OSError, ValueError):
        return None
