"""The public tests: they pass the reference, reject wrong implementations with a
clear message, and their stored expected results match the reference."""
import json
import re

import numpy as np
import pytest

import public_tests
from public_tests import L_layer_model_test, two_layer_model_test
from public_tests.checks import Failure, compare, compare_pair
from public_tests.expected import EXPECTED
from dnn_course.course import course_numbers
from dnn_course.admin.make_expected import build_expected, render
from dnn_course.course.mistakes import (FAKE_GLOBALS, L_LAYER_MUTANTS, TWO_LAYER_MUTANTS, build,
                                 mutate)

ANSI = re.compile(r"\x1b\[[0-9;]*m")

TESTS = {"two_layer_model": two_layer_model_test, "L_layer_model": L_layer_model_test}

# What a correct solution prints (docs/course-facts.md, "The public tests").
COURSE_OUTPUT = course_numbers.PUBLIC_TEST_LINES


def assert_same(what, mine, expected):
    """Fail showing mine vs expected, one above the other."""
    if mine != expected:
        raise AssertionError(f"{what} differs\nmine:     {mine!r}\nexpected: {expected!r}")


def printed_lines(capsys):
    return ANSI.sub("", capsys.readouterr().out).splitlines()


@pytest.fixture(scope="module")
def sources():
    from dnn_course.course.solutions import solution_sources

    return solution_sources()


# ----------------------------------------------------------------- the reference

@pytest.mark.parametrize("name", TESTS)
def test_reference_prints_course_lines(name, reference, capsys):
    """The reference passes and prints exactly the course's lines."""
    report = TESTS[name](reference[name])
    assert_same("printed lines", printed_lines(capsys), COURSE_OUTPUT[name])
    assert_same("passed, failed", (report.passed, report.failed), (4, 0))
    assert report.ok and report.failures == []


@pytest.mark.parametrize("name", TESTS)
def test_green_line(name, reference, capsys):
    """The success line is green."""
    TESTS[name](reference[name])
    out = capsys.readouterr().out.splitlines()
    assert_same("last line", out[-1], "\033[92m All tests passed.\033[0m")


@pytest.mark.parametrize("name", TESTS)
def test_first_costs_match_course(name):
    """The stored first costs are the course's, to 8 decimals."""
    course = course_numbers.PUBLIC_TEST_FIRST_COSTS[name]
    assert_same("first cost", round(EXPECTED[name][0]["costs"][0], 8), course)


@pytest.mark.parametrize("name", TESTS)
def test_survives_input_mutation(name, reference, capsys):
    """A solution that scribbles over X and Y after training still passes."""
    def scribbler(X, Y, layers_dims, **kwargs):
        result = reference[name](X, Y, layers_dims, **kwargs)
        X[...] = 0
        Y[...] = 0
        return result

    assert TESTS[name](scribbler).ok


# ---------------------------------------------------- expected.json is up to date

def test_expected_matches_reference(reference):
    """expected.json holds what the reference computes now."""
    fresh = build_expected(reference)
    failures = compare(fresh, EXPECTED, "EXPECTED", rtol=1e-12, atol=1e-15)
    assert not failures, "expected.json is stale; run python -m dnn_course.admin.make_expected\n" + \
        "\n".join(map(str, failures))


def test_render_round_trips(reference):
    """render() writes JSON that reads back to the same data, bit for bit."""
    data = build_expected(reference)
    assert json.loads(render(data)) == data


def test_plans_match_expected():
    """Every stored entry belongs to the call the plan makes."""
    for name, plan in public_tests.PLANS.items():
        mine = [(e["learning_rate"], e["num_iterations"]) for e in EXPECTED[name]]
        assert_same(name, mine, [(lr, n) for _, lr, n in plan])


# ------------------------------------------------------------ wrong implementations

MUTANTS = [(name, mid, reps)
           for name, table in (("two_layer_model", TWO_LAYER_MUTANTS), ("L_layer_model", L_LAYER_MUTANTS))
           for mid, reps in table.items()]


@pytest.mark.parametrize("name, mid, reps", MUTANTS, ids=[f"{n}-{m}" for n, m, _ in MUTANTS])
def test_mutant_rejected(name, mid, reps, sources, capsys):
    """A wrong implementation fails with a reason line, its failed checks and a hint, and
    nothing printed says "passed"."""
    wrong = build(mutate(sources[name], reps), name, FAKE_GLOBALS)
    with pytest.raises(AssertionError) as info, np.errstate(all="ignore"):
        TESTS[name](wrong)
    message = str(info.value)
    assert name in message, message
    report = info.value.report
    assert report.failed >= 1 and report.passed + report.failed == 4
    lines = message.splitlines()
    if report.error:  # the helpers raised on a wiring mistake: the call and the error are said
        assert lines[0].startswith(f"{name} raised ") and lines[0].endswith(" in call 1 of 4."), lines
        assert [line for line in lines if line.startswith("First step that differs ")], lines
    else:
        assert lines[0].startswith(f"{name} gives a wrong result in {report.failed} of 4 checks (first: "), lines
        assert lines[1].startswith("Failed checks: call "), lines
    globals_line = "Use the function's arguments rather than global variables."
    if mid.startswith("global-"):  # the line about globals only when the diagnosis found them
        assert lines[-2].startswith("Look at the names in your code") and lines[-1] == globals_line, lines
    else:
        assert lines[-1].startswith("Look at ") and globals_line not in lines, lines
    assert len(lines) <= 10, message
    # nbgrader validate indents lines by 4 and cuts them after 87 characters
    assert not [line for line in lines if len(line) > 83], lines
    printed = printed_lines(capsys)
    assert not [line for line in printed if "passed" in line], printed


@pytest.mark.parametrize("name", TESTS)
def test_enough_mutants(name):
    """At least 8 distinct wrong versions of each function are tried."""
    assert sum(n == name for n, _, _ in MUTANTS) >= 8


def test_hard_coded_rate_caught_only_by_last_call(sources):
    """Only the call with another learning rate exposes a hard-coded 0.0075."""
    wrong = build(mutate(sources["two_layer_model"], TWO_LAYER_MUTANTS["hard-coded-learning-rate"]),
                  "two_layer_model")
    with pytest.raises(AssertionError) as info:
        two_layer_model_test(wrong)
    report = info.value.report
    assert_same("passed, failed", (report.passed, report.failed), (3, 1))
    assert_same("failed check", [r.passed for r in report.results], [True, True, True, False])


@pytest.mark.parametrize("mutant, line", [
    ("returns-parameters-only", "  result: a tuple (parameters, costs) expected, got dict"),
    ("returns-costs-first", "  result: (parameters, costs) expected, got them in the order (costs, parameters)"),
    ("cost-every-iteration", "  costs: length 1 expected, got 2"),
])
def test_mutant_messages(mutant, line, sources, capsys):
    """Return-value mistakes are explained in one difference of the failure message."""
    wrong = build(mutate(sources["two_layer_model"], TWO_LAYER_MUTANTS[mutant]), "two_layer_model")
    with pytest.raises(AssertionError) as info:
        two_layer_model_test(wrong)
    lines = str(info.value).splitlines()
    # one difference, wrapped at spaces when longer than a line of nbgrader validate
    assert line.strip() in " ".join(part.strip() for part in lines), "\n".join(lines)


@pytest.mark.parametrize("name", TESTS)
def test_missing_seed_alone_is_harmless(name, sources):
    """Dropping only np.random.seed(1) passes: the initializers seed themselves."""
    right = build(mutate(sources[name], [("    np.random.seed(1)\n", "")]), name)
    assert TESTS[name](right).ok


def stub(source):
    """The source with every solution region replaced by a NotImplementedError stub."""
    pattern = re.compile(r"( *)# YOUR CODE STARTS HERE\n.*?\1# YOUR CODE ENDS HERE", re.S)
    out, count = pattern.subn(
        lambda m: f"{m[1]}# YOUR CODE STARTS HERE\n{m[1]}raise NotImplementedError(\"Not implemented yet\")\n"
                  f"{m[1]}# YOUR CODE ENDS HERE", source)
    assert count >= 1
    return out


@pytest.mark.parametrize("name", TESTS)
def test_stub_gets_friendly_message(name, sources, capsys):
    """An unimplemented function gets one clear line and a short AssertionError."""
    with pytest.raises(AssertionError) as info:
        TESTS[name](build(stub(sources[name]), name))
    want = f"{name} is not implemented yet: fill in its regions, then run its cell."
    assert len(want) <= 83  # nbgrader validate cuts longer lines
    assert_same("message", str(info.value), want)
    assert_same("shown", info.value._render_traceback_(), [f"\033[91m{want}\033[0m"])
    assert_same("printed", printed_lines(capsys), [])
    assert info.value.__suppress_context__
    report = info.value.report
    assert_same("passed, failed", (report.passed, report.failed), (0, 4))
    assert report.error == want


def test_other_error_names_the_call(sources, capsys):
    """Any other exception is told in a few lines: the call, the error, the learner's line,
    and the first step that differs; the original error stays attached as the cause."""
    wrong = build(mutate(sources["two_layer_model"], [("compute_cost(A2, Y)", "compute_cost(A2, Y.T)")]),
                  "two_layer_model")
    with pytest.raises(public_tests.PublicTestFailure) as info:
        two_layer_model_test(wrong)
    lines = str(info.value).splitlines()
    assert_same("reason", lines[0], "two_layer_model raised ValueError in call 1 of 4.")
    assert lines[1].startswith("  learning_rate=0.0075, num_iterations=2: "), lines
    assert [line for line in lines if line.startswith("In your code, line ")], lines
    assert "First step that differs (call 4, learning_rate=0.1, num_iterations=3): cost: " in \
        " ".join(line.strip() for line in lines), lines
    assert len(lines) <= 10 and max(map(len, lines)) <= 83, lines
    assert isinstance(info.value.__cause__, ValueError)
    report = info.value.report
    assert_same("passed, failed", (report.passed, report.failed), (0, 4))
    assert report.error.startswith("two_layer_model raised ValueError in call 1 of 4.")
    assert_same("printed", printed_lines(capsys), [])


# ------------------------------------------------------------------- compare()

W = np.arange(40.0).reshape(4, 10)


def messages(failures):
    return [str(f) for f in failures]


def test_compare_equal_nested():
    """Equal nested structures give no failures; numbers may be 0-d arrays."""
    expected = {"a": [W, 0.5, (1, 2)], "b": {"c": [np.zeros((2, 1))]}}
    got = {"a": [W.copy(), np.array(0.5), (1, 2)], "b": {"c": [np.zeros((2, 1))]}}
    assert compare(expected, got) == []
    assert compare([0.5], [np.float64(0.5 + 1e-9)]) == []


def test_compare_type():
    """A dict replaced by a tuple is a type failure."""
    failures = compare({"W1": W}, (W,), "parameters")
    assert_same("messages", messages(failures), ["parameters: dict expected, got tuple of length 1"])
    assert failures[0] == Failure("parameters", "type", failures[0].message)


def test_compare_array_vs_list():
    """An array replaced by a list is a type failure."""
    assert_same("messages", messages(compare(W, W.tolist(), "W")),
                ["W: numpy array expected, got list of length 4"])


def test_compare_keys():
    """Missing and extra keys are both named."""
    failures = compare({"W1": W, "b1": 0.0}, {"W1": W, "W3": 0.0}, "parameters")
    assert_same("messages", messages(failures),
                ["parameters: missing keys ['b1']", "parameters: unexpected keys ['W3']"])
    assert [f.kind for f in failures] == ["keys", "keys"]


def test_compare_shape():
    """A transposed array is a shape failure, not seen at the type level."""
    failures = compare({"W1": W}, {"W1": W.T}, "parameters")
    assert_same("messages", messages(failures),
                ["parameters['W1']: shape (4, 10) expected, got (10, 4)"])
    assert compare({"W1": W}, {"W1": W.T}, "parameters", level="type") == []


def test_compare_length():
    """A list of the wrong length is a length failure from the shape level on."""
    assert_same("messages", messages(compare([0.5], [0.5, 0.4], "costs", level="shape")),
                ["costs: length 1 expected, got 2"])
    assert compare([0.5], [0.5, 0.4], "costs", level="type") == []


def test_compare_scalar_value():
    """A wrong number shows both values to 8 significant digits."""
    assert_same("messages", messages(compare([0.69315968], [0.69449212], "costs")),
                ["costs[0]: expected 0.69315968, got 0.69449212"])
    assert compare([0.69315968], [0.69449212], "costs", level="shape") == []


def test_compare_array_values():
    """Wrong array entries: count, then the first three with their index."""
    got = W.copy()
    got[0, 1] += 1
    got[1, 0] += 1
    got[2, 2] += 1
    got[3, 3] = np.nan
    assert_same("messages", messages(compare({"W1": W}, {"W1": got}, "parameters")),
                ["parameters['W1']: 4 of 40 values differ: [0, 1] expected 1, got 2; "
                 "[1, 0] expected 10, got 11; [2, 2] expected 22, got 23; ..."])


def test_compare_tolerance():
    """About 6 decimals: a 1e-7 relative error passes, 1e-5 fails."""
    assert compare(W + 1, (W + 1) * (1 + 1e-7)) == []
    assert len(compare(W + 1, (W + 1) * (1 + 1e-5))) == 1


def test_compare_deep_path():
    """The path names every step down to the array."""
    failures = compare({"a": [{"b": np.zeros((1, 2))}]}, {"a": [{"b": np.ones((1, 2))}]}, "r")
    assert_same("path", [f.path for f in failures], ["r['a'][0]['b']"])


def test_compare_pair():
    """A returned pair is two things in order: a tuple, or a list (it unpacks the same)."""
    expected = ({"W1": W}, [0.5])
    names = ("parameters", "costs")
    assert compare_pair(expected, ({"W1": W}, [0.5]), names) == []
    assert compare_pair(expected, [{"W1": W}, [0.5]], names) == []
    assert_same("messages", messages(compare_pair(expected, ({"W1": W}, [0.5], 1), names)),
                ["result: a tuple (parameters, costs) expected, got tuple of length 3"])
    assert_same("messages", messages(compare_pair(expected, ([0.5], {"W1": W}), names)),
                ["result: (parameters, costs) expected, got them in the order (costs, parameters)"])


@pytest.mark.parametrize("costs", [(0.5, 0.25), np.array([0.5, 0.25]), [np.float64(0.5), np.array(0.25)],
                                   [np.array([[0.5]]), np.array([[0.25]])], np.array([[[0.5]], [[0.25]]])],
                         ids=["tuple", "array", "numpy-scalars", "1x1-arrays", "array-of-1x1-arrays"])
def test_costs_in_any_form_the_docstring_allows(costs):
    """The docstrings say "the cost recorded every 100 iterations", not which container or
    number type: a tuple, a 1-d array, numpy scalars or (1, 1) arrays pass at every level,
    and so does np.array(costs) of (1, 1) costs, of shape (n, 1, 1)."""
    from collections import OrderedDict

    expected = ({"W1": W}, [0.5, 0.25])
    got = (OrderedDict(W1=W.copy()), costs)
    assert compare_pair(expected, got, ("parameters", "costs")) == []
    wrong = (got[0], np.asarray(costs, dtype=float).reshape(-1) * 2)
    assert_same("messages", messages(compare_pair(expected, wrong, ("parameters", "costs"))),
                ["costs[0]: expected 0.5, got 1", "costs[1]: expected 0.25, got 0.5"])


def test_costs_of_one_value_per_example_are_not_a_number():
    """A cost averaged over the wrong axis (one value per example) is still refused."""
    assert_same("messages", messages(compare([0.5], [np.array([0.5, 0.5])], "costs")),
                ["costs[0]: number expected, got numpy array of shape (2,)"])
    assert_same("messages", messages(compare([0.5], np.zeros((1, 2)), "costs")),
                ["costs: list expected, got numpy array of shape (1, 2)"])


def test_compare_bad_level():
    """An unknown level is a programming error."""
    with pytest.raises(ValueError):
        compare(1.0, 1.0, level="everything")


# ------------------------------------------------------------------ the runner

def test_runner_counts_and_raises(capsys):
    """announce(evaluate(...)) prints nothing on failure and raises the short explanation, report attached."""
    from public_tests.checks import Check, evaluate
    from public_tests.messages import announce

    checks = [Check("first", "values", [0.5], [0.5]),
              Check("second", "shape", {"W1": W}, {"W1": W.T})]
    with pytest.raises(AssertionError) as info:
        announce(evaluate("f", checks))
    assert_same("printed", printed_lines(capsys), [])
    assert_same("message", str(info.value).splitlines(),
                ["f gives a wrong result in 1 of 2 checks (first: result['W1']).",
                 "Failed checks: second (shape). In second:",
                 "      result['W1']: shape (4, 10) expected, got (10, 4)",
                 "Look at the layer sizes: take them from layers_dims."])
    assert_same("passed, failed", (info.value.report.passed, info.value.report.failed), (1, 1))


def test_report_as_dict():
    """Graders get plain data: counts, error and failure records."""
    from public_tests.checks import Check, evaluate

    report = evaluate("f", [Check("only", "values", [0.5], [0.25])])
    assert_same("as_dict", report.as_dict(),
                {"function": "f", "passed": 0, "failed": 1, "error": None,
                 "failures": [{"check": "only", "kind": "values", "path": "result[0]",
                               "message": "result[0]: expected 0.5, got 0.25"}]})
    assert_same("repr", repr(report), "<Report f: 0 passed, 1 failed>")


def test_report_silent_in_notebook(reference, capsys):
    """Ending a notebook cell with the test call adds no Out[] line: IPython's display
    formatter (what turns a cell's value into Out[]) gives nothing to show."""
    from IPython.core.formatters import DisplayFormatter

    report = two_layer_model_test(reference["two_layer_model"])
    capsys.readouterr()
    assert DisplayFormatter().format(report) == ({}, {})
    assert_same("printed", capsys.readouterr().out, "")


def test_notebook_shows_the_message_without_traceback():
    """In a kernel, a failed public test shows its message lines alone: no frames of
    public_tests, no counts of passed checks."""
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    source = ("from public_tests import two_layer_model_test\n"
              "def transposed(X, Y, layers_dims, **kwargs):\n"
              "    from dnn_app_utils import initialize_parameters\n"
              "    p = initialize_parameters(*layers_dims)\n"
              "    return {k: v.T for k, v in p.items()}, [0.0]\n"
              "two_layer_model_test(transposed)")
    nb = new_notebook(cells=[new_code_cell(source)])
    NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True).execute()
    error = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert len(error) == 1 and error[0].ename == "PublicTestFailure", nb.cells[0].outputs
    shown = [ANSI.sub("", line) for line in error[0].traceback]
    assert_same("shown lines", shown, error[0].evalue.splitlines())
    assert_same("reason", shown[0], "two_layer_model gives a wrong result in 3 of 4 checks "
                "(first: parameters['W1']).")
    assert "      parameters['W1']: shape (4, 10) expected, got (10, 4)" in shown, shown
    assert not [line for line in shown if "public_tests" in line or "File " in line], shown
    assert not [o for o in nb.cells[0].outputs if o.output_type == "stream"], nb.cells[0].outputs
    nbformat.validate(nb)
