"""Which attempt's score the gradebook keeps (latest or best), and each attempt in the grade history."""
import getpass
from typing import TYPE_CHECKING, Any

from dnn_course.classroom import attempts
from dnn_course.course import history
from dnn_course.course.paths import NOTEBOOK
from dnn_course.grading.results import SubmissionResult

if TYPE_CHECKING:
    from nbgrader.apps.api import NbGraderAPI


def in_force(states: list[dict], student: str, keep: str) -> dict | None:
    """The learner's graded attempt whose score the gradebook holds, or None.

    Args:
        states: the queue's states (finished ones count).
        student: the learner's id.
        keep: ``"latest"`` or ``"best"``.

    Returns:
        dict or None.
    """
    graded = [s for s in states if s["student"] == student and s["status"] == "graded"]
    if not graded:
        return None
    if keep == "best":  # the first of the best: a later equal score changes nothing
        return max(graded, key=lambda s: s["score"])  # max keeps the first of equals
    return graded[-1]


def restore(api: "NbGraderAPI", assignment: str, student: str, tests: list[list]) -> None:
    """Write one earlier attempt's test scores back into the gradebook.

    Args:
        api: the course's NbGraderAPI.
        assignment: the assignment name.
        student: the learner's id.
        tests: [[grade_id, score], ...] of that attempt.

    Returns:
        None.
    """
    notebook = NOTEBOOK.replace(".ipynb", "")
    with api.gradebook as gb:
        for grade_id, score in tests:
            grade = gb.find_grade(grade_id, notebook, assignment, student)
            grade.auto_score = score
        gb.db.commit()


def keep_score(service: Any, state: dict, result: SubmissionResult) -> float:
    """After grading ``state``'s attempt: keep the right score and record the attempt once.

    The worker has written this attempt's scores into the gradebook. With
    ``keep = "best"`` and an earlier attempt that scored more, that attempt's
    scores are written back. The history gets one "attempt" line per attempt
    (looked up first, so grading again after a kill adds none).

    Args:
        service: the running Service.
        state: the attempt's state (still queued).
        result: its SubmissionResult.

    Returns:
        float: the score the gradebook keeps.
    """
    states = service.queue.states()
    before = in_force(states, state["student"], service.settings.keep)
    graded_now = {**state, "status": "graded", "score": result.score,
                  "tests": [[t.grade_id, t.score] for t in result.tests]}
    after = in_force([s for s in states if s["name"] != state["name"]] + [graded_now],
                     state["student"], service.settings.keep)
    assert after is not None  # this attempt is graded: there is one in force
    if after["name"] != state["name"]:
        restore(service.course.api, service.assignment, state["student"], after["tests"])
    number = attempts.number(states, state["student"], state["name"])
    done = history.read(service.root, state["student"], service.assignment)
    if not any(c.what == "attempt" and c.attempt == state["timestamp"] for c in done):
        why = f"attempt {number}"
        if after["name"] != state["name"]:
            why += f"; the gradebook keeps the best, {after['score']:g}"
        history.record(service.root, history.GradeChange(
            state["student"], service.assignment, "attempt",
            before["score"] if before else None, result.score, why, history_by(),
            attempt=state["timestamp"], max_score=result.max_score))
    return after["score"]


def history_by() -> str:
    """Who records: the service and the account it runs as."""
    return f"classroom service ({getpass.getuser()})"
