"""keep = "best" or "latest" through a real nbgrader gradebook: which attempt's scores stay, and the history of both."""
from types import SimpleNamespace

import pytest

from dnn_course.classroom.keep import keep_score
from dnn_course.course import history
from dnn_course.course.nbapi import make_api
from dnn_course.grading.batch import quiet_gradebook_warnings

ASSIGNMENT, STUDENT = "dnn_app", "ann"


class Queue:
    """The service's queue as keep_score reads it: the attempts' states."""

    def __init__(self):
        self.finished = []

    def states(self):
        return list(self.finished)


def autograde(api, scores):
    """What the worker does for an attempt: write each test's score into the gradebook."""
    with api.gradebook as gb:
        for grade_id, score in scores.items():
            gb.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, STUDENT).auto_score = score
        gb.db.commit()
        return gb.find_submission(ASSIGNMENT, STUDENT).score


def attempt(service, name, timestamp, scores, max_score):
    """Grade one attempt as the service does: the worker's scores, then keep_score, then finished."""
    total = autograde(service.course.api, scores)
    state = {"name": name, "student": STUDENT, "timestamp": timestamp, "status": "queued",
             "taken": timestamp}
    result = SimpleNamespace(score=total, max_score=max_score, tests=[
        SimpleNamespace(grade_id=g, score=s) for g, s in scores.items()])
    kept = keep_score(service, state, result)
    service.queue.finished.append({**state, "status": "graded", "score": total,
                                   "tests": [[g, s] for g, s in scores.items()]})
    return kept


@pytest.mark.parametrize("keep, gradebook_keeps", [("best", "first"), ("latest", "second")])
def test_a_worse_later_attempt_and_the_score_the_gradebook_keeps(course_template, tmp_path, keep,
                                                                   gradebook_keeps):
    quiet_gradebook_warnings()  # nbgrader's add_submission, as the service quiets it
    root = course_template.copy(tmp_path / "course")
    api = make_api(root)
    with api.gradebook as gb:
        gb.add_student(STUDENT)
        gb.add_submission(ASSIGNMENT, STUDENT)
        cells = {c.name: c.max_score for c in gb.find_notebook(ASSIGNMENT, ASSIGNMENT).grade_cells}
    max_score = sum(cells.values())
    right = dict(cells)                                       # every test passed
    wrong = {g: (0.0 if i % 2 else p) for i, (g, p) in enumerate(sorted(cells.items()))}
    worse = sum(wrong.values())
    assert max_score == 20 and 0 < worse < max_score
    service = SimpleNamespace(queue=Queue(), settings=SimpleNamespace(keep=keep),
                              course=SimpleNamespace(api=api), assignment=ASSIGNMENT, root=root)

    assert attempt(service, "a1", "2026-12-02 10:00:00 UTC", right, max_score) == max_score
    kept = attempt(service, "a2", "2026-12-02 10:05:00 UTC", wrong, max_score)

    expected = {"first": max_score, "second": worse}[gradebook_keeps]
    assert kept == expected
    with api.gradebook as gb:
        assert gb.find_submission(ASSIGNMENT, STUDENT).score == expected
        scores = {g: gb.find_grade(g, ASSIGNMENT, ASSIGNMENT, STUDENT).score for g in cells}
    assert scores == (right if gradebook_keeps == "first" else wrong)
    lines = [c for c in history.read(root, STUDENT, ASSIGNMENT) if c.what == "attempt"]
    assert [(c.attempt, c.old, c.new) for c in lines] == [
        ("2026-12-02 10:00:00 UTC", None, max_score),
        ("2026-12-02 10:05:00 UTC", max_score, worse)]  # both attempts, each its own score
    assert lines[1].why == ("attempt 2; the gradebook keeps the best, 20" if keep == "best"
                            else "attempt 2")
    # graded again after a kill: the history is not written twice, the kept score holds
    again = {**service.queue.finished.pop(), "status": "queued"}
    autograde(api, wrong)
    assert keep_score(service, again, SimpleNamespace(
        score=worse, max_score=max_score,
        tests=[SimpleNamespace(grade_id=g, score=s) for g, s in wrong.items()])) == expected
    assert len([c for c in history.read(root, STUDENT, ASSIGNMENT) if c.what == "attempt"]) == 2
