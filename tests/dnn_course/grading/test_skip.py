"""Cells grading leaves as the learner ran them: which ones, and that no score changes."""
import copy
import functools

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_output

from dnn_course.course.paths import source_notebook
from dnn_course.demo.samples import sample_notebooks
from dnn_course.course.facts import FULL_RUN_ENV
from dnn_course.preprocessors.skip import (LABEL, OWN_OUTPUTS, SKIP_TAG, KeepOwnOutputs, global_names,
                                           marked_cells, own_outputs, plan_skips)

MARKED_IDS = {"two-layer-train", "two-layer-predict-train", "two-layer-predict-test",
              "L-layer-train", "L-layer-predict-train", "L-layer-predict-test",
              "analysis-costs", "mislabeled", "own-image"}


@pytest.fixture(scope="module")
def marked():
    return marked_cells(nbformat.read(str(source_notebook()), as_version=4))


@pytest.fixture(scope="module")
def samples():
    return sample_notebooks()


@pytest.fixture
def correct(samples):
    return copy.deepcopy(samples["demo-correct"])


def skipped_ids(nb, marked):
    return {nb.cells[i].id for i in plan_skips(nb, marked)}


def cell(nb, cell_id):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def solution(nb, name):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == name)


def test_the_source_marks_the_trainings_and_what_only_uses_them(marked):
    assert set(marked) == MARKED_IDS


def test_a_correct_submission_skips_every_marked_cell(correct, marked):
    assert skipped_ids(correct, marked) == MARKED_IDS


def test_marks_come_from_the_source_not_the_submission(correct, marked):
    for c in correct.cells:
        c.metadata.pop("tags", None)                # the learner removed every tag
    cell(correct, "sizes").metadata["tags"] = [SKIP_TAG]  # and tagged a cell of their own
    assert skipped_ids(correct, marked) == MARKED_IDS


def test_an_edited_marked_cell_runs(correct, marked):
    train = cell(correct, "two-layer-train")
    train.source = train.source.replace("num_iterations=2500", "num_iterations=3000")
    assert skipped_ids(correct, marked) == MARKED_IDS - {"two-layer-train"}


def test_a_function_reading_a_name_a_skipped_cell_sets_makes_that_cell_run(correct, marked):
    fn = solution(correct, "L_layer_model")
    fn.source = fn.source.replace("    costs = []", "    costs = []\n    print(predictions_train)", 1)
    assert "print(predictions_train)" in fn.source
    # predictions_train comes from a prediction cell, which reads the `parameters`
    # both trainings set: all three run; the other cells still need not
    assert skipped_ids(correct, marked) == MARKED_IDS - {
        "two-layer-predict-train", "two-layer-train", "L-layer-train"}


def test_a_cell_of_the_learner_reading_a_skipped_result_makes_it_run(correct, marked):
    at = correct.cells.index(cell(correct, "L-layer-constants"))
    correct.cells.insert(at, new_code_cell("print(costs_two_layer[-1])"))
    assert skipped_ids(correct, marked) == MARKED_IDS - {"two-layer-train"}


@pytest.mark.parametrize("code", ["x = globals()['parameters']", "eval('parameters')",
                                  "import sys\nsys.modules['__main__']", "def broken(:"])
def test_code_that_could_reach_any_global_unseen_runs_everything(correct, marked, code):
    correct.cells.append(new_code_cell(code))
    assert skipped_ids(correct, marked) == set()


def test_harmless_magics_and_star_imports_do_not_stop_skipping(correct, marked):
    correct.cells.insert(1, new_code_cell("%matplotlib inline\nfrom math import *"))
    assert skipped_ids(correct, marked) == MARKED_IDS


def test_a_graded_cell_is_never_skipped(correct, marked):
    train = cell(correct, "two-layer-train")
    train.metadata["nbgrader"] = {"grade": True, "grade_id": "sneaky", "points": 5,
                                  "solution": False, "locked": True, "schema_version": 3}
    assert "two-layer-train" not in skipped_ids(correct, marked)


def test_global_names_reads_and_writes():
    assert global_names("a, b = f(x)\nprint(b)") == ({"f", "x", "print"}, {"a", "b"})
    assert global_names("print(b)\nb = 1") == ({"print", "b"}, {"b"})
    assert global_names("try:\n    c = 1\nexcept E:\n    raise\nprint(c)") == ({"E", "print", "c"}, {"c"})
    assert global_names("def g(X):\n    p = h(X)\n    return p, q\n") == ({"h", "q"}, {"g"})
    assert global_names("from dnn_app_utils import *") == (set(), None)
    assert global_names("vars()") is None


def test_the_learners_outputs_are_kept_as_text_and_images_only():
    c = new_code_cell("parameters, costs = ...", outputs=[
        new_output("stream", name="stdout", text="Cost after iteration 0: 0.69\n"),
        new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>",
                                         "text/html": "<script>alert(1)</script>"}),
        new_output("display_data", data={"application/javascript": "alert(1)"}),
    ])
    c.metadata[OWN_OUTPUTS] = [new_output("stream", name="stdout", text="forged")]
    nb = nbformat.v4.new_notebook(cells=[c])
    KeepOwnOutputs().preprocess(nb, {})
    shown = own_outputs(nb.cells[0])
    assert shown[0]["data"]["text/plain"] == LABEL
    assert [o.get("text") for o in shown[1:] if o.output_type == "stream"] == \
        ["Cost after iteration 0: 0.69\n"]
    assert [sorted(o["data"]) for o in shown[1:] if o.output_type == "display_data"] == \
        [["image/png", "text/plain"]]


# ---------------------------------------------------------------- graded both ways

VARIANTS = {  # correct solutions written or run differently
    "variant-reads-a-training-result": lambda nb: nb.cells.insert(
        nb.cells.index(cell(nb, "L-layer-constants")), new_code_cell("print(costs_two_layer[-1])")),
    "variant-magic-and-extra-cell": lambda nb: nb.cells.insert(
        1, new_code_cell("%matplotlib inline\nprint('my notes')")),
}
OWN_LINE = "Cost after iteration 0: 0.693049735659989\n"


@functools.lru_cache(maxsize=1)
def _catalogue():
    """student id -> notebook: every catalogued mistake, the correct solution and variants."""
    from dnn_course.course.mistakes import MUTANTS, mutate
    from dnn_course.demo.samples import _filled
    from dnn_course.course.solutions import solution_sources

    right = solution_sources()
    books = {}
    for function, mutants in MUTANTS.items():
        for mistake, edits in mutants.items():
            books[f"{function}-{mistake}"] = _filled(dict(right, **{function: mutate(right[function], edits)}))
    correct = _filled(right)
    cell(correct, "two-layer-train").outputs = [new_output("stream", name="stdout", text=OWN_LINE)]
    books["correct"] = correct
    for name, change in VARIANTS.items():
        nb = _filled(right)
        change(nb)
        books[name] = nb
    return books


# The catalogue is graded both ways in PARTS parts, each its own xdist group
# (tests/xdist_groups.py: a "[partK]" id), so the full-run arm's trainings spread over
# both workers instead of running as one 30-minute set-up on one of them.
PARTS = [f"part{k}" for k in range(6)]
FIRST = ("correct", *VARIANTS)  # in part0, which the own-output test reads


def parts_of(names):
    """part id -> the student ids it grades: FIRST in part0, the rest dealt out in turn.

    Args:
        names: every student id of the catalogue.

    Returns:
        dict: part id -> sorted list of student ids.
    """
    rest = sorted(set(names) - set(FIRST))
    return {part: sorted((list(FIRST) if k == 0 else []) + rest[k::len(PARTS)])
            for k, part in enumerate(PARTS)}


def _grade(template, folder, books, full_run):
    """``books`` submitted to a copy of ``template`` in ``folder`` and graded one by one, skipping or not."""
    from conftest import course_data_dir
    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
    from dnn_course.scale.parallel import grade_parallel

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    if full_run:
        mp.setenv(FULL_RUN_ENV, "1")
    else:
        mp.delenv(FULL_RUN_ENV, raising=False)
    try:
        root = template.copy(folder / "course")
        for student, nb in books.items():
            path = root / "submitted" / student / ASSIGNMENT / NOTEBOOK
            path.parent.mkdir(parents=True)
            nbformat.write(nb, str(path))
        # one grading process: the other xdist worker grades another part meanwhile
        results = grade_parallel(ASSIGNMENT, root, sorted(books), workers=1, progress=False)
    finally:
        mp.undo()
    return root, {r.student: r for r in results}


_GRADED = {}  # part id -> ((skipping root, results), (full root, results)), made once per worker


@pytest.fixture
def both_ways(part, tmp_path_factory, course_template):
    """The part's notebooks graded with skipping and with every cell run (made once per part)."""
    if part not in _GRADED:
        catalogue = _catalogue()
        books = {name: catalogue[name] for name in parts_of(catalogue)[part]}
        _GRADED[part] = tuple(_grade(course_template, tmp_path_factory.mktemp(f"{part}-{arm}"), books, full)
                              for arm, full in (("skipping", False), ("full", True)))
    return _GRADED[part]


def _outcome(result):
    return result.status, result.score, [(t.grade_id, t.score, t.reason) for t in result.tests]


def test_the_parts_grade_the_whole_catalogue_once():
    from dnn_course.course.mistakes import MUTANTS

    names = _catalogue()
    parts = parts_of(names)
    graded = [name for part in PARTS for name in parts[part]]
    assert sorted(graded) == sorted(names) and len(graded) == len(set(graded))
    assert len(names) == sum(len(table) for table in MUTANTS.values()) + 1 + len(VARIANTS)
    assert set(FIRST) <= set(parts["part0"]) and all(parts[p] for p in PARTS)


@pytest.mark.slow
@pytest.mark.parametrize("part", PARTS)
def test_same_scores_and_reasons_with_and_without_skipping(both_ways, part):
    (_, skipping), (_, full) = both_ways
    assert skipping.keys() == full.keys() == set(parts_of(_catalogue())[part])
    for student in sorted(full):
        assert _outcome(skipping[student]) == _outcome(full[student]), student
        if student in FIRST:  # right solutions keep every point
            assert skipping[student].score == skipping[student].max_score == 20, student
        else:  # every mistake loses points
            assert full[student].score < full[student].max_score, student


@pytest.mark.slow
@pytest.mark.parametrize("part", ["part0"])
def test_a_skipped_cell_shows_the_learners_own_output_labelled(both_ways, part):
    from dnn_course.course.nbapi import make_api
    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

    (root, _), (full_root, _) = both_ways
    graded = nbformat.read(str(root / "autograded" / "correct" / ASSIGNMENT / NOTEBOOK), as_version=4)
    train = cell(graded, "two-layer-train")
    assert train.outputs[0]["data"]["text/plain"] == LABEL
    assert [o.get("text") for o in train.outputs[1:]] == [OWN_LINE]
    assert OWN_OUTPUTS not in train.metadata
    # where a learner's cell reads a training's result, that training ran again
    variant = nbformat.read(str(root / "autograded" / "variant-reads-a-training-result" / ASSIGNMENT
                                / NOTEBOOK), as_version=4)
    printed = "".join(o.get("text", "") for o in cell(variant, "two-layer-train").outputs)
    assert "Cost after iteration 2400" in printed and LABEL not in str(cell(variant, "two-layer-train").outputs)
    assert LABEL in str(cell(variant, "L-layer-train").outputs)
    # the full run ran the training itself
    full = nbformat.read(str(full_root / "autograded" / "correct" / ASSIGNMENT / NOTEBOOK), as_version=4)
    assert "Cost after iteration 2400" in "".join(o.get("text", "") for o in cell(full, "two-layer-train").outputs)
    # the feedback page says where the output comes from
    make_api(root).generate_feedback(ASSIGNMENT, "correct", force=True)
    page = (root / "feedback" / "correct" / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert LABEL in page and OWN_LINE.strip() in page


def test_full_run_reaches_the_grading_config():
    from dnn_course.course.nbapi import load_config

    assert load_config().GuardedExecute.skip_marked_cells is True  # nbgrader_config.py's default
    assert load_config(full_run=True).GuardedExecute.skip_marked_cells is False
