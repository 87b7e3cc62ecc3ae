"""Autograde the submissions in ``submitted/<student>/<assignment>/``.

One submission at a time through nbgrader's API. Resumable: after each
successful autograde a receipt (the submitted notebook's SHA-256) is written to
``.dnn_course/graded/<assignment>/<student>``; a submission with a matching
receipt is skipped unless ``force``, so a batch killed half-way carries on where
it stopped, and a changed submission is graded again. Invalid notebooks are
recorded with a reason and never stop the batch. Without the course data
(``course_data.py`` says where it looks) nothing is run: each submission that
needs grading is "not graded" with the reason, its old results and receipt
left as they were, so the next run grades it.
"""
import hashlib
import shutil
import warnings
from pathlib import Path

from .course_data import course_data_problem
from .nbapi import make_api
from .paths import COURSE_ROOT, NOTEBOOK
from .results import SubmissionResult, notebook_problem, read_result


def submitted_students(root, assignment):
    """Student ids with a folder for ``assignment`` in submitted/, sorted."""
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def _receipt(root, assignment, student):
    return Path(root) / ".dnn_course" / "graded" / assignment / student


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def is_graded(root, assignment, student):
    """True when this exact submission was graded to the end."""
    receipt = _receipt(root, assignment, student)
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    return (receipt.is_file() and submitted.is_file()
            and receipt.read_text().strip() == _digest(submitted)
            and (Path(root) / "autograded" / student / assignment / NOTEBOOK).is_file())


def add_student(gb, student):
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
    from nbgrader.api import InvalidEntry, MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        try:
            gb.update_or_create_student(student, last_name=student, first_name="")
        except InvalidEntry:  # another grader process added it meanwhile
            pass


def grade_one(api, root, assignment, student, force=False):
    """Autograde one submission (unless already done) and return its result."""
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    problem = notebook_problem(submitted) if submitted.exists() else \
        f"no {NOTEBOOK} in submitted/{student}/{assignment}/"
    out_dir = Path(root) / "autograded" / student / assignment
    if problem:
        with api.gradebook as gb:
            add_student(gb, student)
            return SubmissionResult(student, "not graded", 0.0,
                                    gb.find_assignment(assignment).max_score, problem)
    if force or not is_graded(root, assignment, student):
        missing = course_data_problem(root, assignment)
        if missing:  # never run it without the data: that would blame the learner
            with api.gradebook as gb:
                return SubmissionResult(student, "not graded", 0.0,
                                        gb.find_assignment(assignment).max_score, missing)
        receipt = _receipt(root, assignment, student)
        receipt.unlink(missing_ok=True)
        if out_dir.exists():  # a run killed half-way, or an older submission
            shutil.rmtree(out_dir)
        with api.gradebook as gb:
            add_student(gb, student)
        outcome = api.autograde(assignment, student, force=True, create=True)
        if not outcome.get("success"):
            with api.gradebook as gb:
                max_score = gb.find_assignment(assignment).max_score
            log = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()
            return SubmissionResult(student, "not graded", 0.0, max_score,
                                    "autograding failed: " + (log[-1] if log else "no details"))
        receipt.parent.mkdir(parents=True, exist_ok=True)
        receipt.write_text(_digest(submitted) + "\n")
    with api.gradebook as gb:
        return read_result(gb, root, assignment, student)


def grade_all(assignment, root=COURSE_ROOT, students=None, force=False, db_url=None,
              progress=True):
    """Grade every submission (or only ``students``); return their results in order."""
    from tqdm.auto import tqdm

    # nbgrader's gradebook trips SQLAlchemy warnings that say nothing to a grader
    warnings.filterwarnings("ignore", module="nbgrader.api")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    api = make_api(root, db_url)
    students = students or submitted_students(root, assignment)
    results = []
    bar = tqdm(students, desc=f"grading {assignment}", unit="submission", disable=not progress)
    for student in bar:
        bar.set_postfix_str(student)
        results.append(grade_one(api, root, assignment, student, force))
    return results
