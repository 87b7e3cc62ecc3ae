"""Bad input to ``due`` and ``extend``: a clear line, exit 2, nothing written; good input recorded."""
import csv
import hashlib
import os

import pytest

from dnn_course.course.extensions import DeadlineError, parse_when, read_extensions
from dnn_course.cli import main
from dnn_course.course import history
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK


@pytest.fixture
def course(tmp_path, course_template):
    here = os.getcwd()
    root = course_template.copy(tmp_path / "course")
    (root / "submitted" / "ada" / ASSIGNMENT).mkdir(parents=True)
    (root / "submitted" / "ada" / ASSIGNMENT / NOTEBOOK).write_text("{}")
    yield root
    os.chdir(here)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(root, *args):
    return main(["--root", str(root), *args])


def test_dates_need_their_time_zone():
    assert parse_when("2026-12-01T17:00+01:00").isoformat() == "2026-12-01T16:00:00"
    assert parse_when("2026-12-01T16:00Z").isoformat() == "2026-12-01T16:00:00"
    with pytest.raises(DeadlineError, match="no time zone.*2026-12-01T17:00\\+01:00"):
        parse_when("2026-12-01 17:00")
    with pytest.raises(DeadlineError, match="not a date and time"):
        parse_when("next friday")


@pytest.mark.parametrize("args, said", [
    (["due", "--at", "2026-12-01 17:00"], "has no time zone"),
    (["extend", "bob", "--until", "2026-12-03T12:00Z", "--reason", "ill"], "no learner 'bob'"),
    (["extend", "ada", "--until", "2026-12-03T12:00", "--reason", "ill"], "has no time zone"),
    (["extend", "ada", "--until", "2026-12-03T12:00Z"], "give --reason"),
])
def test_bad_input_exits_2_and_writes_nothing(course, capsys, args, said):
    before = digest(course / "gradebook.db")
    assert cli(course, *args) == 2
    assert said in capsys.readouterr().err
    assert digest(course / "gradebook.db") == before
    assert not (course / "extensions.csv").exists() and history.read(course) == []


def test_unparsable_policy_exits_2_before_writing(course, capsys):
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.CourseLatePenalty.policy = "10 percent a day"\n')
    before = digest(course / "gradebook.db")
    assert cli(course, "due", "--at", "2026-12-01T17:00Z") == 2
    assert cli(course, "extend", "ada", "--until", "2026-12-03T12:00Z", "--reason", "ill") == 2
    err = capsys.readouterr().err
    assert "cannot read '10 percent a day'" in err and "nothing was changed" in err
    assert digest(course / "gradebook.db") == before
    assert not (course / "extensions.csv").exists()


def test_extension_kept_with_reason_and_withdrawn(course, capsys):
    assert cli(course, "extend", "ada", "--until", "2026-12-03T13:00+01:00", "--reason", "ill") == 0
    assert read_extensions(course)[("ada", ASSIGNMENT)].until.isoformat() == "2026-12-03T12:00:00"
    assert cli(course, "extend", "ada", "--withdraw", "--reason", "sent in error") == 0
    assert read_extensions(course) == {}
    with open(course / "extensions.csv", newline="") as f:
        assert [r["reason"] for r in csv.DictReader(f)] == ["ill", "sent in error"]
    assert [c.what for c in history.read(course, "ada")] == ["extension", "extension"]
    capsys.readouterr()
    assert cli(course, "history", "ada") == 0
    assert "extension to 2026-12-03T12:00:00+00:00: ill" in capsys.readouterr().out
    assert cli(course, "due", "--at", "2026-12-01T17:00+01:00") == 0
    assert "due: dnn_app is now due 2026-12-01T16:00:00+00:00 (was unset)" in capsys.readouterr().out


def test_hand_edited_extensions_checked_by_late(course, capsys):
    (course / "extensions.csv").write_text("student,assignment,until,reason,given\n"
                                           "bob,dnn_app,2026-12-03T12:00Z,ill,\n")
    assert cli(course, "late") == 2
    assert "extensions.csv names learners the course does not know: bob" in capsys.readouterr().err
    (course / "extensions.csv").write_text("student,assignment,until,reason,given\n"
                                           "ada,dnn_app,2026-12-03 12:00,ill,\n")
    assert cli(course, "late") == 2
    assert "line 2: until '2026-12-03 12:00' has no time zone" in capsys.readouterr().err
    assert history.read(course) == []


def _import_file(course, text):
    path = course.parent / "extensions-import.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text, said", [
    ("student,until,reason\nada,2026-12-03T12:00Z,ill\nbob,2026-12-03T12:00Z,ill\n",
     "names learners the course does not know: bob"),
    ("student,until,reason\nada,2026-12-03T12:00Z,ill\nada,2026-12-04 12:00,ill\n",
     "line 3: until '2026-12-04 12:00' has no time zone"),
    ("student,until,reason\nada,2026-12-03T12:00Z,\n", "line 2: no reason for ada"),
    ("student,until\nada,2026-12-03T12:00Z\n", "missing: reason"),
    ("", "needs a header row and one row per extension"),
])
def test_import_with_a_bad_row_exits_2_and_writes_nothing(course, capsys, text, said):
    before = digest(course / "gradebook.db")
    assert cli(course, "extend", "--from", _import_file(course, text)) == 2
    err = capsys.readouterr().err
    assert said in err and "nothing was changed" in err
    assert digest(course / "gradebook.db") == before
    assert not (course / "extensions.csv").exists() and history.read(course) == []


def test_import_needs_no_learner_or_date_beside_it(course, capsys):
    path = _import_file(course, "student,until,reason\nada,2026-12-03T12:00Z,ill\n")
    assert cli(course, "extend", "ada", "--from", path) == 2
    assert cli(course, "extend") == 2
    assert "give a LEARNER (or --from FILE)" in capsys.readouterr().err
    assert not (course / "extensions.csv").exists()


def test_import_adds_every_row_with_its_reason(course, capsys):
    (course / "submitted" / "cy" / ASSIGNMENT).mkdir(parents=True)
    path = _import_file(course, "\ufeffstudent,until,reason,assignment\n"
                                "ada,2026-12-03T13:00+01:00,medical,\n"
                                "cy,2026-12-05T09:00Z,family,dnn_app\n")
    assert cli(course, "extend", "--from", path) == 0
    exts = read_extensions(course, ASSIGNMENT)
    assert {s: (e.until.isoformat(), e.reason) for (s, _), e in exts.items()} == {
        "ada": ("2026-12-03T12:00:00", "medical"), "cy": ("2026-12-05T09:00:00", "family")}
    assert [c.why for c in history.read(course, "cy")] == ["extension to 2026-12-05T09:00:00+00:00: family"]
    assert "extend: ada: extension to 2026-12-03T12:00:00+00:00" in capsys.readouterr().out
