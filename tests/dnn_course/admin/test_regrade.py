"""``dnn-course regrade``: a hidden check's points raised in the source; the preview lists exactly
who changes and by how much with the gradebook untouched, --apply writes it, keeps a manual grade, and the history
shows old and new. An edited source that no longer releases: exit 2, nothing written."""
import hashlib
import os

import nbformat
import pytest

from conftest import course_data_dir
from dnn_course.cli import main
from dnn_course.course import history
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.demo.samples import write_samples

pytestmark = pytest.mark.slow

CLASS = ["demo-correct", "demo-blank", "demo-hard-coded-rate", "demo-cost-every-iteration"]
EDITED = "L_layer_model_hidden_no_globals"


def cli(root, *args):
    return main(["--root", str(root), *args])


def edit_source(root, grade_id, change):
    """Apply ``change`` (cell -> None) to the source notebook's cell ``grade_id``."""
    path = root / "source" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            change(cell)
    nbformat.write(nb, str(path))


def more_points(cell):
    """The instructor gives the no-globals check 3 points instead of 1."""
    cell.metadata["nbgrader"]["points"] = 3


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course_template):
    """The catalogue class graded once, a manual grade given in the gradebook."""
    from nbgrader.api import Gradebook

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    here = os.getcwd()
    root = course_template.copy(tmp_path_factory.mktemp("regrade") / "course")
    write_samples(root, only=CLASS)
    assert cli(root, "grade") == 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_grade("correct_L_layer_model", ASSIGNMENT, ASSIGNMENT,
                              "demo-hard-coded-rate")
        grade.manual_score = 3.0
        gb.db.commit()
    yield root
    os.chdir(here)
    mp.undo()


def test_bad_edit_exits_2_and_writes_nothing(graded, capsys):
    root = graded
    before = digest(root / "gradebook.db")
    source = root / "source" / ASSIGNMENT / NOTEBOOK
    kept = source.read_text()

    def duplicate(cell):
        cell.metadata["nbgrader"]["grade_id"] = "correct_two_layer_model"
    try:
        edit_source(root, "correct_L_layer_model", duplicate)
        assert cli(root, "regrade", "--preview", "--out", str(root / "exports")) == 2
    finally:
        source.write_text(kept)
    err = capsys.readouterr().err
    assert "does not release" in err and "nothing was written" in err
    assert digest(root / "gradebook.db") == before
    assert not (root / "exports").exists()


def test_preview_then_apply(graded, capsys):
    """A loosened tolerance would not take effect: VerifyResults re-checks a passing cell with
    its own fixed cases (dnn_course/preprocessors/verify.py), so the edit here is points."""
    from dnn_course.admin.regrade import final_scores

    root = graded
    old = final_scores(f"sqlite:///{root / 'gradebook.db'}", ASSIGNMENT)
    passing = sorted(s for s, (_, auto, _) in old.items() if auto[EDITED] == 1)
    assert "demo-correct" in passing and "demo-blank" not in passing
    edit_source(root, EDITED, more_points)
    before = digest(root / "gradebook.db")
    capsys.readouterr()
    assert cli(root, "regrade", "--preview", "--out", str(root / "exports")) == 0
    out = capsys.readouterr().out
    assert digest(root / "gradebook.db") == before  # the gradebook is untouched
    changed = [line.split(":")[0] for line in out.splitlines() if " -> " in line
               and not line.startswith(" ")]
    assert changed == passing, out
    for student in passing:
        assert f"{student}: {old[student][0]:g} -> {old[student][0] + 2:g}" in out
    assert out.count(f"    {EDITED}: 1 -> 3") == len(passing)
    headline = f"{len(passing)} learners gain 2 points, {len(old) - len(passing)} unchanged"
    assert f"regrade: {headline}." in out
    page = (root / "exports" / f"{ASSIGNMENT}-regrade-preview.html").read_text()
    assert headline in page and "demo-correct" in page

    assert cli(root, "regrade", "--apply") == 0
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert gb.find_grade("correct_L_layer_model", ASSIGNMENT, ASSIGNMENT,
                             "demo-hard-coded-rate").score == 3.0  # the manual grade is kept
        assert gb.find_grade(EDITED, ASSIGNMENT, ASSIGNMENT, "demo-correct").score == 3.0
    regrades = [c for c in history.read(root, "demo-correct") if c.what == "regrade"]
    assert len(regrades) == 1 and regrades[0].new == regrades[0].old + 2
    auto = old["demo-hard-coded-rate"][1]["correct_L_layer_model"]
    assert auto != 3
    manual = [c for c in history.read(root, "demo-hard-coded-rate") if c.what == "manual grade"]
    assert len(manual) == 1 and round(manual[0].new - manual[0].old, 3) == 3 - auto
    assert f"correct_L_layer_model 3 (autograder: {auto:g})" in manual[0].why
