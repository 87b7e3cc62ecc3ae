"""verify.CASES are exactly the calls the notebook's hidden test cells make, and check what they check."""
import inspect

import numpy as np
import pytest

import public_tests.hidden as hidden
from dnn_course.preprocessors import verify
from dnn_course.course.solutions import load_solutions
from graded_cells import FUNCTIONS, graded_cells, namespace

SEEDS = 1000  # numpy seeds recognised as "set just before the call"


def _seed_table():
    table = {}
    for s in range(SEEDS):
        _, keys, pos, _, _ = np.random.RandomState(s).get_state()
        table.setdefault((keys.tobytes(), pos), s)
    return table


def _inputs_key(X, Y, course_x, candidates):
    if X.shape == course_x.shape and np.array_equal(X, course_x):
        return "course"
    for key, (cx, cy) in candidates.items():
        if X.shape == cx.shape and np.array_equal(X, cx) and Y.shape == cy.shape and np.array_equal(Y, cy):
            return key
    return f"unknown {X.shape}"


def recorded_cases(function, course_data, monkeypatch):
    """grade_id -> the distinct calls its hidden cell makes, as tuples comparable with verify.Case."""
    reference = load_solutions()[function]
    signature = inspect.signature(reference)
    seeds = _seed_table()
    calls, results = [], {}

    def stand_in(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        a = dict(bound.arguments)
        _, keys, pos, _, _ = np.random.get_state()
        calls.append({"X": np.array(a["X"]), "Y": np.array(a["Y"]), "dims": a["layers_dims"],
                      "lr": a["learning_rate"], "iters": a["num_iterations"], "print": a["print_cost"],
                      "seed": seeds.get((keys.tobytes(), pos)), "compared": []})
        result = reference(*args, **kwargs)
        calls[-1]["result"] = result  # kept alive, so its id is not reused
        results[id(result)] = len(calls) - 1
        return result

    original = hidden.assert_same

    def recording_assert_same(name, got, want, what, parts=hidden.EVERYTHING, *tolerances):
        if id(got) in results and id(want) not in results:  # compared with the reference
            calls[results[id(got)]]["compared"].append(tuple(parts))
        return original(name, got, want, what, parts, *tolerances)

    monkeypatch.setattr(hidden, "assert_same", recording_assert_same)
    ns = namespace(function, "", course_data, {function: stand_in})
    candidates = {c.key: verify.inputs_of(c) for cs in verify.CASES.values() for c in cs
                  if c.inputs != "course"}
    found = {}
    for gid, source in graded_cells(function).items():
        if gid.startswith("correct_"):
            continue
        calls.clear()
        results.clear()
        exec(compile(source, f"<{gid}>", "exec"), ns)
        rows = []
        for c in calls:
            compared = set(c["compared"])
            compare = ("runs" if not compared else "all" if compared == {hidden.EVERYTHING}
                       else "parameters" if compared == {hidden.PARAMETERS} else f"mixed {compared}")
            row = (_inputs_key(c["X"], c["Y"], course_data[0], candidates),
                   tuple(c["dims"]), type(c["dims"]).__name__, c["lr"], c["iters"], c["print"],
                   compare, c["seed"])
            if row not in rows:
                rows.append(row)
        found[gid] = rows
    return found


def verify_rows(gid):
    return [(c.key, tuple(c.layers_dims), c.dims_type, c.learning_rate, c.num_iterations, c.print_cost,
             c.compare, c.seed_before) for c in verify.CASES[gid]]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_verify_cases_equal_the_hidden_cells(function, course_data, monkeypatch):
    """Inputs, layer sizes (and their type), learning rate, iterations, printing, seed and
    what is compared: the re-run outside the kernel checks exactly what each hidden cell checks."""
    found = recorded_cases(function, course_data, monkeypatch)
    assert len(found) == 4
    for gid, rows in found.items():
        assert rows == verify_rows(gid), gid


def test_every_verified_cell_has_cases():
    """Each graded cell of both functions has cases, each with a known comparison."""
    for function in FUNCTIONS:
        for gid in graded_cells(function):
            assert verify.CASES[gid], gid
            assert {c.compare for c in verify.CASES[gid]} <= set(verify.COMPARES)
    assert {c.compare for c in verify.CASES["L_layer_model_hidden_no_globals"]} == {"runs"}


def _output(case, printed="", inputs_changed=False):
    """What verify_runner writes for a case whose function returned the reference's results."""
    params, costs, _ = verify.reference_output(case)
    return {"error": np.array(""), "form": np.array(""), "form_parameters": np.array(""),
            "form_runs": np.array(""), **{f"param/{k}": v for k, v in params.items()},
            "costs": np.array(costs), "printed": np.array(printed), "inputs_changed": np.array(inputs_changed)}


def test_judge_asks_for_printed_costs_only_when_print_cost_is_true():
    """The re-run outside the kernel checks printing as the hyperparameters cell does: nothing with
    print_cost=False (the template's last line or none), every 100th cost with print_cost=True."""
    asked = verify.CASES["two_layer_model_hidden_hyperparameters"][0]
    quiet = verify.CASES["two_layer_model_hidden_hyperparameters"][3]
    public = verify.CASES["correct_two_layer_model"][0]
    assert (asked.print_cost, quiet.print_cost, public.print_cost) == (True, False, False)
    assert verify.judge(asked, _output(asked)) == (
        "two_layer_model(layers_dims=(6, 4, 1), learning_rate=0.1, num_iterations=3): no cost printed for "
        "iteration 0; print it every 100 iterations, from i = 0")
    lines = verify.reference_output(asked)[2]
    assert verify.judge(asked, _output(asked, lines)) is None
    for case in (quiet, public):
        assert verify.judge(case, _output(case)) is None
        assert verify.judge(case, _output(case, verify.reference_output(case)[2])) is None


def test_judge_checks_unchanged_inputs_where_the_cell_does():
    """Only the hyperparameters cell asserts that X and Y stay unchanged; the public cell does not."""
    hyper = verify.CASES["L_layer_model_hidden_hyperparameters"][3]
    public = verify.CASES["correct_L_layer_model"][0]
    assert verify.judge(hyper, _output(hyper, inputs_changed=True)).endswith("changed X or Y")
    assert verify.judge(public, _output(public, inputs_changed=True)) is None


@pytest.mark.parametrize("source, tolerance", [
    ('check_cell("x", f, g, globals(), atol=1e-4)', (hidden.RTOL, 1e-4)),
    ('from public_tests.hidden import check_cell\ncheck_cell("x", f, g, globals(), rtol=2e-3, atol=0)',
     (2e-3, 0.0)),
    ('hidden.check_cell("x", f, g, globals(), rtol=1e-5)', (1e-5, hidden.ATOL)),
    ('check_cell("x", f, g, globals())', (hidden.RTOL, hidden.ATOL)),
    ('check_cell("x", f, g, globals(), atol=LOOSE)', (hidden.RTOL, hidden.ATOL)),  # not a literal
    ('check_cell("x", f, g, globals(), atol=-1.0)', (hidden.RTOL, hidden.ATOL)),   # refused in the cell too
    ('check_cell("x", f, g, globals(), atol="1e-4")', (hidden.RTOL, hidden.ATOL)),
    ("check_cell(", (hidden.RTOL, hidden.ATOL)),                                     # not Python
])
def test_cell_tolerance_reads_the_cells_literal_numbers(source, tolerance):
    assert verify.cell_tolerance(source) == tolerance


@pytest.mark.parametrize("bad", [-1e-3, float("nan"), float("inf"), "1e-4", True, None])
def test_check_cell_refuses_a_tolerance_that_is_not_a_number(bad):
    with pytest.raises(ValueError, match="must be a number of 0 or more"):
        hidden.check_cell("two_layer_model_hidden_shapes", None, None, {}, atol=bad)


def test_judge_passes_a_difference_within_the_cells_loosened_tolerance():
    """Parameters off by 5e-5 fail at the default tolerance and pass at atol=1e-4, not at 1e-5."""
    case = verify.CASES["two_layer_model_hidden_shapes"][0]
    out = _output(case)
    out["param/W1"] = out["param/W1"] + 5e-5
    assert verify.judge(case, out).endswith("parameters['W1'] differs")
    assert verify.judge(case, out, *verify.cell_tolerance('check_cell("x", f, g, globals(), atol=1e-5)'))
    assert verify.judge(case, out, *verify.cell_tolerance('check_cell("x", f, g, globals(), atol=1e-4)')) is None


def test_a_preview_trusts_only_unchanged_cells_that_passed(tmp_path):
    """A regrade preview skips re-checking a cell only if it passed before and the edit left it as it was."""
    import json

    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({"changed": ["b"], "passed": {"ana": ["a", "b"], "ben": []}}))
    assert verify.trusted_cells(str(path), "ana") == {"a"}
    assert verify.trusted_cells(str(path), "ben") == set()
    assert verify.trusted_cells(str(path), "cy") == set()  # graded since, or never
    assert verify.trusted_cells("", "ana") == set()       # plain grading: every passing cell
