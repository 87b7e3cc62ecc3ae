"""The reference solutions on the course data reproduce SPEC.md's numbers."""
import re

import numpy as np
import pytest

from conftest import L_LAYER_DIMS, TWO_LAYER_DIMS, run_printing
from dnn_course.course import course_numbers as spec

REL = 1e-9
pytestmark = pytest.mark.slow


def _cost_lines(printed):
    return {int(i): float(c) for i, c in re.findall(r"^Cost after iteration (\d+): (\S+)$", printed, re.M)}


def _assert_curve(mine, gold):
    assert len(mine) == len(gold), f"{len(mine)} checkpoints recorded, expected {len(gold)}"
    rel = np.abs(np.array(mine) - gold) / np.abs(gold)
    bad = np.flatnonzero(rel > REL)
    assert bad.size == 0, "\n".join(
        f"checkpoint {100 * k}: mine {mine[k]!r} vs SPEC {gold[k]!r}" for k in bad)


def test_two_layer_short_run(reference, course_data):
    """2 iterations print SPEC's line and record SPEC's first cost."""
    train_x, train_y = course_data[:2]
    (_, costs), printed = run_printing(reference["two_layer_model"], train_x, train_y,
                                       TWO_LAYER_DIMS, num_iterations=2)
    assert printed.strip() == spec.TWO_LAYER_SHORT[0]
    assert float(costs[0]) == pytest.approx(spec.TWO_LAYER_SHORT[1], rel=REL)


def test_l_layer_short_run(reference, course_data):
    """1 iteration prints SPEC's line and records SPEC's first cost."""
    train_x, train_y = course_data[:2]
    (_, costs), printed = run_printing(reference["L_layer_model"], train_x, train_y,
                                       L_LAYER_DIMS, num_iterations=1)
    assert printed.strip() == spec.L_LAYER_SHORT[0]
    assert float(costs[0]) == pytest.approx(spec.L_LAYER_SHORT[1], rel=REL)


def test_two_layer_cost_curve(two_layer_run):
    """All 25 checkpoints of the 2500-iteration 2-layer run match SPEC."""
    _assert_curve(two_layer_run["costs"], spec.TWO_LAYER_COSTS)


def test_two_layer_printed_lines(two_layer_run):
    """print_cost=True prints every 100th iteration and the last one, as SPEC."""
    lines = _cost_lines(two_layer_run["printed"])
    assert sorted(lines) == list(range(0, 2500, 100)) + [2499]
    it, gold = spec.TWO_LAYER_LAST
    assert lines[it] == pytest.approx(gold, rel=REL)


def test_two_layer_accuracy(two_layer_run):
    """predict prints SPEC's train and test accuracy lines exactly."""
    assert two_layer_run["accuracy"] == spec.TWO_LAYER_ACCURACY


def test_l_layer_cost_curve(l_layer_run):
    """All 25 checkpoints of the 2500-iteration L-layer run match SPEC."""
    _assert_curve(l_layer_run["costs"], spec.L_LAYER_COSTS)


def test_l_layer_printed_lines(l_layer_run):
    """print_cost=True prints every 100th iteration and the last one, as SPEC."""
    lines = _cost_lines(l_layer_run["printed"])
    assert sorted(lines) == list(range(0, 2500, 100)) + [2499]
    it, gold = spec.L_LAYER_LAST
    assert lines[it] == pytest.approx(gold, rel=REL)


def test_l_layer_accuracy(l_layer_run):
    """predict prints SPEC's train and test accuracy lines exactly."""
    assert l_layer_run["accuracy"] == spec.L_LAYER_ACCURACY


def test_trained_parameter_shapes(two_layer_run, l_layer_run):
    """The trained parameters have the shapes of their layer sizes."""
    for run, dims in ((two_layer_run, TWO_LAYER_DIMS), (l_layer_run, L_LAYER_DIMS)):
        p = run["parameters"]
        assert sorted(p) == sorted(f"{k}{l}" for l in range(1, len(dims)) for k in "Wb")
        for l in range(1, len(dims)):
            assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
            assert p[f"b{l}"].shape == (dims[l], 1)
