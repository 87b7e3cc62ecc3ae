"""The hidden tests' helpers grade only what the instructions define: printing when asked, any container."""
import numpy as np
import pytest

from public_tests.hidden import pair_problem
from public_tests.printed import printed_costs, printing_problem

W = np.ones((2, 3))
# What the template prints for 250 iterations with print_cost=True: every 100, and the last.
REFERENCE = ["Cost after iteration 0: 0.6931", "Cost after iteration 100: 0.5", "Cost after iteration 200: 0.4",
             "Cost after iteration 249: 0.35"]


def test_printed_costs_reads_the_template_line_in_its_forms():
    """Float, 0-d and (1, 1) array prints all read as the same number; other lines are ignored."""
    lines = ["Cost after iteration 0: 0.6931", "Cost after iteration 100: [[0.5]]", "shapes: (3, 2)",
             "Cost after iteration 200: 4e-01"]
    assert printed_costs(lines) == {0: 0.6931, 100: 0.5, 200: 0.4}


def test_nothing_is_asked_when_print_cost_is_false():
    """The template's quirk prints the last cost with print_cost=False; printing nothing is as right."""
    assert printing_problem([], ["Cost after iteration 2: 0.69"], False, 3) is None
    assert printing_problem(["Cost after iteration 2: 0.69"], [], False, 3) is None


@pytest.mark.parametrize("printed", [REFERENCE, REFERENCE[:3], [line.replace(": ", ": [[") + "]]" for line in REFERENCE]],
                         ids=["as-the-template", "without-the-last", "1x1-arrays"])
def test_costs_printed_every_100_iterations_pass(printed):
    assert printing_problem(printed, REFERENCE, True, 250) is None


# The reference's cost lines with their full digits, for the roundings a learner may print.
FULL = ["Cost after iteration 0: 0.693049735659989", "Cost after iteration 100: 0.6464320953428849",
        "Cost after iteration 200: 0.6325140647912678"]


@pytest.mark.parametrize("printed", [
    ["Cost after iteration %i: %f" % (i, c) for i, c in ((0, 0.693049735659989), (100, 0.6464320953428849),
                                                          (200, 0.6325140647912678))],
    ["Cost after iteration 0: 0.69305", "Cost after iteration 100: 0.64643", "Cost after iteration 200: 0.63251"],
    ["Cost after iteration 0: 0.6930", "Cost after iteration 100: 0.6464", "Cost after iteration 200: 6.3251e-01"],
    [line.replace(": ", " : ") for line in FULL], [line.replace(": ", ":") for line in FULL],
    [f"Cost after iteration {i:4d}: {c}" for i, c in ((0, 0.693049735659989), (100, 0.6464320953428849),
                                                      (200, 0.6325140647912678))],
], ids=["percent-f", "round-5", "4-decimals-and-e", "print-separators", "no-space", "aligned-iteration"])
def test_a_cost_rounded_to_4_decimals_or_more_or_spaced_is_the_cost(printed):
    """print("... %f" % cost), round(cost, 5), print("Cost after iteration", i, ":", cost) and
    f"{i:4d}" show the cost."""
    assert printing_problem(printed, FULL, True, 250) is None


def test_a_cost_rounded_to_fewer_than_4_decimals_is_named_as_such():
    printed = ["Cost after iteration 0: 0.69", "Cost after iteration 100: 0.65", "Cost after iteration 200: 0.63"]
    assert printing_problem(printed, FULL, True, 250) == \
        "the cost printed for iteration 0 is rounded too much; show at least 4 decimals"
    printed[0] = "Cost after iteration 0: 0.6931"  # 4 decimals, but not this cost's rounding
    assert printing_problem(printed, FULL, True, 250) == \
        "the cost printed for iteration 0 is not the cost of that iteration"


@pytest.mark.parametrize("printed, problem", [
    ([], "no cost printed for iteration 0; print it every 100 iterations, from i = 0"),
    (REFERENCE[:1] + REFERENCE[2:], "no cost printed for iteration 100; print it every 100 iterations, from i = 0"),
    (REFERENCE + ["Cost after iteration 1: 0.69"], "a cost printed for iteration 1; print it every 100 iterations only"),
    (["Cost after iteration 0: 0.6931", "Cost after iteration 100: 0.51", "Cost after iteration 200: 0.4"],
     "the cost printed for iteration 100 is not the cost of that iteration"),
], ids=["nothing", "one-missing", "one-too-many", "wrong-value"])
def test_wrong_printing_when_asked_is_named(printed, problem):
    """When asked to print, a missing, extra or wrong cost line is named without the reference's values."""
    assert printing_problem(printed, REFERENCE, True, 250) == problem


@pytest.mark.parametrize("got", [
    ({"W1": W}, [0.5]), [{"W1": W}, [0.5]], ({"W1": W}, (0.5,)), ({"W1": W}, np.array([0.5])),
    ({"W1": W}, [np.array([[0.5]])]), ({"W1": W}, [np.float64(0.5)]), ({"W1": W}, np.array([[[0.5]], [[0.4]]]))],
    ids=["tuple-list", "list-pair", "tuple-costs", "array-costs", "1x1-cost", "numpy-scalar", "array-of-1x1-costs"])
def test_well_formed_pairs_in_every_form(got):
    assert pair_problem(got) is None


@pytest.mark.parametrize("got, problem", [
    ({"W1": W}, "it must return the pair (parameters, costs)"),
    (([0.5], {"W1": W}), "it must return parameters, a dict, first"),
    (({"W1": W}, 0.5), "it must return costs, a list, second"),
    (({"W1": W}, [np.array([0.5, 0.4])]), "every entry of costs must be a number"),
    (({"W1": W}, ["0.5"]), "every entry of costs must be a number"),
], ids=["parameters-only", "swapped", "one-cost", "cost-per-example", "text"])
def test_badly_formed_pairs_are_named(got, problem):
    assert pair_problem(got) == problem
