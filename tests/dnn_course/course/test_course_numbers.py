"""The reference solutions on the course data reproduce the course's numbers
(docs/course-facts.md, "Exact numbers"; the values: dnn_course/course/course_numbers.json)."""
import re
from collections import namedtuple

import numpy as np
import pytest

from conftest import L_LAYER_DIMS, TWO_LAYER_DIMS, run_printing
from dnn_course.course import course_numbers as course

REL = course.REL
pytestmark = pytest.mark.slow


def _cost_lines(printed):
    return {int(i): float(c) for i, c in re.findall(r"^Cost after iteration (\d+): (\S+)$", printed, re.M)}


def _assert_curve(mine, gold):
    assert len(mine) == len(gold), f"{len(mine)} checkpoints recorded, expected {len(gold)}"
    rel = np.abs(np.array(mine) - gold) / np.abs(gold)
    bad = np.flatnonzero(rel > REL)
    assert bad.size == 0, "\n".join(
        f"checkpoint {100 * k}: mine {mine[k]!r} vs the course's {gold[k]!r}" for k in bad)


# Each model as the course trains it, and the numbers its reference must give.
Model = namedtuple("Model", "function dims short_iterations full_run short curve last accuracy")
MODELS = {
    "2-layer": Model("two_layer_model", TWO_LAYER_DIMS, 2, "two_layer_run", course.TWO_LAYER_SHORT,
                     course.TWO_LAYER_COSTS, course.TWO_LAYER_LAST, course.TWO_LAYER_ACCURACY),
    "L-layer": Model("L_layer_model", L_LAYER_DIMS, 1, "l_layer_run", course.L_LAYER_SHORT,
                     course.L_LAYER_COSTS, course.L_LAYER_LAST, course.L_LAYER_ACCURACY),
}
by_model = pytest.mark.parametrize("model", MODELS.values(), ids=MODELS)


@by_model
def test_short_run(model, reference, course_data):
    """The graded test cell's run (2 or 1 iterations) prints the course's line
    and records the course's first cost."""
    train_x, train_y = course_data[:2]
    (_, costs), printed = run_printing(reference[model.function], train_x, train_y, model.dims,
                                       num_iterations=model.short_iterations)
    line, first_cost = model.short
    assert printed.strip() == line
    assert float(costs[0]) == pytest.approx(first_cost, rel=REL)


@by_model
def test_cost_curve(model, request):
    """All 25 checkpoints of the 2500-iteration run match the course's curve."""
    _assert_curve(request.getfixturevalue(model.full_run)["costs"], model.curve)


@by_model
def test_printed_lines(model, request):
    """print_cost=True prints every 100th iteration and the last one, at the course's cost."""
    lines = _cost_lines(request.getfixturevalue(model.full_run)["printed"])
    assert sorted(lines) == list(range(0, 2500, 100)) + [2499]
    it, gold = model.last
    assert lines[it] == pytest.approx(gold, rel=REL)


@by_model
def test_accuracy(model, request):
    """predict prints the course's train and test accuracy lines exactly."""
    assert request.getfixturevalue(model.full_run)["accuracy"] == model.accuracy


@by_model
def test_trained_parameter_shapes(model, request):
    """The trained parameters have the shapes of their layer sizes."""
    p, dims = request.getfixturevalue(model.full_run)["parameters"], model.dims
    assert sorted(p) == sorted(f"{k}{l}" for l in range(1, len(dims)) for k in "Wb")
    for l in range(1, len(dims)):
        assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert p[f"b{l}"].shape == (dims[l], 1)
