"""`dnn-course demo` leaves the instructor's course alone: a Canvas class graded after it is only itself."""
import csv
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import nbformat
import pytest

from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

# Canvas user id -> (Canvas "lastfirst", the sample notebook the learner hands in)
CLASS = {"1001": ("leedana", "demo-correct"), "1002": ("smithjo", "demo-wrong-sign-dA2"),
         "1003": ("okafornneka", "demo-stale-weights"), "1004": ("garciaal", "demo-hard-coded-rate"),
         "1005": ("tanmei", "demo-blank")}
LEARNER_RUN = {"iopub.status.busy": "2020-01-05T10:00:00.000Z",
               "shell.execute_reply": "2020-01-05T10:04:22.300Z"}


def dnn_course(root, *args):
    """Run the command as an instructor would, from the course folder."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(root), *map(str, args)],
                          capture_output=True, text=True, cwd=root, env=env)


def canvas_download(path):
    """The class's Canvas zip; every code cell carries the timestamps of the learner's own run."""
    from dnn_course.demo.samples import sample_notebooks

    samples = sample_notebooks()
    with zipfile.ZipFile(path, "w") as z:
        for uid, (name, sample) in CLASS.items():
            nb = samples[sample]
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.metadata["execution"] = dict(LEARNER_RUN)
            z.writestr(f"{name}_{uid}_{int(uid) + 7000}_{NOTEBOOK}", nbformat.writes(nb))
    return path


def course_state(root):
    """What the demo must not touch: the course's working folders and its gradebook's students."""
    from nbgrader.api import Gradebook

    folders = {d: sorted(p.relative_to(root).as_posix() for p in (root / d).rglob("*"))
               for d in ("submitted", "autograded", "feedback", "exports") if (root / d).exists()}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return folders, sorted(s.id for s in gb.students)


def times_in_report(page):
    """{student: the grading time cell} of the report's "Every submission" table."""
    everyone = re.search(r'<section id="everyone">(.*?)</section>', page, re.S).group(1)
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", everyone, re.S)]
    return {unescape(re.sub(r"<[^>]+>", "", cells[0])): cells[4] for cells in rows if cells}


def test_bad_demo_options_stop_it_before_anything_is_written(tmp_path, capsys, monkeypatch):
    """A folder that is not empty, or a sample that does not exist, is refused with exit 2 and
    the fix; nothing is copied or graded."""
    from dnn_course.cli import main

    monkeypatch.chdir(tmp_path)  # main() changes into the course folder; this comes back
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    assert main(["demo", "--out", str(used)]) == 2
    assert f"demo: --out {used} is not an empty folder: give a new or empty folder" in \
        capsys.readouterr().err
    assert [p.name for p in used.iterdir()] == ["notes.txt"]
    assert main(["demo", "--out", str(tmp_path / "new"), "--sample", "demo-nobody"]) == 2
    err = capsys.readouterr().err
    assert "demo: no sample named demo-nobody; the samples are: demo-correct, " in err
    assert "demo-invalid-json" in err and not (tmp_path / "new").exists()


@pytest.mark.slow
def test_canvas_class_after_the_demo(tmp_path, course_template):
    """The demo grades in its own folder; then five Canvas learners are collected, graded,
    exported and reported in the course: each command exits 0, the report and the Canvas file
    hold exactly those five, and each grading time is the grader's own (within the grade
    command's run), although the learners' cells carry timestamps from 2020."""
    from conftest import course_data_dir
    from dnn_course.preprocessors.execute import grading_time

    course_data_dir()  # fail early, with the fix, when DNN_APP_DATA is missing
    root = course_template.copy(tmp_path / "course")
    before = course_state(root)
    demo = dnn_course(root, "demo", "--out", tmp_path / "demo", "--sample", "demo-invalid-json")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert f"Demo course folder (a scratch copy; your course {root} is not touched): " \
           f"{tmp_path / 'demo'}" in demo.stdout
    assert "`. .venv/bin/activate` (puts dnn-course on your PATH)" in demo.stdout
    assert (tmp_path / "demo" / "submitted" / "demo-invalid-json" / ASSIGNMENT / NOTEBOOK).is_file()
    assert (tmp_path / "demo" / "exports" / f"{ASSIGNMENT}-report.html").is_file()
    assert course_state(root) == before == ({}, [])

    collect = dnn_course(root, "collect", canvas_download(tmp_path / "canvas.zip"))
    assert collect.returncode == 0, collect.stdout + collect.stderr
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    grade = dnn_course(root, "grade")
    wall = time.monotonic() - t0
    ended = datetime.now(timezone.utc)
    assert grade.returncode == 0, grade.stdout + grade.stderr
    export = dnn_course(root, "export", "--lms", "canvas")
    assert export.returncode == 0, export.stdout + export.stderr
    report = dnn_course(root, "report")
    assert report.returncode == 0, report.stdout + report.stderr

    with open(root / "exports" / f"{ASSIGNMENT}-grades.csv", newline="") as f:
        scores = {r["student"]: r["score"] for r in csv.DictReader(f)}
    with open(root / "exports" / f"{ASSIGNMENT}-canvas.csv", newline="") as f:
        canvas = {r[1]: r[5] for r in list(csv.reader(f))[2:]}
    assert set(scores) == set(canvas) == set(CLASS) and canvas == scores
    assert scores["1001"] == "20" and all(0 <= float(scores[s]) < 20 for s in ("1002", "1003", "1004", "1005"))

    page = (root / "exports" / f"{ASSIGNMENT}-report.html").read_text(encoding="utf-8")
    shown = times_in_report(page)
    assert set(shown) == set(CLASS) and "demo-" not in page
    recorded = {}
    for uid in CLASS:
        meta = json.loads((root / "autograded" / uid / ASSIGNMENT / NOTEBOOK).read_text())["metadata"]
        begin, seconds = grading_time(meta)
        assert started <= begin and begin.timestamp() + seconds <= ended.timestamp(), (uid, begin, seconds)
        assert shown[uid] == f"{seconds:.1f} s", (uid, shown[uid], seconds)
        recorded[uid] = seconds
    assert 0 < sum(recorded.values()) < wall
    assert f"total {sum(recorded.values()) / 60:.1f} min for 5 notebooks" in page
