"""A class of 6 graded against a due date: penalties by the course's policy through
``dnn-course grade`` and plain ``nbgrader autograde``, extensions, and recomputing
when the due date moves (a learner no longer late keeps no penalty: nbgrader#723)."""
import csv
import html
import os
import re
import subprocess
import sys

import nbformat
import pytest

from cli_course import cli, cli_course
from dnn_course.course import history
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.demo.samples import sample_notebooks

pytestmark = pytest.mark.slow

DUE = "2026-12-01T17:00+01:00"  # 16:00 UTC
SUBMITTED = {  # learner -> submission time (UTC), as timestamp.txt gives it
    "on-time": "2026-12-01 15:59:00", "late-3h": "2026-12-01 19:00:00",
    "late-30h": "2026-12-02 22:00:00", "late-beyond": "2026-12-05 17:00:00",
    "extended": "2026-12-02 22:00:00", "extended-after": "2026-12-02 22:00:00"}
# 20 points each before the penalty: 10 % per started day after 15 min, 0 after 3 days.
FINAL = {"on-time": 20, "late-3h": 18, "late-30h": 16, "late-beyond": 0, "extended": 20,
         "extended-after": 16}


def finals(root):
    """learner -> (score before the penalty, penalty) from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s.student_id: (s.score, s.late_submission_penalty)
                for s in gb.find_assignment(ASSIGNMENT).submissions}


@pytest.fixture(scope="module")
def late_class(tmp_path_factory, course_template):
    """The class graded once by ``dnn-course grade`` (extension for ``extended`` given before)."""
    with cli_course(tmp_path_factory, course_template, "late") as root:
        correct = nbformat.writes(sample_notebooks()["demo-correct"])
        for student, when in SUBMITTED.items():
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / NOTEBOOK).write_text(correct, encoding="utf-8")
            (folder / "timestamp.txt").write_text(f"{when}.000000 UTC", encoding="utf-8")
        assert cli(root, "due", "--at", DUE) == 0
        assert cli(root, "extend", "extended", "--until", "2026-12-03T12:00Z", "--reason", "ill") == 0
        assert cli(root, "grade") == 0
        yield root, finals(root)


def test_grade_applies_policy_and_extension(late_class):
    root, graded = late_class
    assert {s: round(raw - pen, 3) for s, (raw, pen) in graded.items()} == FINAL
    assert all(raw == 20 for raw, _ in graded.values())
    auto = [c for c in history.read(root, "late-30h") if c.what == "autograde"]
    assert [(c.old, c.new) for c in auto] == [(None, 16)]
    assert "30 h late" in auto[0].why


def test_feedback_and_export_carry_the_penalty(late_class):
    root, _ = late_class
    assert cli(root, "feedback", "--student", "late-30h") == 0
    page = (root / "feedback" / "late-30h" / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html"))
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    assert "Submitted 30 h after the due date: -20 %, 20 / 20 before the penalty." in text
    assert cli(root, "export", "--out", str(root / "exports")) in (0, 1)
    with open(root / "exports" / f"{ASSIGNMENT}-grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert (rows["late-3h"]["raw"], rows["late-3h"]["penalty"], rows["late-3h"]["score"]) == \
        ("20", "2", "18")
    assert cli(root, "report", "--out", str(root / "exports")) == 0
    report = (root / "exports" / f"{ASSIGNMENT}-report.html").read_text()
    assert "<tr><td>late</td><td>4</td></tr><tr><td>extensions</td><td>1</td></tr>" in report


def test_rules_change_recomputes_without_running(late_class, capsys):
    root, _ = late_class
    assert cli(root, "extend", "extended-after", "--until", "2026-12-03T00:00+01:00",
               "--reason", "medical note, after grading") == 0
    assert finals(root)["extended-after"] == (20, 0)
    late = [c for c in history.read(root, "extended-after") if c.what == "late penalty"]
    assert [(c.old, c.new) for c in late] == [(16, 20)]
    # plain nbgrader autograde, the extensions file read by the course's plug-in
    env = dict(os.environ, PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), "autograde",
                           ASSIGNMENT, "--force", "--student", "late-*"],
                          cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    after = {s: round(r - p, 3) for s, (r, p) in finals(root).items()}
    assert after == dict(FINAL, **{"extended-after": 20})
    autograded = root / "autograded" / "late-30h" / ASSIGNMENT / NOTEBOOK
    before = autograded.stat().st_mtime_ns
    # the due date moves two days later: nobody is late, no penalty left (nbgrader#723)
    capsys.readouterr()
    assert cli(root, "due", "--at", "2026-12-06T00:00Z") == 0
    assert all(pen == 0 for _, pen in finals(root).values())
    out = capsys.readouterr().out
    assert "late-beyond: 0 -> 20, on time" in out and "3 of 6 graded learners changed" in out
    assert autograded.stat().st_mtime_ns == before  # nothing ran again
    capsys.readouterr()
    assert cli(root, "history", "late-beyond") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["autograde", "autograde", "late"]
    assert "0 -> 20" in lines[-1] and "due date moved to 2026-12-06T00:00:00+00:00" in lines[-1]
