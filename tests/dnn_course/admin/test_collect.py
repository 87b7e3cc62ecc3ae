"""dnn-course collect on LMS downloads: Canvas, Moodle, Blackboard and plain layouts (fast)."""
import csv
import os
import shutil
import zipfile
from datetime import datetime

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from dnn_course.cli import main
from dnn_course.course.gradebook_db import open_gradebook
from dnn_course.admin.lms import Ignored, Unusable, identify, split_name
from dnn_course.course.paths import COURSE_ROOT

CANVAS_LATE = "leedana_LATE_123456_7891011_dnn_app.ipynb"
CANVAS = "smithjohn_123457_7891012_dnn_app.ipynb"
MOODLE = "Dana Lee_555_assignsubmission_file_/dnn_app.ipynb"
BLACKBOARD = "Homework 3_jdoe_attempt_2026-11-27-14-05-09_dnn_app.ipynb"
RECEIPT = ("Name: Jane Doe (jdoe)\nAssignment: Homework 3\nDate Submitted: Friday, November 27, "
           "2026 2:05:09 PM CET\n\nFiles:\n\tOriginal filename: dnn_app.ipynb\n")


def _nb(tag):
    cell = new_code_cell(f"x = {tag!r}")
    cell.id = "c1"
    return nbformat.writes(new_notebook(cells=[cell])).encode()


def _zip(path, members):
    """Write a zip of (name, bytes, date_time) members."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data, when in members:
            z.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """An empty gradebook, made once (nbgrader runs alembic to make one: seconds)."""
    path = tmp_path_factory.mktemp("gb") / "gradebook.db"
    open_gradebook(f"sqlite:///{path}")
    return path


@pytest.fixture
def course(tmp_path, empty_gradebook):
    """A scratch course folder: the course's nbgrader_config.py, source/ and an empty gradebook."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(COURSE_ROOT / "nbgrader_config.py", root)
    shutil.copytree(COURSE_ROOT / "source", root / "source")
    shutil.copy(empty_gradebook, root / "gradebook.db")
    return root


def run(course, *args):
    return main(["--root", str(course), *map(str, args)])


def submitted(course, sid, name="dnn_app.ipynb"):
    return course / "submitted" / sid / "dnn_app" / name


def DB(course):
    return f"sqlite:///{course / 'gradebook.db'}"


def students(course):
    with Gradebook(DB(course), "dnn-cat-course") as gb:
        return {s.id: (s.first_name, s.last_name, s.lms_user_id) for s in gb.students}


def test_one_download_with_every_lms(course, tmp_path, capsys):
    """Canvas (late and on time), Moodle and Blackboard in one zip: each lands under its LMS
    id with its time (Europe/Berlin, UTC+1 in winter) and names; the stray file is reported."""
    archive = _zip(tmp_path / "download.zip", [
        (CANVAS_LATE, _nb("late"), (2026, 11, 30, 23, 59, 0)),
        (CANVAS, _nb("canvas"), (2026, 11, 29, 10, 0, 0)),
        (MOODLE, _nb("moodle"), (2026, 11, 28, 8, 30, 0)),
        ("Dana Lee_555_assignsubmission_onlinetext_/onlinetext.html", b"<p>hi</p>", (2026, 11, 28, 8, 30, 0)),
        (BLACKBOARD, _nb("bb"), (2026, 12, 1, 9, 0, 0)),
        ("Homework 3_jdoe_attempt_2026-11-27-14-05-09.txt", RECEIPT.encode(), (2026, 12, 1, 9, 0, 0)),
        ("grading-notes.pdf", b"%PDF", (2026, 12, 1, 9, 0, 0)),
        ("dnn_app.ipynb", _nb("instructor's copy"), (2026, 12, 1, 9, 0, 0)),
    ])
    assert run(course, "collect", archive, "--timezone", "Europe/Berlin") == 1
    out = capsys.readouterr().out
    expected = {"123456": ("late", "2026-11-30 22:59:00.000000 UTC"),
                "123457": ("canvas", "2026-11-29 09:00:00.000000 UTC"),
                "555": ("moodle", "2026-11-28 07:30:00.000000 UTC"),
                "jdoe": ("bb", "2026-11-27 13:05:09.000000 UTC")}  # the name's time, not the zip's
    for sid, (tag, stamp) in expected.items():
        assert submitted(course, sid).read_bytes() == _nb(tag)
        assert submitted(course, sid, "timestamp.txt").read_text() == stamp + "\n"
    assert sorted(os.listdir(course / "submitted")) == sorted(expected)
    assert parse_utc(submitted(course, "123456", "timestamp.txt").read_text().strip()) == \
        datetime(2026, 11, 30, 22, 59)
    assert f"  added     123456     leedana (Canvas, late)  2026-11-30 22:59:00 UTC  <- {CANVAS_LATE}" in out
    assert f"555        Dana Lee (Moodle)  2026-11-28 07:30:00 UTC  <- {MOODLE}" in out
    assert "jdoe       Jane Doe (Blackboard)" in out
    assert "late by Canvas; the gradebook has no due date" in out
    assert "  skipped   grading-notes.pdf: not a notebook" in out
    assert "  skipped   dnn_app.ipynb: named like the assignment, not after a learner" in out
    assert "collect: 4 added, 0 replaced, 0 unchanged, 0 kept, 2 skipped; 2 LMS extras ignored" in out
    assert students(course) == {"123456": ("", "leedana", "123456"),
                                "123457": ("", "smithjohn", "123457"),
                                "555": ("Dana", "Lee", "555"),
                                "jdoe": ("Jane", "Doe", "jdoe")}
    with (course / ".dnn_course" / "collected" / "dnn_app.csv").open() as f:
        log = {r["student_id"]: r for r in csv.DictReader(f)}
    assert (log["123456"]["late"], log["123457"]["late"]) == ("yes", "")
    assert log["555"]["source"] == MOODLE
    # the same download again: nothing changes, names typed meanwhile stay
    with Gradebook(DB(course), "dnn-cat-course") as gb:
        gb.update_or_create_student("123456", first_name="Dana", last_name="Lee")
    assert run(course, "collect", archive, "--timezone", "Europe/Berlin") == 1
    assert "collect: 0 added, 0 replaced, 4 unchanged" in capsys.readouterr().out
    assert students(course)["123456"] == ("Dana", "Lee", "123456")


def test_a_learner_graded_before_collect_gets_the_downloads_name(course, tmp_path):
    """Grading names a learner it meets first by its id (grading.add_student): that is no
    name, and a later collect fills in the LMS's."""
    from dnn_course.grading.submission import add_student

    with Gradebook(DB(course), "dnn-cat-course") as gb:
        add_student(gb, "555")
    archive = _zip(tmp_path / "download.zip", [(MOODLE, _nb("moodle"), (2026, 11, 28, 8, 30, 0))])
    assert run(course, "collect", archive) == 0
    assert students(course)["555"] == ("Dana", "Lee", "555")


def test_canvas_resubmission_from_a_folder(course, tmp_path, capsys):
    """Canvas's "-1" suffix is still the learner's notebook; a folder's file time (UTC) is used."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    path = folder / "smithjohn_123457_7891012_dnn_app-1.ipynb"
    path.write_bytes(_nb("resubmitted"))
    os.utime(path, (1794990400, 1794990400))  # 2026-11-18 08:26:40 UTC
    assert run(course, "collect", folder) == 0
    assert submitted(course, "123457").read_bytes() == _nb("resubmitted")
    assert submitted(course, "123457", "timestamp.txt").read_text() == "2026-11-18 08:26:40.000000 UTC\n"
    assert "smithjohn (Canvas)" in capsys.readouterr().out


def test_old_layouts_still_work(course, tmp_path):
    """<student>/any.ipynb, <student>_any.ipynb and <student>.ipynb, without names."""
    folder = tmp_path / "dl"
    (folder / "bob").mkdir(parents=True)
    (folder / "bob" / "whatever.ipynb").write_bytes(_nb("b"))
    (folder / "alice_12345_dnn_app.ipynb").write_bytes(_nb("a"))
    (folder / "carol.ipynb").write_bytes(_nb("c"))
    assert run(course, "collect", folder) == 0
    for sid, tag in (("alice", "a"), ("bob", "b"), ("carol", "c")):
        assert submitted(course, sid).read_bytes() == _nb(tag)
    assert students(course) == {s: (None, None, None) for s in ("alice", "bob", "carol")}


@pytest.mark.parametrize("member", ["../../evil.ipynb", "/abs/evil.ipynb", "a/../../evil.ipynb",
                                    "..\\..\\evil.ipynb", "C:/evil.ipynb"])
def test_unsafe_zip_paths_are_refused(course, tmp_path, capsys, member):
    """An archive whose paths climb out is refused whole: exit 2, nothing written."""
    archive = _zip(tmp_path / "evil.zip", [(CANVAS, _nb("ok"), (2026, 1, 1, 0, 0, 0)),
                                           (member, _nb("evil"), (2026, 1, 1, 0, 0, 0))])
    assert run(course, "collect", archive) == 2
    assert "holds an unsafe path" in capsys.readouterr().err
    assert not (course / "submitted").exists()
    assert not (tmp_path / "evil.ipynb").exists()


def test_windows_separators_in_a_zip(course, tmp_path):
    """Zips made on Windows may separate folders with a backslash."""
    archive = _zip(tmp_path / "win.zip", [("bob\\whatever.ipynb", _nb("win"), (2026, 1, 1, 0, 0, 0))])
    assert run(course, "collect", archive) == 0
    assert submitted(course, "bob").read_bytes() == _nb("win")


def test_a_different_submission_is_kept_without_force(course, tmp_path, capsys):
    archive = _zip(tmp_path / "a.zip", [(MOODLE, _nb("first"), (2026, 11, 28, 8, 30, 0))])
    assert run(course, "collect", archive) == 0
    archive = _zip(tmp_path / "b.zip", [(MOODLE, _nb("second"), (2026, 11, 29, 8, 30, 0))])
    assert run(course, "collect", archive) == 1
    assert "a different submission is already there: kept it (--force replaces it)" in \
        capsys.readouterr().out
    assert submitted(course, "555").read_bytes() == _nb("first")
    assert submitted(course, "555", "timestamp.txt").read_text() == "2026-11-28 08:30:00.000000 UTC\n"
    assert run(course, "collect", archive, "--force") == 0
    assert submitted(course, "555").read_bytes() == _nb("second")
    assert submitted(course, "555", "timestamp.txt").read_text() == "2026-11-29 08:30:00.000000 UTC\n"


def test_two_notebooks_for_one_learner(course, tmp_path, capsys):
    """Blackboard attempts: the newest is collected. Two Moodle files: neither (which is
    newer is unknown); the others are still collected."""
    archive = _zip(tmp_path / "dl.zip", [
        ("HW_jdoe_attempt_2026-11-27-14-05-09_dnn_app.ipynb", _nb("old"), (2026, 1, 1, 0, 0, 0)),
        ("HW_jdoe_attempt_2026-11-28-09-00-00_dnn_app.ipynb", _nb("new"), (2026, 1, 1, 0, 0, 0)),
        ("Dana Lee_555_assignsubmission_file_/dnn_app.ipynb", _nb("m1"), (2026, 1, 1, 0, 0, 0)),
        ("Dana Lee_555_assignsubmission_file_/scratch.ipynb", _nb("m2"), (2026, 1, 1, 0, 0, 0)),
        (CANVAS, _nb("canvas"), (2026, 1, 1, 0, 0, 0)),
    ])
    assert run(course, "collect", archive) == 1
    out = capsys.readouterr().out
    assert submitted(course, "jdoe").read_bytes() == _nb("new")
    assert submitted(course, "123457").read_bytes() == _nb("canvas")
    assert not (course / "submitted" / "555").exists()
    assert "skipped   HW_jdoe_attempt_2026-11-27-14-05-09_dnn_app.ipynb: an older attempt of jdoe" in out
    assert "2 notebooks for 555" in out and "no way to tell which is newer" in out


def test_blackboard_usernames_with_underscores(course, tmp_path, capsys):
    """The receipt gives the whole username; without receipts two learners whose names end
    alike are never taken for two attempts of one."""
    receipt = "Name: Dana Lee (dana_lee)\nAssignment: HW\n"
    archive = _zip(tmp_path / "dl.zip", [
        ("HW_dana_lee_attempt_2026-11-27-14-05-09_dnn_app.ipynb", _nb("dana"), (2026, 1, 1, 0, 0, 0)),
        ("HW_dana_lee_attempt_2026-11-27-14-05-09.txt", receipt.encode(), (2026, 1, 1, 0, 0, 0)),
        ("HW_mo_ng_attempt_2026-11-27-10-00-00_dnn_app.ipynb", _nb("mo"), (2026, 1, 1, 0, 0, 0)),
        ("HW_al_ng_attempt_2026-11-28-10-00-00_dnn_app.ipynb", _nb("al"), (2026, 1, 1, 0, 0, 0)),
    ])
    assert run(course, "collect", archive) == 1
    out = capsys.readouterr().out
    assert submitted(course, "dana_lee").read_bytes() == _nb("dana")
    assert students(course)["dana_lee"] == ("Dana", "Lee", "dana_lee")
    assert not (course / "submitted" / "ng").exists()
    assert "skipped   HW_al_ng_attempt_2026-11-28-10-00-00_dnn_app.ipynb: 2 notebooks for ng" in out


def test_canvas_late_marker_against_the_due_date(course, tmp_path, capsys):
    """A file time that contradicts Canvas is never turned into a late penalty."""
    with Gradebook(DB(course), "dnn-cat-course") as gb:
        gb.update_or_create_assignment("dnn_app", duedate=datetime(2026, 11, 30, 12, 0))
    archive = _zip(tmp_path / "dl.zip", [
        (CANVAS_LATE, _nb("late"), (2026, 11, 30, 11, 0, 0)),      # late, yet before the due date
        (CANVAS, _nb("on time"), (2026, 12, 1, 9, 0, 0)),          # on time, yet after it
    ])
    assert run(course, "collect", archive) == 0
    out = capsys.readouterr().out
    assert "late by Canvas, but its file time is not after the due date" in out
    assert "on time by Canvas, but its file time is after the due date" in out
    assert submitted(course, "123456", "timestamp.txt").read_text() == "2026-11-30 11:00:00.000000 UTC\n"
    assert not submitted(course, "123457", "timestamp.txt").exists()


@pytest.mark.parametrize("path, reason", [
    ("Dana Lee/dnn_app.ipynb", "'Dana Lee' (folder) is not a usable student id"),
    ("a..b.ipynb", "'a..b' (file name) is not a usable student id"),
    ("My Notebook (1).ipynb", "is not a usable student id"),
    ("leedana_123456_7891011_notes.pdf", "not a notebook (Canvas)"),
    ("readme.txt", "not a notebook"),
    ("dnn_app-1.ipynb", "named like the assignment, not after a learner: name it "
                        "<student>_dnn_app.ipynb"),
])
def test_unusable_entries_say_why(path, reason):
    with pytest.raises(Unusable, match=reason.replace("(", r"\(").replace(")", r"\)")):
        identify(path, "dnn_app.ipynb")


@pytest.mark.parametrize("path", ["__MACOSX/._x.ipynb", "a/.ipynb_checkpoints/x-checkpoint.ipynb",
                                  "Dana Lee_555_assignsubmission_onlinetext_/onlinetext.html",
                                  "HW 1_jdoe_attempt_2026-11-27-14-05-09.txt"])
def test_lms_extras_are_ignored(path):
    with pytest.raises(Ignored):
        identify(path)


@pytest.mark.parametrize("full, split", [
    ("Dana Lee", ("Dana", "Lee")), ("Anna Maria Berg", ("Anna Maria", "Berg")),
    ("Anna van der Berg", ("Anna", "van der Berg")), ("Van Morrison", ("Van", "Morrison")),
    ("Plato", ("", "Plato")),
])
def test_split_name(full, split):
    assert split_name(full) == split


@pytest.mark.parametrize("path, expected", [
    (CANVAS_LATE, ("123456", "Canvas, late", "", "leedana", "123456", None)),
    ("smithjohn_123457_7891012_dnn_app-1.ipynb", ("123457", "Canvas", "", "smithjohn", "123457", None)),
    (MOODLE, ("555", "Moodle", "Dana", "Lee", "555", None)),
    ("Anna van der Berg_77_assignsubmission_file_dnn_app.ipynb",  # Moodle without folders
     ("77", "Moodle", "Anna", "van der Berg", "77", None)),
    ("course/Dana Lee_555_assignsubmission_file/sub/dnn_app.ipynb",
     ("555", "Moodle", "Dana", "Lee", "555", None)),
    (BLACKBOARD, ("jdoe", "Blackboard", "", "", "jdoe", datetime(2026, 11, 27, 14, 5, 9))),
    ("alice_12345_dnn_app.ipynb", ("alice", "file name", "", "", None, None)),
    ("bob/deep/whatever.ipynb", ("bob", "folder", "", "", None, None)),
])
def test_identify(path, expected):
    s = identify(path, "dnn_app.ipynb")
    assert (s.student_id, s.how, s.first_name, s.last_name, s.lms_user_id, s.timestamp) == expected


HOSTILE_MOODLE = "Ana <img src=x onerror=alert(1)>_556_assignsubmission_file_/dnn_app.ipynb"
HOSTILE_CANVAS = "o'brien\"&<b>_123458_7891013_dnn_app.ipynb"
HOSTILE_RECEIPT = "Name: Jo <script>alert(1)</script> Ng (jng)\nAssignment: HW\n"


def test_names_holding_markup_are_stored_as_text(course, tmp_path, capsys):
    """Names that could act as HTML (Moodle folder, Canvas file name, Blackboard receipt) are
    stored with look-alike characters, the learner is still collected, and collect says so."""
    archive = _zip(tmp_path / "dl.zip", [
        (HOSTILE_MOODLE, _nb("moodle"), (2026, 1, 1, 0, 0, 0)),
        (HOSTILE_CANVAS, _nb("canvas"), (2026, 1, 1, 0, 0, 0)),
        ("HW_jng_attempt_2026-11-27-14-05-09_dnn_app.ipynb", _nb("bb"), (2026, 1, 1, 0, 0, 0)),
        ("HW_jng_attempt_2026-11-27-14-05-09.txt", HOSTILE_RECEIPT.encode(), (2026, 1, 1, 0, 0, 0)),
    ])
    assert run(course, "collect", archive) == 0
    out = capsys.readouterr().out
    assert students(course) == {
        "556": ("Ana \u2039img src=x", "onerror=alert(1)\u203a", "556"),
        "123458": ("", "o\u2019brien\u201d\uff06\u2039b\u203a", "123458"),
        "jng": ("Jo \u2039script\u203aalert(1)\u2039/script\u203a", "Ng", "jng")}
    for sid in ("556", "123458", "jng"):
        assert submitted(course, sid).exists()
    note = "the name held < > & \" ' or `, which could act as HTML in grading pages: stored with " \
           "look-alike characters as "
    assert out.count(note) == 3, out
    assert note + repr("o\u2019brien\u201d\uff06\u2039b\u203a") in out
    for name in students(course).values():
        assert not set("<>&\"'`") & set("".join(name))


@pytest.mark.parametrize("raw, plain, changed", [
    ("Dana Lee", "Dana Lee", False),
    ("O'Brien", "O\u2019Brien", True),
    ("<img src=x onerror=alert(1)>", "\u2039img src=x onerror=alert(1)\u203a", True),
    ("a & \"b\" `c`", "a \uff06 \u201db\u201d \u2018c\u2018", True),
    ("tab\there\nnew", "tab here new", False),
    (None, "", False),
])
def test_plain_name(raw, plain, changed):
    """Each character HTML reads as markup becomes its look-alike; nothing else changes."""
    from dnn_course.course.names import plain_name

    assert plain_name(raw) == (plain, changed)


def test_gradebook_names_with_markup_are_listed(course):
    """Names added by routes collect does not own (nbgrader db student add, formgrader's form)
    are found and named with the fix; a learner graded first under a hostile folder name gets
    a plain name."""
    from dnn_course.course.names import markup_in_gradebook, markup_warning
    from dnn_course.grading.submission import add_student

    with Gradebook(DB(course), "dnn-cat-course") as gb:
        gb.update_or_create_student("s1", first_name="Dana", last_name="Lee")
        gb.update_or_create_student("s2", first_name="<svg onload=alert(1)>", last_name="Lee")
        add_student(gb, "x<b>")
    found = markup_in_gradebook(DB(course), "dnn-cat-course")
    assert found == [("s2", "first_name", "<svg onload=alert(1)>"), ("x<b>", "id", "x<b>")]
    assert students(course)["x<b>"] == ("", "x\u2039b\u203a", None)
    lines = markup_warning(found)
    assert lines[0].startswith("2 gradebook name(s) hold < > & \" ' or `")
    assert lines[1] == "  student 's2': first_name = '<svg onload=alert(1)>'"
    assert "nbgrader db student remove <id>" in lines[-1]
    assert markup_warning([]) == []
    from types import SimpleNamespace

    from dnn_course.cli import _markup_names
    from dnn_course.course.context import Course

    assert _markup_names(SimpleNamespace(course=Course(course))) == lines  # what check and grade say
    assert markup_in_gradebook(f"sqlite:///{course / 'none.db'}", "dnn-cat-course") == []
    assert not (course / "none.db").exists()
