"""One batch core for the three ways of grading (here, ``scale.parallel``, ``scale.distributed``).

Each strategy starts with ``start_batch`` (warnings filter, students, the
prepared gradebook URL, the gradebook's tables, the course's nbgrader API),
asks ``needs_run`` which submissions must execute, orders them with
``order.longest_first``, and returns a ``BatchResults``: the SubmissionResults
in the order asked, with the run statistics of this batch in ``.runs``
(student -> dict), never in a module global.
"""
import os
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from dnn_course.course.context import Course
from dnn_course.course.gradebook_db import retry_locked
from dnn_course.course.paths import COURSE_ROOT, NOTEBOOK, StrPath
from dnn_course.grading.receipts import is_graded
from dnn_course.grading.results import SubmissionResult, max_score_of, notebook_problem
from dnn_course.grading.submission import grade_one


def quiet_gradebook_warnings() -> None:
    """Silence the SQLAlchemy warnings nbgrader's gradebook trips: they say nothing to a grader."""
    warnings.filterwarnings("ignore", module="nbgrader.api")
    warnings.filterwarnings("ignore", message=".*not in session.*")


def submitted_students(root: StrPath, assignment: str) -> list[str]:
    """Student ids with a folder for ``assignment`` in submitted/, sorted.

    Args:
        root: the course folder.
        assignment: the assignment name.

    Returns:
        list of str.
    """
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def needs_run(root: StrPath, assignment: str, student: str, force: bool = False) -> bool:
    """True when grading must execute this submission's notebook.

    Args:
        root: the course folder.
        assignment: the assignment name.
        student: the student id.
        force: grade again what is graded already.

    Returns:
        bool: False for a missing or invalid notebook (``grade_one`` reports it
        without running anything) and for one graded already (unless ``force``).
    """
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    if not submitted.is_file() or notebook_problem(submitted):
        return False
    return force or not is_graded(root, assignment, student)


class BatchResults(list[SubmissionResult]):
    """The SubmissionResults of a batch in the order asked; ``runs``: student -> run statistics."""

    def __init__(self, results: Iterable[SubmissionResult] = (),
                 runs: Mapping[str, dict[str, Any]] | None = None) -> None:
        super().__init__(results)
        self.runs = dict(runs or {})


@dataclass
class Batch:
    """What every strategy needs to grade one batch; made by ``start_batch``."""
    assignment: str
    root: Path
    students: list[str]
    url: str
    force: bool
    api: Any = None             # the course's NbGraderAPI on ``url`` (nbgrader has no type information)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def max_score(self) -> float:
        """The assignment's maximum score, from the gradebook."""
        def read():
            with self.api.gradebook as gb:
                return max_score_of(gb, self.assignment)
        return retry_locked(read)

    def not_graded(self, student: str, reason: str) -> SubmissionResult:
        """A "not graded" SubmissionResult for ``student`` with ``reason``."""
        return SubmissionResult.not_graded(student, self.max_score(), reason)

    def results(self, by_student: Mapping[str, SubmissionResult]) -> BatchResults:
        """``BatchResults`` in the order of ``students``, with this batch's ``runs``."""
        return BatchResults([by_student[s] for s in self.students], self.runs)


def start_batch(assignment: str, root: StrPath = COURSE_ROOT, students: Iterable[str] | None = None,
                db_url: str | None = None, force: bool = False, course: Course | None = None) -> Batch:
    """The shared set-up of a batch: warnings filter, students, gradebook URL and tables, API.

    Args:
        assignment: the assignment name.
        root: the course folder.
        students: the ids to grade (default: all submitted).
        db_url: the gradebook URL (``--db``; default: the course's).
        force: grade again what is graded already.
        course: the command's ``context.Course`` (then ``root`` and ``db_url`` are its own).

    Returns:
        Batch.
    """
    quiet_gradebook_warnings()
    course = course or Course(root, db_url)
    course.open_gradebook()  # tables exist before any writer starts
    students = list(students or submitted_students(course.root, assignment))
    return Batch(assignment, course.root, students, course.db_url, force, course.api)


def grade_all(assignment: str, root: StrPath = COURSE_ROOT, students: Iterable[str] | None = None,
              force: bool = False, db_url: str | None = None, progress: bool = True,
              course: Course | None = None) -> BatchResults:
    """Grade every submission (or only ``students``) one after another in this process.

    Args:
        assignment: the assignment name.
        root: the course folder.
        students: the ids to grade (default: all submitted).
        force: grade again what is graded already.
        db_url: the gradebook URL (default: the course's).
        progress: show a progress bar.
        course: the command's ``context.Course`` (default: made from ``root``, ``db_url``).

    Returns:
        BatchResults: in the order of ``students``; ``runs``: student -> {"pid",
        "started", "seconds"}.
    """
    batch = start_batch(assignment, root, students, db_url, force, course)
    results = {}
    bar = tqdm(batch.students, desc=f"grading {assignment}", unit="submission",
               disable=not progress)
    for student in bar:
        bar.set_postfix_str(student)
        started, wall = time.monotonic(), time.time()
        results[student] = grade_one(batch.api, batch.root, assignment, student, force)
        batch.runs[student] = {"pid": os.getpid(), "started": wall,
                               "seconds": time.monotonic() - started}
    return batch.results(results)
