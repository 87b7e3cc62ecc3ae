"""The class report groups mistakes by the step feedback names; LMS exports carry every learner."""
import csv
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from datetime import datetime, timezone

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from dnn_course.admin.class_results import read_autograded
from dnn_course.admin.export import (CANVAS_HEADER, MOODLE_HEADER, table, write_canvas, write_csv,
                                     write_json, write_moodle)
from dnn_course.demo.demo import SUMMARY_WIDTH, summary_line
from dnn_course.preprocessors.execute import grading_time
from dnn_course.admin.mistake_groups import finding_of, group_mistakes
from dnn_course.course.mistakes import FAKE_GLOBALS, MUTANTS, STEP, build, mutate
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.admin.report import render
from dnn_course.grading.results import TestResult as CellResult
from public_tests.diagnose import diagnose
from public_tests.hidden import small_inputs
from public_tests.findings import NOT_NAMED, read_record, record
from report_class import RATE, SIGN, SIGN_MSG, hand_made_class

# ------------------------------------------------------------------ signatures

CASES = sorted(STEP)


@pytest.fixture(scope="module")
def sources():
    from dnn_course.course.solutions import solution_sources

    return solution_sources()


@pytest.mark.parametrize("name, mistake", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_every_mistake_reads_back_as_its_finding(name, mistake, sources, reference):
    """The record of each catalogued mistake, through JSON as grading keeps it, gives back its
    finding's step, kind and explanation."""
    wrong = build(mutate(sources[name], MUTANTS[name][mistake]), name, FAKE_GLOBALS)
    with np.errstate(all="ignore"):
        finding = diagnose(wrong, reference[name], small_inputs(name))
    assert finding.kind not in ("", "other"), finding
    kept = read_record(json.loads(json.dumps(record("check.", finding, "seen on a small input"))))
    test = CellResult("g", 0.0, 2.0, "AssertionError: check. ...", "AssertionError", kept)
    assert finding_of(test) == (finding.step, finding.kind, finding.message)


def test_signature_kinds_tell_mistakes_apart(sources, reference):
    """Different mistakes of one step get different kinds, set where the diagnosis finds them,
    with the call and argument they were seen in."""
    name, update = "two_layer_model", "parameters = update_parameters(parameters, grads, learning_rate)"

    def found(edits):
        with np.errstate(all="ignore"):
            return diagnose(build(mutate(sources[name], edits), name), reference[name], small_inputs(name))

    fixed = found(MUTANTS[name]["hard-coded-learning-rate"])
    negated = found([(update, update.replace("learning_rate)", "-learning_rate)"))])
    assert fixed.step == negated.step == RATE and fixed.kind == "fixed learning rate"
    assert (negated.kind, negated.call, negated.argument, negated.got) == \
        ("learning rate negated", "update_parameters", "learning_rate", "-0.05")
    assert found(MUTANTS[name]["wrong-sign-dA2"]).kind == "dA has the opposite sign"
    relu = found([('(dA2, cache2, "sigmoid")', '(dA2, cache2, "relu")')])
    assert (relu.kind, relu.call, relu.argument) == \
        ("'relu' where 'sigmoid' belongs", "linear_activation_backward", "activation")


def test_reasons_naming_no_step():
    """Blank, raising and timed-out functions are grouped by what happened, read from the record
    the cell emitted or, without one, from the name of the error the cell ended with."""
    def kind(error, kept=None):
        return finding_of(CellResult("g", 0.0, 1.0, f"{error}: the words do not matter", error, kept))[:2]

    assert kind("AssertionError", record("f raised NotImplementedError.", raised="NotImplementedError")) \
        == (NOT_NAMED, "not implemented yet")
    assert kind("AssertionError", record("f raised ValueError.", raised="ValueError")) == (NOT_NAMED, "raises ValueError")
    assert kind("CellTimeoutError") == (NOT_NAMED, "ran out of time")
    assert kind("ZeroDivisionError") == (NOT_NAMED, "raises ZeroDivisionError")
    assert kind("AssertionError") == kind("") == (NOT_NAMED, "wrong results in the test")


# ------------------------------------------------------------------ grouping and page

def test_groups_list_exactly_the_learners_of_each_mistake():
    """Largest group first; a learner counts once however many tests show the mistake; the public
    test's unnamed failure of the same function is not a second mistake."""
    groups = group_mistakes(hand_made_class().results)
    assert [(g.step, g.students) for g in groups] == [
        (SIGN, ["ana", "<b>cy</b>", "eve"]), (RATE, ["ben", "dee"]), (NOT_NAMED, ["gus"])]
    sig = groups[0].signatures[0]
    assert (sig.kind, sig.students, sig.example) == ("dA has the opposite sign", ["ana", "<b>cy</b>", "eve"], SIGN_MSG)
    assert sig.tests == {"two_layer_model_hidden_shapes", "two_layer_model_hidden_course_data"}


def section(page, name):
    return re.search(rf'<section id="{name}">(.*?)</section>', page, re.S).group(1)


def test_page_is_self_contained_escaped_and_names_everyone(tmp_path):
    """At least three embedded charts, no script, nothing fetched, names and reasons escaped,
    every learner listed, and the groups in the page list exactly their learners."""
    cls = hand_made_class()
    fb = tmp_path / "feedback" / "ana" / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")
    fb.parent.mkdir(parents=True)
    fb.write_text("<p>feedback</p>")
    page = render(cls, tmp_path, tmp_path / "exports")
    assert len(re.findall(r'<img class="plot" alt="[^"]*" src="data:image/png;base64,', page)) >= 3
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert "<b>cy</b>" not in page and "&lt;b&gt;cy&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'href="../feedback/ana/{ASSIGNMENT}/dnn_app.html"' in page  # relative, from exports/
    everyone = unescape(section(page, "everyone"))
    assert all(r.student in everyone for r in cls.results)
    groups = re.findall(r'<div class="group" data-step="([^"]+)"><h3>.*?</h3>(.*?)</div></div>',
                        section(page, "mistakes"), re.S)
    students = {r.student for r in cls.results}
    listed = {unescape(step): [s for s in map(unescape, re.findall(r"<(?:a|span)[^>]*>([^<]+)</", body))
                               if s in students] for step, body in groups}
    assert listed == {SIGN: ["ana", "<b>cy</b>", "eve"], RATE: ["ben", "dee"], NOT_NAMED: ["gus"]}
    assert "the notebook is not valid JSON &lt;here&gt;" in section(page, "not-graded")
    assert "had been changed" in section(page, "tampering")
    assert "Median 23.0 s" in section(page, "times")


def test_each_submission_links_to_its_grade_history(tmp_path):
    """The history section shows a learner's changes as `dnn-course history` prints them, escaped;
    each row of "Every submission" links to them, or says there are none."""
    from dnn_course.course import history

    cls = hand_made_class()
    for change in (history.GradeChange("<b>cy</b>", ASSIGNMENT, "autograde", None, 6.0, "graded <i>", "grade"),
                   history.GradeChange("<b>cy</b>", ASSIGNMENT, "regrade", 6.0, 8.0, "edited tests", "regrade"),
                   history.GradeChange("ana", "other", "autograde", None, 1.0, "another assignment", "x")):
        history.record(tmp_path, change)
    page = render(cls, tmp_path, tmp_path / "exports")
    anchor = [r.student for r in cls.results].index("<b>cy</b>")
    rows = dict(re.findall(r"<tr><td>(?:<span>|<a [^>]*>)([^<]+)</(?:span|a)></td>(?:<td>[^<]*</td>){4}"
                           r"<td>(.*?)</td>", section(page, "everyone")))
    assert rows["&lt;b&gt;cy&lt;/b&gt;"] == f'<a href="#history-{anchor}">2 changes</a>'
    assert rows["ana"] == "-"  # only another assignment's change
    shown = re.search(rf'<h3 id="history-{anchor}">&lt;b&gt;cy&lt;/b&gt;</h3><pre>(.*?)</pre>',
                      section(page, "history"), re.S).group(1)
    assert "<i>" not in shown and "graded &lt;i&gt;" in shown
    assert unescape(shown).splitlines() == [history.line_text(c) for c in history.read(tmp_path, "<b>cy</b>",
                                                                                        ASSIGNMENT)]
    (tmp_path / history.FILE_NAME).write_text("not json\n")
    assert "The history could not be read" in section(render(cls, tmp_path, tmp_path / "exports"), "history")


# ------------------------------------------------------------------ not graded, grading time

def test_not_graded_is_said_in_every_output_never_a_score(tmp_path):
    """hal's notebook was not graded: the page, the table, grades.csv, the JSON and the LMS files
    say so or leave the grade empty; no 0 stands for it anywhere; graded learners keep theirs."""
    cls = hand_made_class()
    page = render(cls, tmp_path, tmp_path / "exports")
    rows = dict(re.findall(r"<tr><td>(?:<span>|<a [^>]*>)([^<]+)</(?:span|a)></td><td>[^<]*</td>"
                           r"<td>([^<]*)</td>", section(page, "everyone")))
    assert rows["hal"] == "not graded" and rows["ben"] == "8 / 10" and rows["gus"] == "8 / 10"
    assert not re.search(r"(?<![\d.])0 / 10", page)
    assert "<td>not graded</td><td>1</td>" in section(page, "summary")
    line = next(l for l in table(cls.results).splitlines() if l.startswith("hal "))
    assert line.split()[1:5] == ["not", "graded", "not", "graded"] and "0" not in line.split()[1:5]
    with open(write_csv(cls.results, tmp_path / "g.csv"), newline="") as f:
        csv_rows = {r["student"]: r for r in csv.DictReader(f)}
    assert (csv_rows["hal"]["score"], csv_rows["hal"]["status"]) == ("", "not graded")
    assert (csv_rows["ben"]["score"], csv_rows["ben"]["max_score"]) == ("8", "10")
    data = json.loads(write_json(cls.results, tmp_path / "g.json", ASSIGNMENT).read_text())
    hal = next(s for s in data["submissions"] if s["student"] == "hal")
    assert (hal["score"], hal["status"], hal["tests"]) == (None, "not graded", [])
    canvas = read_rows(write_canvas(cls.results, cls.people, tmp_path / "c.csv", "DNN", 10)[0])
    moodle = read_rows(write_moodle(cls.results, cls.people, tmp_path / "m.csv", 10)[0])
    assert [r[5] for r in canvas if r[1] == "107"] == [""]
    assert [r[2] for r in moodle if r[0] == "Participant 107"] == [""]


def autograded_notebook(path, grading=None, learner_day="2020-01-05"):
    """An autograded notebook whose code cells all carry timestamps of the learner's run on
    ``learner_day`` (as cells left as the learner ran them do), and grading's own record."""
    stamps = {"iopub.status.busy": f"{learner_day}T10:00:00.000Z",
              "shell.execute_reply": f"{learner_day}T10:04:22.300Z"}
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"execution": dict(stamps)}),
                             new_code_cell("y = 2", metadata={"execution": dict(stamps)})])
    if grading is not None:
        nb.metadata["dnn_course"] = {"grading": grading}
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def test_grading_time_is_the_graders_own_not_the_learners_timestamps(tmp_path):
    """The learner's cells say 262.3 s from 2020; the grader recorded 41.25 s today: the report
    reads 41.25 s. Without a usable record it reads nothing rather than a made-up time."""
    nb = tmp_path / "nb.ipynb"
    record = {"started": "2026-12-02T09:00:00.000+00:00", "seconds": 41.25}
    assert read_autograded(autograded_notebook(nb, record))[3] == 41.25
    assert grading_time(json.loads(nb.read_text())["metadata"])[0] == \
        datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
    for bad in (None, {"seconds": 3.0}, {"started": "2026-12-02T09:00:00+00:00", "seconds": -262.3},
                {"started": "yesterday", "seconds": 5}, {"started": "2026-12-02T09:00:00", "seconds": 5},
                {"started": "2026-12-02T09:00:00+00:00", "seconds": "nan"}):
        assert read_autograded(autograded_notebook(nb, bad))[3] is None, bad
    cls = hand_made_class()
    cls.seconds = {"ana": 41.25, "ben": 20.0, "<b>cy</b>": None}
    times = section(render(cls, tmp_path, tmp_path / "exports"), "times")
    assert "Median 30.6 s, longest 41.2 s, total 1.0 min for 2 notebooks" in times


def test_demo_summary_lines_cut_at_a_word_with_an_ellipsis():
    """A long reason ends in " ..." after a whole word of it; a short one is left whole."""
    words = [f"word{i}" for i in range(120)]
    line = summary_line("ana", CellResult("g", 0.0, 2.0, " ".join(words)))
    head, reason = line.split(": ", 1)
    assert head == "  ana / g" and reason.endswith(" ...") and len(reason) <= SUMMARY_WIDTH
    shown = reason[:-len(" ...")].split()
    assert shown == words[:len(shown)] and 40 < len(shown) < 120
    assert summary_line("ana", CellResult("g", 0.0, 2.0, "short, expected 2")) == \
        "  ana / g: short, expected 2"


# ------------------------------------------------------------------ exports

def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_and_moodle_files(tmp_path):
    """Exact headers, Points Possible second, every learner with an LMS id and their score;
    the one without an id is returned, a not-graded one gets a blank grade."""
    cls = hand_made_class()
    cls.people["fay"].lms_user_id = ""
    path, missing, blank = write_canvas(cls.results, cls.people, tmp_path / "c.csv", "DNN (77)", 10)
    rows = read_rows(path)
    assert rows[0] == CANVAS_HEADER + ["DNN (77)"] and rows[1] == ["Points Possible", "", "", "", "", "10"]
    assert (missing, blank) == (["fay"], ["hal"])
    assert {r[1]: r[5] for r in rows[2:]} == {"100": "4", "101": "8", "102": "4", "103": "8",
                                              "104": "4", "106": "8", "107": ""}
    assert rows[2][0] == "<script>alert(1)</script>, Firstana"
    path, missing, blank = write_moodle(cls.results, cls.people, tmp_path / "m.csv", 10)
    rows = read_rows(path)
    assert rows[0] == MOODLE_HEADER == ["Identifier", "Full name", "Grade", "Maximum Grade",
                                        "Last modified (grade)"]
    assert {r[0]: r[2] for r in rows[1:]}["Participant 101"] == "8" and len(rows) == 8
    assert (missing, blank) == (["fay"], ["hal"])


def test_json_names_step_and_signature(tmp_path):
    """Each failed test in the JSON carries the step and signature the report groups by."""
    cls = hand_made_class()
    data = json.loads(write_json(cls.results, tmp_path / "g.json", ASSIGNMENT).read_text())
    tests = {t["grade_id"]: t for t in data["submissions"][0]["tests"]}
    assert tests["two_layer_model_hidden_shapes"]["step"] == SIGN
    assert tests["two_layer_model_hidden_shapes"]["signature"] == f"{SIGN}: dA has the opposite sign"
    assert tests["two_layer_model_hidden_shapes"]["finding"]["seen_on"] == \
        "seen on a small input with learning_rate=0.05"  # the whole record, as the cell emitted it
    assert "step" not in tests["correct_L_layer_model"]  # passed


# ------------------------------------------------------------------ a really graded class

SIGN_COPIES = {"lee-sign": "demo-wrong-sign-dA2", "max-sign": "demo-wrong-sign-dA2"}
RATE_COPIES = {"noa-rate": "demo-hard-coded-rate"}
NO_LMS_ID = "noa-rate"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, course_template):
    """Two real gradings (dA's sign dropped; a fixed learning rate), each recorded again under
    other learners' ids with nbgrader's own SaveAutoGrades (distributed.record), so three
    learners share the first mistake and two the second; plus a notebook that is not JSON.
    Names and LMS ids set in the gradebook, except NO_LMS_ID's; feedback pages written."""
    from nbgrader.api import Gradebook

    from conftest import course_data_dir
    from dnn_course.scale.distributed import record
    from dnn_course.grading.batch import grade_all
    from dnn_course.grading.receipts import digest as _digest
    from dnn_course.course.nbapi import make_api
    from dnn_course.demo.samples import write_samples

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    mp.setenv("PATH", f"{Path(sys.executable).parent}:{__import__('os').environ['PATH']}")
    root = course_template.copy(tmp_path_factory.mktemp("report") / "course")
    originals = write_samples(root, only=["demo-wrong-sign-dA2", "demo-hard-coded-rate", "demo-invalid-json"])
    grade_all(ASSIGNMENT, root, originals, progress=False)
    api = make_api(root)
    for new, old in {**SIGN_COPIES, **RATE_COPIES}.items():
        shutil.copytree(root / "submitted" / old, root / "submitted" / new)
        done = root / "autograded" / old / ASSIGNMENT
        files = {p.relative_to(done).as_posix(): p.read_bytes() for p in done.rglob("*") if p.is_file()}
        record(api, root, ASSIGNMENT, new, {"status": "graded", "files": files, "reason": ""},
               _digest(root / "submitted" / new / ASSIGNMENT / NOTEBOOK))
    students = sorted(originals + list(SIGN_COPIES) + list(RATE_COPIES))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for i, s in enumerate(students):
            gb.update_or_create_student(s, first_name=f"名{i}", last_name=f"O'<i>{s}</i>",
                                        lms_user_id="" if s == NO_LMS_ID else str(500 + i))
    for s in students:
        if s != "demo-invalid-json":
            api.generate_feedback(ASSIGNMENT, s, force=True)
    yield root, students
    mp.undo()


def dnn_course(root, *args):
    return subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(root), *args],
                          capture_output=True, text=True, cwd=root)


@pytest.mark.slow
def test_report_of_a_graded_class(graded_class):
    """The page groups each shared mistake under the step its feedback names, listing exactly
    its learners, with at least three charts, every learner named and linked to real feedback."""
    root, students = graded_class
    out = dnn_course(root, "report")
    assert out.returncode == 1, out.stderr  # the invalid notebook needs attention
    path = root / "exports" / f"{ASSIGNMENT}-report.html"
    assert f"report: exports/{ASSIGNMENT}-report.html" in out.stdout
    page = path.read_text(encoding="utf-8")
    groups = dict(re.findall(r'<div class="group" data-step="([^"]+)"><h3>.*?</h3>(.*?)</div></div>',
                             section(page, "mistakes"), re.S))
    named = {step: re.findall(r'<a href="[^"]+">([^<]+)</a>', body) for step, body in groups.items()}
    assert named[SIGN] == ["demo-wrong-sign-dA2", "lee-sign", "max-sign"]
    assert named[RATE] == ["demo-hard-coded-rate", "noa-rate"]
    assert 'data-kind="dA has the opposite sign"' in groups[SIGN]
    assert 'data-kind="fixed learning rate"' in groups[RATE]
    assert len(re.findall(r'src="data:image/png;base64,', page)) >= 3
    everyone = section(page, "everyone")
    assert all(s in everyone for s in students) and "O&#x27;&lt;i&gt;lee-sign&lt;/i&gt;" in everyone
    links = set(re.findall(r'href="([^"#][^"]*)"', page))
    assert len(links) == len(students) - 1  # all but the invalid notebook have feedback
    assert all((path.parent / unescape(link)).resolve().is_file() for link in links)
    anchors = set(re.findall(r'href="#([^"]+)"', page))  # each learner's grade history
    assert len(anchors) == len(students) - 1 and all(f'id="{a}"' in page for a in anchors)


@pytest.mark.slow
def test_class_read_in_a_few_queries_matches_read_result(graded_class):
    """read_class gives read_result's results and asks the gradebook a fixed number of questions."""
    from sqlalchemy import event

    from dnn_course.admin.class_results import read_class
    from dnn_course.course.nbapi import make_api
    from dnn_course.grading.results import read_result

    root, students = graded_class
    with make_api(root).gradebook as gb:
        statements = []
        engine = gb.db.get_bind()
        def listen(*args):
            return statements.append(args[2])
        event.listen(engine, "before_cursor_execute", listen)
        cls = read_class(gb, root, ASSIGNMENT, students)
        event.remove(engine, "before_cursor_execute", listen)
        assert len(statements) <= 4, statements
        assert [r.as_dict() for r in cls.results] == \
            [read_result(gb, root, ASSIGNMENT, s).as_dict() for s in students]
    assert cls.people["lee-sign"].lms_user_id and 0 < cls.seconds["lee-sign"] < 1200  # 20 min cap


@pytest.mark.slow
def test_lms_exports_of_a_graded_class(graded_class):
    """Canvas and Moodle files hold every learner with an LMS id and their gradebook score; the
    one without an id is named on stderr, with exit 1."""
    root, students = graded_class
    out = dnn_course(root, "export", "--lms", "canvas", "--lms", "moodle")
    assert out.returncode == 1
    assert f"have no LMS id, so {ASSIGNMENT}-canvas.csv leaves them out: {NO_LMS_ID}." in out.stderr
    assert f"have no LMS id, so {ASSIGNMENT}-moodle.csv leaves them out: {NO_LMS_ID}." in out.stderr
    scores = {r["student"]: r["score"] for r in csv.DictReader(open(root / "exports" / f"{ASSIGNMENT}-grades.csv"))}
    ids = {s: str(500 + i) for i, s in enumerate(students) if s != NO_LMS_ID}
    want = {ids[s]: ("" if s == "demo-invalid-json" else f"{float(scores[s]):g}") for s in ids}
    canvas = read_rows(root / "exports" / f"{ASSIGNMENT}-canvas.csv")
    assert canvas[:2] == [CANVAS_HEADER + [ASSIGNMENT], ["Points Possible", "", "", "", "", "20"]]
    assert {r[1]: r[5] for r in canvas[2:]} == want
    from dnn_course.course.mistakes import FAILS, score

    sign = 10 + score("two_layer_model", FAILS[("two_layer_model", "wrong-sign-dA2")])
    rate = 10 + score("L_layer_model", FAILS[("L_layer_model", "hard-coded-learning-rate")])
    assert (want[ids["lee-sign"]], want[ids["demo-hard-coded-rate"]]) == (f"{sign:g}", f"{rate:g}")
    moodle = read_rows(root / "exports" / f"{ASSIGNMENT}-moodle.csv")
    assert moodle[0] == MOODLE_HEADER
    assert {r[0]: r[2] for r in moodle[1:]} == {f"Participant {k}": v for k, v in want.items()}


def test_page_carries_the_content_security_policy(tmp_path):
    """The report's policy comes first in its head: no script, no load but data: images."""
    from dnn_course.course.csp import csp_meta

    page = render(hand_made_class(), tmp_path, tmp_path / "exports")
    assert page.startswith(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{csp_meta()}')
