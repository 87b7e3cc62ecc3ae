"""The grade history: appended, read back in order, filtered, never garbled."""
import multiprocessing

import pytest

from dnn_course.course import history
from dnn_course.course.history import GradeChange


def change(student="ada", new=18.0, what="autograde", **kw):
    return GradeChange(student=student, assignment="dnn_app", what=what, old=None,
                       new=new, why="graded", by="dnn-course grade", **kw)


def test_empty_course_has_no_history(tmp_path):
    assert history.read(tmp_path) == []
    assert history.latest_score(tmp_path, "ada", "dnn_app") is None


def test_changes_come_back_in_order_with_their_time(tmp_path):
    first = history.record(tmp_path, change(new=12.0))
    history.record(tmp_path, change(student="bo", new=20.0))
    history.record(tmp_path, change(new=18.0, what="attempt", attempt="2026-12-02 10:00:00 UTC"))
    assert first.when.endswith("+00:00")
    ada = history.read(tmp_path, student="ada")
    assert [c.new for c in ada] == [12.0, 18.0]
    assert ada[1].attempt == "2026-12-02 10:00:00 UTC"
    assert history.latest_score(tmp_path, "ada", "dnn_app") == 18.0
    assert history.latest_score(tmp_path, "bo", "dnn_app") == 20.0
    assert history.read(tmp_path, assignment="other") == []


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        change(what="guess")


def test_a_garbled_line_is_named(tmp_path):
    history.record(tmp_path, change())
    with open(history.history_path(tmp_path), "a") as handle:
        handle.write("{not json\n")
    with pytest.raises(ValueError, match="line 2"):
        history.read(tmp_path)


def _write_many(args):
    root, student = args
    for i in range(50):
        history.record(root, change(student=student, new=float(i)))


def test_writers_in_several_processes_never_interleave(tmp_path):
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_many, [(str(tmp_path), f"s{k}") for k in range(4)])
    changes = history.read(tmp_path)
    assert len(changes) == 200
    for k in range(4):
        assert [c.new for c in history.read(tmp_path, student=f"s{k}")] == [float(i) for i in range(50)]
