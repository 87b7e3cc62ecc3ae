"""The service's rules without a classroom: attempt limit, numbering, latest/best, inbound names, settings."""
import os
import pwd

import pytest
from traitlets import TraitError
from traitlets.config import Config

from dnn_course.classroom.attempts import next_accepted, number
from dnn_course.classroom.inbox import parse_name, problem, ready
from dnn_course.classroom.keep import in_force
from dnn_course.classroom.settings import load_settings


def state(name, student, taken, status="graded", score=None):
    return {"name": name, "student": student, "taken": taken, "status": status, "score": score}


def test_the_limit_counts_graded_attempts_of_the_last_hour_only():
    states = [state("1", "ann", "2026-01-01T10:00:00+00:00"),
              state("2", "ann", "2026-01-01T10:20:00+00:00"),
              state("x", "ann", "2026-01-01T10:25:00+00:00", status="not graded"),
              state("y", "bob", "2026-01-01T10:26:00+00:00")]
    at = "2026-01-01T10:30:00+00:00"
    assert next_accepted(states, "ann", at, 3).isoformat() == at
    assert next_accepted(states, "ann", at, 2).isoformat() == "2026-01-01T11:00:00+00:00"
    assert next_accepted(states, "ann", "2026-01-01T11:00:01+00:00", 2).isoformat() == \
        "2026-01-01T11:00:01+00:00"  # the 10:00 attempt has left the hour
    assert next_accepted(states, "bob", at, 1).isoformat() == "2026-01-01T11:26:00+00:00"


def test_attempts_are_numbered_per_learner_in_arrival_order():
    states = [state("a1", "ann", "t1"), state("b1", "bob", "t2"), state("a2", "ann", "t3")]
    assert [number(states, "ann", "a1"), number(states, "ann", "a2"), number(states, "bob", "b1")] \
        == [1, 2, 1]
    assert number(states, "ann", "a3") == 3


def test_the_gradebook_keeps_the_latest_or_the_first_best():
    states = [state("1", "ann", "t1", score=12.0), state("2", "ann", "t2", score=18.0),
              state("3", "ann", "t3", score=18.0), state("4", "ann", "t4", score=9.0),
              state("5", "ann", "t5", status="not graded"), state("b", "bob", "t6", score=20.0)]
    assert in_force(states, "ann", "latest")["name"] == "4"
    assert in_force(states, "ann", "best")["name"] == "2"
    assert in_force(states, "cy", "best") is None


def test_inbound_names_are_read_as_nbgrader_writes_them():
    with_suffix = parse_name("ann+dnn_app+2026-12-02 14:00:00.123456 UTC+U2osODgP")
    assert (with_suffix.student, with_suffix.assignment, with_suffix.timestamp) == \
        ("ann", "dnn_app", "2026-12-02 14:00:00.123456 UTC")
    assert parse_name("ann+dnn_app+2026-12-02 14:00:00.123456 UTC").student == "ann"
    assert parse_name("ann+dnn_app+not a time") is None
    assert parse_name("notes.txt") is None


def test_a_folder_is_taken_only_once_nbgrader_has_finished_it(tmp_path):
    folder = tmp_path / "ann+dnn_app+2026-12-02 14:00:00 UTC"
    folder.mkdir(mode=0o755)
    (folder / "timestamp.txt").write_text("2026-12-02 14:00:00 UTC")
    (folder / "submission_secret.txt").write_text("s")
    assert not ready(folder)  # nbgrader's last step, chmod 0777, not done yet
    folder.chmod(0o777)
    assert ready(folder)


def test_links_and_other_accounts_folders_are_rejected(tmp_path):
    me = pwd.getpwuid(os.geteuid()).pw_name
    folder = tmp_path / "attempt"
    folder.mkdir()
    (folder / "dnn_app.ipynb").write_text("{}")
    assert problem(folder, me) is None
    assert problem(folder, "someone-else") == f"submitted by account {me!r} under the id 'someone-else'"
    (folder / "answers.ipynb").symlink_to("/etc/passwd")
    assert problem(folder, me) == "answers.ipynb is a link or a special file"


def test_settings_come_from_the_course_configuration():
    defaults = load_settings(Config())
    assert (defaults.keep, defaults.attempts_per_hour, defaults.detail_before_deadline) == \
        ("latest", 6, False)
    cfg = Config()
    cfg.ClassroomGrader.keep = "best"
    cfg.ClassroomGrader.attempts_per_hour = 3
    assert (load_settings(cfg).keep, load_settings(cfg).attempts_per_hour) == ("best", 3)
    cfg.ClassroomGrader.keep = "first"
    with pytest.raises(TraitError):
        load_settings(cfg)
