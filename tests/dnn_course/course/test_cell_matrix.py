"""Each catalogued mistake fails exactly the graded cells mistakes.FAILS lists (run in-process)."""
import numpy as np
import pytest

from dnn_course.course.mistakes import (ALL, CELLS, CORRECT_VARIANTS, FAILS, MUTANTS, C, G, H, P, S, grade_id,
                                 mutate, score)
from dnn_course.course.solutions import graded_points
from correct_variants import SUBMISSIONS, VARIANTS as WRITTEN
from graded_cells import failing

CASES = sorted(FAILS)
VARIANTS = sorted((f, v) for f, table in CORRECT_VARIANTS.items() for v in table)
WHOLE = sorted((f, v) for f, table in WRITTEN.items() for v in table)


@pytest.fixture(scope="module")
def sources():
    from dnn_course.course.solutions import solution_sources

    return solution_sources()


def test_every_mistake_is_in_the_matrix():
    assert set(FAILS) == {(f, m) for f, table in MUTANTS.items() for m in table}
    points = graded_points()
    for function in ("two_layer_model", "L_layer_model"):  # 10 each, from the notebook's metadata
        assert [points[grade_id(function, c)] for c in CELLS] == [4, 2, 2, 1, 1]
        assert score(function, set()) == 10 and score(function, {grade_id(function, H)}) == 8


@pytest.mark.parametrize("function, mistake", CASES, ids=[f"{f}-{m}" for f, m in CASES])
def test_mistake_fails_exactly_its_cells(function, mistake, sources, course_data):
    """The public-test cell and the four hidden cells, run as the notebook runs them."""
    with np.errstate(all="ignore"):
        failed, errors = failing(function, mutate(sources[function], MUTANTS[function][mistake]), course_data)
    why = {g: str(e).splitlines()[0][:200] for g, e in errors.items() if e is not None}
    assert failed == FAILS[(function, mistake)], why


@pytest.mark.parametrize("function, variant", [(f, None) for f in MUTANTS] + VARIANTS,
                         ids=[f"{f}-reference" for f in MUTANTS] + [f"{f}-{v}" for f, v in VARIANTS])
def test_correct_solutions_fail_nothing(function, variant, sources, course_data):
    source = sources[function] if variant is None else mutate(sources[function], CORRECT_VARIANTS[function][variant])
    failed, errors = failing(function, source, course_data)
    assert failed == set(), {g: str(e)[:300] for g, e in errors.items() if e is not None}


@pytest.mark.parametrize("function, variant", WHOLE, ids=[f"{f}-{v}" for f, v in WHOLE])
def test_correct_variants_fail_nothing(function, variant, sources, course_data):
    """Whole solutions written from the docstrings (tests/correct_variants.py), each unlike the
    reference in form, pass every graded cell: printing only when asked included."""
    failed, errors = failing(function, WRITTEN[function][variant], course_data)
    assert failed == set(), {g: str(e)[:300] for g, e in errors.items() if e is not None}


def test_correct_variants_pass_the_verification_outside_the_kernel(monkeypatch):
    """The re-run outside the kernel (verify.py) finds nothing wrong in any correct variant:
    every submission, every case of every graded cell."""
    import conftest
    from dnn_course.preprocessors.verify import CASES, judge, run_learner

    monkeypatch.setenv("DNN_APP_DATA", str(conftest.course_data_dir()))
    cases = [c for cs in CASES.values() for c in cs]
    problems = {}
    for student, two, deep in SUBMISSIONS:
        out = run_learner({"two_layer_model": WRITTEN["two_layer_model"][two],
                           "L_layer_model": WRITTEN["L_layer_model"][deep]}, cases, timeout=120)
        problems.update({(student, c.id): judge(c, out.get(c.id)) for c in cases if judge(c, out.get(c.id))})
    assert len(cases) == 36 and problems == {}


def test_print_only_when_asked_passes_and_printing_when_asked_is_still_graded(sources, course_data):
    """The issue's solution prints only when print_cost is True and keeps every point; one that
    never prints fails the hyperparameters cell, naming the missing line (not the reference's values)."""
    for function in MUTANTS:
        quiet = sources[function].replace("if print_cost and i % 100 == 0 or i == num_iterations - 1:",
                                          "if print_cost and (i % 100 == 0 or i == num_iterations - 1):")
        assert quiet != sources[function]
        assert failing(function, quiet, course_data)[0] == set()
        silent = sources[function].replace("if print_cost and i % 100 == 0 or i == num_iterations - 1:",
                                           "if False:")
        failed, errors = failing(function, silent, course_data)
        assert failed == {grade_id(function, H)}
        assert str(errors[grade_id(function, H)]).startswith(
            f"{function}: no cost printed for iteration 0; print it every 100 iterations, from i = 0 "
            "(learning_rate=0.1, num_iterations=3, print_cost=True).")


@pytest.mark.parametrize("function", MUTANTS)
def test_each_cell_keeps_to_its_concern(function):
    """A fixed learning rate or a cost recorded every iteration costs only the public test and the
    hyperparameters cell (4 + 2 points); only reading the notebook's globals fails the no-globals
    cell (a result in another form still holds parameters to compare two runs by)."""
    for mistake in ("hard-coded-learning-rate", "cost-every-iteration"):
        assert FAILS[(function, mistake)] == {grade_id(function, P), grade_id(function, H)}
        assert score(function, FAILS[(function, mistake)]) == 4
    for (f, mistake), cells in FAILS.items():
        if f == function:
            raises = cells == {grade_id(f, c) for c in ALL}  # never returns: nothing to compare
            assert (grade_id(f, G) in cells) == (mistake.startswith("global-") or raises), mistake
            if mistake.startswith("global-"):
                assert grade_id(f, C) not in cells  # the course-data cell trains on train_x itself
    assert {grade_id(function, c) for c in (S, C)}.isdisjoint(FAILS[(function, "cost-every-iteration")])


VERIFIED = [("two_layer_model", "hard-coded-learning-rate"), ("two_layer_model", "cost-mean-wrong-axis"),
            ("two_layer_model", "global-train_y"), ("L_layer_model", "cost-every-iteration"),
            ("L_layer_model", "global-train_x"), ("L_layer_model", "returns-parameters-only"),
            ("L_layer_model", "two-layer-initializer")]


@pytest.mark.parametrize("function, mistake", VERIFIED, ids=[f"{f}-{m}" for f, m in VERIFIED])
def test_verification_outside_the_kernel_agrees_with_the_matrix(function, mistake, sources, monkeypatch):
    """The re-run outside the kernel (verify.py) fails exactly the cells the mistake fails inside it,
    so verification never takes a point the cell gave."""
    import conftest
    from dnn_course.preprocessors.verify import CASES, judge, run_learner

    monkeypatch.setenv("DNN_APP_DATA", str(conftest.course_data_dir()))
    wrong = dict(sources, **{function: mutate(sources[function], MUTANTS[function][mistake])})
    cases = {gid: cs for gid, cs in CASES.items() if gid.startswith(function) or gid.endswith(function)}
    out = run_learner(wrong, [c for cs in cases.values() for c in cs], timeout=120)
    failed = {gid for gid, cs in cases.items() if any(judge(c, out.get(c.id)) for c in cs)}
    assert failed == FAILS[(function, mistake)]
