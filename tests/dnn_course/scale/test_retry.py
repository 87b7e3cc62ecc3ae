"""One retry loop while the gradebook stays locked: attempts and sleeps counted."""
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from dnn_course.course import gradebook_db
from dnn_course.course.gradebook_db import ATTEMPTS, BACKOFF, GradebookLocked, retry_locked
from dnn_course.scale import parallel

LOCKED = OperationalError("INSERT INTO student ...", {}, sqlite3.OperationalError("database is locked"))


@pytest.fixture
def sleeps(monkeypatch):
    """The seconds retry_locked sleeps, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(gradebook_db, "sleep", slept.append)
    return slept


def failing(times, error):
    """A function that raises ``error`` on its first ``times`` calls, then returns "done"."""
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "done"
    return fn, calls


def test_a_lock_that_never_clears_is_tried_attempts_times_without_a_last_sleep(sleeps):
    fn, calls = failing(99, LOCKED)
    with pytest.raises(OperationalError, match="database is locked"):
        retry_locked(fn)
    assert len(calls) == ATTEMPTS == 5
    assert sleeps == [BACKOFF * 2 ** i for i in range(ATTEMPTS - 1)] == [2, 4, 8, 16]


def test_a_lock_that_clears_returns_the_result_and_counts_the_retries(sleeps):
    fn, calls = failing(2, LOCKED)
    retried = []
    assert retry_locked(fn, on_retry=lambda: retried.append(1)) == "done"
    assert (len(calls), len(retried), sleeps) == (3, 2, [2, 4])


@pytest.mark.parametrize("error", [OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: x")),
                                   ValueError("database is locked")], ids=["other-db-error", "not-a-db-error"])
def test_other_errors_are_raised_at_once(sleeps, error):
    fn, calls = failing(99, error)
    with pytest.raises(type(error)):
        retry_locked(fn)
    assert (len(calls), sleeps) == (1, [])


def test_no_attempt_at_all_is_refused():
    with pytest.raises(ValueError, match="attempts=0; give 1 or more"):
        retry_locked(lambda: "never called", attempts=0)


class LockedNbGrader:
    """Stands in for nbgrader's API: ``autograde`` reports the lock ``locked`` times
    (as nbgrader does: a failed outcome, no exception), then succeeds."""

    def __init__(self, locked):
        self.locked, self.autogrades = locked, 0

    def autograde(self, assignment, student, force=True, create=True):
        self.autogrades += 1
        if self.autogrades <= self.locked:
            return {"success": False, "error": "", "log": "sqlite3.OperationalError: database is locked"}
        return {"success": True, "error": None, "log": ""}


def grade_with(monkeypatch, locked):
    """parallel.grade_in_worker in this process over LockedNbGrader, grade_one reduced to its autograde."""
    nbgrader = LockedNbGrader(locked)
    monkeypatch.setattr(parallel, "_api", parallel.LockRaisingAPI(nbgrader))
    monkeypatch.setattr(parallel, "_root", "/no/course")

    def grade_one(api, root, assignment, student, force=False):
        outcome = api.autograde(assignment, student, force=True, create=True)
        return (student, outcome["success"])
    monkeypatch.setattr(parallel, "grade_one", grade_one)
    return nbgrader


def test_a_worker_autogrades_a_locked_submission_attempts_times_not_attempts_squared(monkeypatch, sleeps):
    """The API reports the lock and never retries; the worker's one loop does: 5 autogrades
    and 4 sleeps (30 s) in all, where two nested loops made 25 autogrades and 5+ minutes."""
    nbgrader = grade_with(monkeypatch, locked=99)
    with pytest.raises(GradebookLocked, match="database is locked.*grade this submission again"):
        parallel.grade_in_worker("dnn_app", "ana", False)
    assert nbgrader.autogrades == ATTEMPTS
    assert sum(sleeps) == 30


def test_a_worker_reports_how_often_it_graded_again(monkeypatch, sleeps):
    nbgrader = grade_with(monkeypatch, locked=2)
    result, run = parallel.grade_in_worker("dnn_app", "ana", False)
    assert result == ("ana", True)
    assert (nbgrader.autogrades, run["retries"], sleeps) == (3, 2, [2, 4])


def test_an_autograde_failing_for_another_reason_is_returned_as_is():
    class Broken:
        def autograde(self, *args, **kwargs):
            return {"success": False, "error": "NameError: train_x", "log": ""}

    assert parallel.LockRaisingAPI(Broken()).autograde("dnn_app", "ana") == \
        {"success": False, "error": "NameError: train_x", "log": ""}
