"""Autograde one submission in ``submitted/<student>/<assignment>/`` through nbgrader's API.

Resumable: after each successful autograde a receipt (``receipts.py``) is
written; a submission with a matching receipt is skipped unless ``force``, so a
batch killed half-way carries on where it stopped, and a changed submission is
graded again. Invalid notebooks are recorded with a reason and never stop a
batch. Without the course data (``course_data.py`` says where it looks) nothing
is run: the submission is "not graded" with the reason, its old results and
receipt left as they were, so the next run grades it. Batches: ``batch.py``.
"""
import shutil
from pathlib import Path
from typing import Any

from nbgrader.api import InvalidEntry, MissingEntry

from dnn_course.course.course_data import course_data_problem
from dnn_course.course.names import plain_name
from dnn_course.course.paths import NOTEBOOK, StrPath
from dnn_course.grading.receipts import clear_receipt, digest, is_graded, write_receipt
from dnn_course.grading.results import SubmissionResult, max_score_of, notebook_problem, read_result


def add_student(gb: Any, student: str) -> None:
    """Make sure the gradebook knows student; a new one gets its id as last name.

    nbgrader's formgrader shows a student without names as "None, None"; with
    the id as last name its grading page and the course's exports show the id,
    and its Students and Submissions lists "id," (their JavaScript always
    writes ``last + ", " + first``, jupyter/nbgrader#1821: the id as first name
    reads ", id", as both names "id, id" everywhere). Names already there (e.g.
    written by ``dnn-course collect`` from the LMS) are kept.

    Args:
        gb: an open nbgrader Gradebook.
        student: the student id.

    Returns:
        None.
    """
    try:
        gb.find_student(student)
    except MissingEntry:
        try:  # the id as text: nbgrader's grading view writes names unescaped (course/names.py)
            gb.update_or_create_student(student, last_name=plain_name(student)[0], first_name="")
        except InvalidEntry:  # another grader process added it meanwhile
            pass


def grade_one(api: Any, root: StrPath, assignment: str, student: str, force: bool = False) -> SubmissionResult:
    """Autograde one submission (unless already done) and return its result.

    Args:
        api: the course's NbGraderAPI (``nbapi.make_api``).
        root: the course folder.
        assignment: the assignment name.
        student: the student id.
        force: grade again even when the receipt matches.

    Returns:
        SubmissionResult.
    """
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    problem = notebook_problem(submitted) if submitted.exists() else \
        f"no {NOTEBOOK} in submitted/{student}/{assignment}/"
    out_dir = Path(root) / "autograded" / student / assignment
    if problem:
        with api.gradebook as gb:
            add_student(gb, student)
            return SubmissionResult.not_graded(student, max_score_of(gb, assignment), problem)
    if force or not is_graded(root, assignment, student):
        missing = course_data_problem(root, assignment)
        if missing:  # never run it without the data: that would blame the learner
            with api.gradebook as gb:
                return SubmissionResult.not_graded(student, max_score_of(gb, assignment), missing)
        clear_receipt(root, assignment, student)
        if out_dir.exists():  # a run killed half-way, or an older submission
            shutil.rmtree(out_dir)
        with api.gradebook as gb:
            add_student(gb, student)
        outcome = api.autograde(assignment, student, force=True, create=True)
        if not outcome.get("success"):
            with api.gradebook as gb:
                max_score = max_score_of(gb, assignment)
            log = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()
            return SubmissionResult.not_graded(
                student, max_score, "autograding failed: " + (log[-1] if log else "no details"))
        write_receipt(root, assignment, student, digest(submitted))
    with api.gradebook as gb:
        return read_result(gb, root, assignment, student)
