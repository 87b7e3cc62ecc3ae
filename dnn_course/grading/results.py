"""Per-submission results, read from the gradebook and the autograded notebook.

Scores come from nbgrader's gradebook (a test cell scores when it runs
without error), never from printed text. Reasons come from the error each
failed test cell raised; the course's tests write those for learners.
"""
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import MissingEntry, SubmittedAssignment

from dnn_course.course.findings import findings_of
from dnn_course.course.paths import NOTEBOOK, StrPath
from dnn_course.preprocessors.tamper import tampering_notes


@dataclass
class TestResult:
    grade_id: str
    score: float
    max_score: float
    reason: str = ""  # empty when passed
    error: str = ""  # the class name of the error its cell raised ("" when passed or none)
    finding: dict[str, str | None] | None = None  # what the failed cell found, as data (public_tests.findings.record)


NOT_GRADED = "not graded"


@dataclass
class SubmissionResult:
    student: str
    status: str  # "graded", NOT_GRADED
    score: float | None = None  # None when not graded: such a submission has no score, not 0
    max_score: float = 0.0
    reason: str = ""
    tests: list[TestResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def not_graded(cls, student: str, max_score: float, reason: str) -> "SubmissionResult":
        """The result of a submission that was not graded, with the reason (for the grader).

        Args:
            student: the student id.
            max_score: the assignment's maximum score.
            reason: why it was not graded.

        Returns:
            SubmissionResult with ``status`` NOT_GRADED and ``score`` None.
        """
        return cls(student, NOT_GRADED, None, max_score, reason)


def notebook_problem(path: StrPath) -> str | None:
    """A learner-readable reason why the submitted notebook cannot be graded, or None."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "the file is not text (UTF-8); submit the .ipynb file saved by JupyterLab"
    except OSError as e:
        return f"the notebook could not be read ({e.strerror})"
    try:
        json.loads(raw)
    except json.JSONDecodeError as e:
        return (f"the notebook is not valid JSON (line {e.lineno}, column {e.colno}): it was "
                "damaged, e.g. edited outside Jupyter; download it again from JupyterLab "
                "(File > Download) and resubmit")
    try:
        nbformat.validate(nbformat.reads(raw, as_version=4))
    except Exception as e:  # nbformat raises several kinds
        return f"the notebook is not a valid Jupyter notebook ({str(e).splitlines()[0]})"
    return None


def cell_errors(cells: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """What the failed cells of a notebook raised, by grade id.

    Args:
        cells: the notebook's cells (nbformat cells or dicts read from its JSON).

    Returns:
        dict: grade id -> (one-line reason, the error's class name): the last error
        output's ``"<ename>: <first line of evalue>"`` (or its ename alone).
    """
    found: dict[str, tuple[str, str]] = {}
    for cell in cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if gid and errors:
            e = errors[-1]
            ename = str(e.get("ename") or "Error")
            first = str(e.get("evalue", "")).strip().split("\n")[0]
            found[gid] = (f"{ename}: {first}" if first else ename, ename)
    return found


def failed_test(grade_id: str, score: float, max_score: float, errors: Mapping[str, tuple[str, str]],
                findings: Mapping[str, dict[str, str | None]]) -> TestResult:
    """The TestResult of one test cell: its reason, error and finding when it lost points.

    Args:
        grade_id, score, max_score: the gradebook's grade.
        errors: ``cell_errors`` of the autograded notebook.
        findings: ``course.findings.findings_of`` its metadata.

    Returns:
        TestResult.
    """
    if score >= max_score:
        return TestResult(grade_id, score, max_score)
    reason, error = errors.get(grade_id, ("did not pass", ""))
    return TestResult(grade_id, score, max_score, reason, error, findings.get(grade_id))


def _cell_reasons(autograded_nb):
    """(grade_id -> (reason, error name), grade ids in notebook order, tampering notes,
    grade_id -> finding record)."""
    if not Path(autograded_nb).is_file():
        return {}, [], [], {}
    nb = nbformat.read(str(autograded_nb), as_version=4)
    order = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]
    return cell_errors(nb.cells), order, tampering_notes(nb), findings_of(nb.metadata)


def read_result(gradebook: Any, root: StrPath, assignment: str, student: str) -> SubmissionResult:
    """The SubmissionResult of one student, from the gradebook and autograded/."""
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    problem = notebook_problem(submitted) if submitted.exists() else \
        f"no {NOTEBOOK} in submitted/{student}/{assignment}/"
    try:
        sub = gradebook.find_submission(assignment, student)
    except MissingEntry:
        sub = None
    if problem or sub is None or not scored(sub):
        try:
            max_score = max_score_of(gradebook, assignment)
        except MissingEntry:  # no such assignment in this gradebook
            max_score = 0.0
        return SubmissionResult.not_graded(student, max_score,
                                           problem or "not graded yet: run dnn-course grade")
    errors, order, notes, findings = _cell_reasons(Path(root) / "autograded" / student / assignment / NOTEBOOK)
    position = {gid: i for i, gid in enumerate(order)}
    tests = []
    for nb in sub.notebooks:
        for g in sorted(nb.grades, key=lambda g: (position.get(g.name, len(position)), g.name)):
            tests.append(failed_test(g.name, g.score or 0.0, g.max_score, errors, findings))
    failed = [t for t in tests if t.reason]
    summary = "all tests passed" if not failed else f"{len(failed)} of {len(tests)} tests failed"
    if notes:
        summary += "; tampering: " + " ".join(notes)
    return SubmissionResult(student, "graded", sub.score, sub.max_score, summary, tests)


def scored(sub: SubmittedAssignment) -> bool:
    """True when some grade of the submission was given: an autograde that failed
    before running (e.g. no course data) leaves grades that were never given.

    Args:
        sub: nbgrader's SubmittedAssignment, from an open Gradebook.

    Returns:
        bool.
    """
    return any(g.auto_score is not None or g.manual_score is not None
               for nb in sub.notebooks for g in nb.grades)


def max_score_of(gradebook: Any, assignment: str) -> float:
    """The assignment's maximum score.

    Args:
        gradebook: an open nbgrader Gradebook.
        assignment: the assignment name.

    Returns:
        float (nbgrader's MissingEntry when the gradebook has no such assignment).
    """
    return gradebook.find_assignment(assignment).max_score
