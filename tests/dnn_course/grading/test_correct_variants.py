"""Correct solutions written otherwise than the reference get 20/20 from `dnn-course grade` and from
plain `nbgrader autograde`, and their public test cells show no false alarm (one batch, one gradebook)."""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import course_data_dir
from correct_variants import SUBMISSIONS, VARIANTS
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK, release_notebook

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PUBLIC_CELLS = ("correct_two_layer_model", "correct_L_layer_model")


def _environment():
    data = str(course_data_dir())
    return {**os.environ, "DNN_APP_DATA": data, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


def _submission(two, deep):
    """The release notebook with the two solution cells written as the variants."""
    nb = nbformat.read(str(release_notebook()), as_version=4)
    sources = {"two_layer_model": VARIANTS["two_layer_model"][two], "L_layer_model": VARIANTS["L_layer_model"][deep]}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in sources:
            cell.source = sources.pop(gid)
    assert not sources, f"no solution cell for {list(sources)}"
    return nb


def _graded(root):
    """student -> (score, max score) in the course's gradebook, and student -> graded notebook."""
    with make_api(root).gradebook as gb:
        scores = {s: (gb.find_submission(ASSIGNMENT, s).score, gb.find_submission(ASSIGNMENT, s).max_score)
                  for s, _, _ in SUBMISSIONS}
    notebooks = {s: nbformat.read(str(root / "autograded" / s / ASSIGNMENT / NOTEBOOK), as_version=4)
                 for s, _, _ in SUBMISSIONS}
    return scores, notebooks


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course_template):
    """One scratch course, every variant pair submitted, graded by `dnn-course grade`, then again
    by plain `nbgrader autograde --force` in the same course: the results of both."""
    root = course_template.copy(tmp_path_factory.mktemp("variants") / "course")
    for student, two, deep in SUBMISSIONS:
        path = root / "submitted" / student / ASSIGNMENT / NOTEBOOK
        path.parent.mkdir(parents=True)
        nbformat.write(_submission(two, deep), str(path))
    env = _environment()
    ours = subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(root), "grade", ASSIGNMENT],
                          cwd=root, env=env, capture_output=True, text=True)
    assert ours.returncode == 0, (ours.stdout + ours.stderr)[-3000:]
    by_ours = _graded(root)
    plain = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                           cwd=root, env=env, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr[-3000:]
    return {"dnn-course grade": by_ours, "nbgrader autograde": _graded(root)}


@pytest.mark.parametrize("entry", ["dnn-course grade", "nbgrader autograde"])
def test_every_correct_variant_gets_full_marks(graded, entry):
    """Each variant (20 in 10 notebooks, one variant of each function in each) keeps all 20 points."""
    scores, _ = graded[entry]
    assert len(VARIANTS["two_layer_model"]) + len(VARIANTS["L_layer_model"]) >= 20
    assert scores == {s: (20.0, 20.0) for s, _, _ in SUBMISSIONS}, scores


@pytest.mark.parametrize("entry", ["dnn-course grade", "nbgrader autograde"])
def test_no_false_alarm_in_any_graded_cell(graded, entry):
    """In the executed notebooks, each public test cell shows the success line and no error, and no
    graded cell holds an error output (a verification error included)."""
    _, notebooks = graded[entry]
    for student, nb in notebooks.items():
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("grade"):
                continue
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            assert not errors, (student, meta["grade_id"], [f"{o.ename}: {o.evalue}" for o in errors])
            if meta["grade_id"] in PUBLIC_CELLS:
                shown = ANSI.sub("", "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream"))
                assert shown.splitlines()[-1] == " All tests passed.", (student, meta["grade_id"], shown)
