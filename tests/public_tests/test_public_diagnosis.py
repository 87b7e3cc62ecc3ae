"""The public tests name the first wrong step of the catalogued mistakes, briefly, from stored numbers."""
import re

import numpy as np
import pytest

import public_tests
from dnn_course.admin.make_expected import build_traces
from dnn_course.course.mistakes import FAKE_GLOBALS, MUTANTS, STEP, build, mutate
from public_tests import make_inputs, trace_data
from public_tests.messages import PublicTestFailure
from public_tests.diagnose import _same, diagnose
from public_tests.explain import DIAGNOSTIC_CALL

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CASES = [(name, mistake) for name, table in MUTANTS.items() for mistake in table]
IDS = [f"{n}-{m}" for n, m in CASES]
MIN_RATE = 0.9
MAX_LINES, WIDTH = 10, 83

# Correct solutions written otherwise than the reference: none may be called wrong.
VARIANTS = {
    "two_layer_model": {
        "divisions-instead-of-np.divide": [
            ("dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))",
             "dA2 = -(Y / A2 - (1 - Y) / (1 - A2))")],
        "keyword-arguments": [
            ('linear_activation_forward(X, W1, b1, "relu")',
             'linear_activation_forward(A_prev=X, W=W1, b=b1, activation="relu")'),
            ('linear_activation_backward(dA2, cache2, "sigmoid")',
             'linear_activation_backward(dA2, cache2, activation="sigmoid")'),
            ("update_parameters(parameters, grads, learning_rate)",
             "update_parameters(parameters, grads, learning_rate=learning_rate)")],
        "weights-read-from-parameters": [
            ('linear_activation_forward(A1, W2, b2, "sigmoid")',
             'linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")')],
        "range-from-0-implicit": [("range(0, num_iterations)", "range(num_iterations)")],
        "costs-as-floats": [("costs.append(cost)", "costs.append(float(np.squeeze(cost)))")],
    },
    "L_layer_model": {
        "range-from-0-implicit": [("range(0, num_iterations)", "range(num_iterations)")],
        "keyword-arguments": [
            ("update_parameters(parameters, grads, learning_rate)",
             "update_parameters(parameters=parameters, grads=grads, learning_rate=learning_rate)"),
            ("L_model_forward(X, parameters)", "L_model_forward(X=X, parameters=parameters)")],
        "layers-copied": [("initialize_parameters_deep(layers_dims)",
                           "initialize_parameters_deep(list(layers_dims))")],
        "costs-as-floats": [("costs.append(cost)", "costs.append(float(np.squeeze(cost)))")],
    },
}
VARIANT_CASES = [(n, v) for n, table in VARIANTS.items() for v in table]


@pytest.fixture(scope="module")
def sources():
    from dnn_course.course.solutions import solution_sources

    return solution_sources()


@pytest.fixture(scope="module")
def stored():
    return {name: trace_data.load(name) for name in MUTANTS}


def wrong_version(sources, name, mistake):
    return build(mutate(sources[name], MUTANTS[name][mistake]), name, FAKE_GLOBALS)


def shown(target, name):
    """The lines a notebook shows for the public test of target (None if it passed)."""
    try:
        with np.errstate(all="ignore"):
            public_tests.run_public_test(target, name)
    except PublicTestFailure as failure:
        return [ANSI.sub("", line) for line in failure._render_traceback_()]
    return None


def names_step(lines, step):
    """Whether the failure lines name step as the first step that differs."""
    text = " ".join(line.strip() for line in lines)
    return re.search(r"First step that differs \(call \d, learning_rate=[\d.]+, "
                     rf"num_iterations=\d+\): {re.escape(step)}: ", text) is not None


# ------------------------------------------------------------------ naming the step

def test_public_output_names_the_step_of_most_mistakes(sources, capsys):
    """At least 90% of the catalogued mistakes get the step their feedback must name."""
    misses = []
    for name, mistake in CASES:
        lines = shown(wrong_version(sources, name, mistake), name)
        if lines is None or not names_step(lines, STEP[(name, mistake)]):
            misses.append(f"{name}-{mistake} (expected {STEP[(name, mistake)]!r}): "
                          + (" | ".join(lines) if lines else "passed"))
    named = len(CASES) - len(misses)
    print(f"public output names the right step for {named} of {len(CASES)} mistakes")
    assert named >= MIN_RATE * len(CASES), "missed:\n" + "\n".join(misses)


@pytest.mark.parametrize("name, mistake", CASES, ids=IDS)
def test_failure_output_is_short_and_has_no_traceback(name, mistake, sources, capsys):
    """Each mistake's output: at most 10 lines of at most 83 characters, no frame of
    public_tests, a reason that does not read as success, then what to look at."""
    lines = shown(wrong_version(sources, name, mistake), name)
    assert lines is not None, "the mistake passed the public test"
    assert len(lines) <= MAX_LINES, "\n".join(lines)
    assert max(map(len, lines)) <= WIDTH, "\n".join(lines)
    text = "\n".join(lines)
    assert "Traceback" not in text and 'File "' not in text and "public_tests" not in text, text
    assert "passed" not in lines[0] and ("wrong result" in lines[0] or "raised" in lines[0]), lines
    if STEP[(name, mistake)] == "use of globals":  # the line about globals only then
        assert lines[-2].startswith("Look at ") and lines[-1].startswith("Use the function's"), lines
    else:
        assert lines[-1].startswith("Look at ") and "global variables" not in text, lines
    printed = ANSI.sub("", capsys.readouterr().out).splitlines()
    assert not [line for line in printed if "passed" in line], printed


def test_nbgrader_validate_shows_every_line_whole(sources, capsys):
    """nbgrader validate (and the Validate dialog) prints the lines indented, none cut."""
    from nbgrader.validator import Validator

    lines = shown(wrong_version(sources, "two_layer_model", "wrong-sign-dA2"), "two_layer_model")
    validator = Validator()
    assert_lines = validator._indent("\n".join(lines)).split("\n")
    assert assert_lines == [validator.indent + line for line in lines], assert_lines


def test_wrong_sign_says_start_of_backward_pass_and_opposite_sign(sources, capsys):
    """The issue's example, word for word where the hidden feedback's words are."""
    lines = shown(wrong_version(sources, "two_layer_model", "wrong-sign-dA2"), "two_layer_model")
    text = " ".join(line.strip() for line in lines)
    assert ("First step that differs (call 4, learning_rate=0.1, num_iterations=3): start of the "
            "backward pass: in iteration 0, linear_activation_backward: dA") in text, lines
    assert "It has the opposite sign." in text, lines
    assert lines[-1] == "Look at where the backward pass starts: dA of the output layer.", lines


def test_every_hint_fits_a_line():
    """Each step has its hint, and each hint fits on one line of nbgrader validate."""
    from public_tests.diagnose import STEPS
    from public_tests.explain import LOOK_AT_STEP, look_at

    assert set(LOOK_AT_STEP) == set(STEPS)
    assert max(len(look_at(step)) for step in STEPS) <= WIDTH


def test_diagnosis_errors_never_hide_the_failure(sources, monkeypatch, capsys):
    """If the stored trace cannot be read, the failure is told as before, without a step."""
    def broken(name, path=None):
        raise OSError("no trace here")

    monkeypatch.setattr(trace_data, "load", broken)
    lines = shown(wrong_version(sources, "two_layer_model", "wrong-sign-dA2"), "two_layer_model")
    assert lines[0].startswith("two_layer_model gives a wrong result in 2 of 4 checks"), lines
    assert not [line for line in lines if "First step" in line], lines
    assert lines[-1] == "Look at the equations in your loop.", lines


# ------------------------------------------------------------------ no false alarms

@pytest.mark.parametrize("name", list(MUTANTS))
def test_reference_passes_and_diagnosis_finds_nothing(name, reference, stored, capsys):
    """The reference passes, and against its own stored trace nothing differs."""
    assert public_tests.run_public_test(reference[name], name).ok
    t = stored[name]
    assert diagnose(reference[name], t, make_inputs(name), t.learning_rate, t.num_iterations) is None


@pytest.mark.parametrize("name, variant", VARIANT_CASES, ids=[f"{n}-{v}" for n, v in VARIANT_CASES])
def test_correct_variants_pass(name, variant, sources, stored, capsys):
    """Correct solutions written differently pass, and the diagnosis finds no difference."""
    right = build(mutate(sources[name], VARIANTS[name][variant]), name)
    lines = shown(right, name)
    assert lines is None, "\n".join(lines)
    assert ANSI.sub("", capsys.readouterr().out).splitlines()[-1] == " All tests passed."
    t = stored[name]
    assert diagnose(right, t, make_inputs(name), t.learning_rate, t.num_iterations) is None


# ------------------------------------------------- stored trace and live reference agree

@pytest.mark.parametrize("name, mistake", CASES, ids=IDS)
def test_stored_trace_gives_the_live_references_finding(name, mistake, sources, reference, stored):
    """The same Finding, word for word, from the stored trace as from the live reference."""
    wrong = wrong_version(sources, name, mistake)
    t = stored[name]
    with np.errstate(all="ignore"):
        live = diagnose(wrong, reference[name], make_inputs(name), t.learning_rate, t.num_iterations)
        kept = diagnose(wrong, t, make_inputs(name), t.learning_rate, t.num_iterations)
    assert (kept.step, kept.message) == (live.step, live.message)


def test_stored_trace_is_what_the_reference_does_now(reference, stored):
    """reference_trace.json holds the reference's calls of today, in the diagnostic call."""
    fresh = build_traces(reference)
    assert set(fresh) == set(stored) == set(MUTANTS)
    for name, t in fresh.items():
        kept = stored[name]
        assert (kept.call, kept.learning_rate, kept.num_iterations) == (
            DIAGNOSTIC_CALL[name], *public_tests.PLANS[name][DIAGNOSTIC_CALL[name] - 1][1:])
        assert [c.name for c in kept.calls] == [c.name for c in t.calls], \
            "reference_trace.json is stale; run python -m dnn_course.admin.make_expected"
        for a, b in zip(kept.calls, t.calls):
            assert _same(a.args, b.args) and _same(a.result, b.result), \
                f"{name}, {a.name}: stale; run python -m dnn_course.admin.make_expected"
        assert _same(kept.output, t.output)


def test_wrong_arguments_for_a_stored_trace_are_refused(reference, stored):
    """A stored trace answers only for the call it was recorded in."""
    with pytest.raises(ValueError, match="stored trace is of learning_rate=0.1"):
        diagnose(reference["two_layer_model"], stored["two_layer_model"],
                 make_inputs("two_layer_model"), 0.0075, 2)


# ------------------------------------------------------------------ the data format

def test_trace_data_round_trips_exactly():
    """Arrays (float, int), tuples, numpy scalars, NaN and marker-like keys come back as they were."""
    from public_tests.trace import Call

    W = np.random.RandomState(0).randn(3, 2)
    args = {"W": W, "cache": ((W, np.arange(3)), W), "a": 1, "activation": "relu",
            "n": np.float64(0.1) / 3, "bad": np.array([np.nan, 1.0]), "none": None}
    output = ({"W1": W, "t": 2}, [np.float64(0.5), 0.25])
    text = trace_data.dumps({"f": trace_data.StoredTrace([Call("g", args, (W, {"a": W}))],
                                                         output, 0.1, 3, 4)})
    back = trace_data.loads(text)["f"]
    call, = back.calls
    assert call.name == "g" and call.args.keys() == args.keys()
    assert isinstance(call.args["cache"], tuple) and isinstance(call.args["cache"][0], tuple)
    assert call.args["cache"][0][1].dtype == np.arange(3).dtype
    assert type(call.args["n"]) is np.float64 and call.args["n"] == args["n"]
    assert np.array_equal(call.args["bad"], args["bad"], equal_nan=True)
    assert call.args["a"] == 1 and call.args["none"] is None
    assert np.array_equal(call.result[1]["a"], W) and call.result[0].tobytes() == W.tobytes()
    assert isinstance(back.output, tuple) and isinstance(back.output[1], list)
    assert back.output[0]["t"] == 2 and type(back.output[1][0]) is np.float64
    assert (back.learning_rate, back.num_iterations, back.call) == (0.1, 3, 4)
    assert text.count('"data"') == 3  # W, arange(3) and the NaN array, each stored once


def test_trace_data_holds_numbers_and_names_only():
    """The shipped file is JSON of numbers and helper names: no code of the reference."""
    text = trace_data.PATH.read_text()
    words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))
    allowed = {"format", "traces", "arrays", "calls", "name", "args", "result", "output", "call",
               "learning_rate", "num_iterations", "dtype", "shape", "data", "float64", "int64",
               "a", "t", "s", "d", "NaN", "Infinity", "e", "relu", "sigmoid",
               "two_layer_model", "L_layer_model"}
    helpers = set(public_tests.trace.TRACED)
    params = {w for w in words if re.fullmatch(r"(W|b|dW|db|dA)\d+", w)}
    keys = {"X", "Y", "AL", "A_prev", "W", "b", "dA", "cache", "caches", "activation", "parameters",
            "grads", "n_x", "n_h", "n_y", "layer_dims", "layers_dims"}
    assert words - allowed - helpers - params - keys == set()


def test_public_tests_name_the_held_back_mistakes(sources):
    """The public tests name the step of at least 90% of the held-back mistakes too
    (tests/heldback_mistakes.py: never used to tune the diagnosis or the public tests)."""
    from heldback_mistakes import HELD_BACK

    named = []
    for name, mistake, edits, step in HELD_BACK:
        lines = shown(build(mutate(sources[name], edits), name, FAKE_GLOBALS), name)
        named.append(lines is not None and names_step(lines, step))
        assert lines is None or len(lines) <= 10, (mistake, lines)
    missed = [m for (_, m, _, _), ok in zip(HELD_BACK, named) if not ok]
    assert sum(named) >= 0.9 * len(named), f"named {sum(named)} of {len(named)}; missed {missed}"


# ------------------------------------------------------------------ wiring mistakes

# The call that received the wrong value, and the argument, for each wiring mistake.
WIRED_AT = {
    "b2-as-first-layer-bias": "the forward step of layer 1 (linear_activation_forward) got b2 as its argument b, "
                              "expected b1.",
    "b1-as-second-layer-bias": "the forward step of layer 2 (linear_activation_forward) got b1 as its argument b, "
                               "expected b2.",
    "bias-read-back-from-b2": "the forward step of layer 1 (linear_activation_forward) got b2 as its argument b, "
                              "expected b1.",
    "first-layer-cache-for-the-output-layer": "linear_activation_backward got the cache of forward layer 1, "
                                              "expected the one of layer 2",
    "output-layer-cache-for-the-first-layer": "linear_activation_backward got the cache of forward layer 2, "
                                              "expected the one of layer 1",
    "A2-passed-as-dA2": "the backward step of layer 2 (linear_activation_backward) got A2 as its argument dA, "
                        "expected dA of the output layer",
    "A1-passed-as-dA1": "the backward step of layer 1 (linear_activation_backward) got A1 as its argument dA, "
                        "expected dA1.",
    "dW1-and-dW2-stored-swapped": "update_parameters got grads with dW2 under the key 'dW1'",
    "db1-and-db2-stored-swapped": "update_parameters got grads with db2 under the key 'db1'",
}


def test_every_wiring_mistake_has_its_call():
    from dnn_course.course.mistakes import WIRING

    assert set(WIRED_AT) == set(WIRING) and len(WIRING) >= 8


@pytest.mark.parametrize("mistake", list(WIRED_AT))
def test_wiring_mistake_is_named_at_the_call_that_got_the_value(mistake, sources, capsys):
    """The public test names the step of the call that received the wrong value and the argument,
    never the initialization (which was right), in at most 10 lines; the line about globals is absent."""
    name = "two_layer_model"
    lines = shown(wrong_version(sources, name, mistake), name)
    assert lines is not None and names_step(lines, STEP[(name, mistake)]), lines
    text = " ".join(line.strip() for line in lines)
    assert WIRED_AT[mistake] in text, lines
    assert "initialization" not in text and "global variables" not in text, lines
    assert len(lines) <= MAX_LINES and max(map(len, lines)) <= WIDTH, lines


def test_cost_computed_after_the_update_is_said_to_be_out_of_order(sources, capsys):
    """All calls are there but compute_cost comes after the update: said so, with where it belongs."""
    lines = shown(wrong_version(sources, "L_layer_model", "cost-after-the-update"), "L_layer_model")
    text = " ".join(line.strip() for line in lines)
    assert ("cost: in iteration 0, compute_cost is called after L_model_backward, update_parameters and "
            "L_model_forward; compute the cost right after the forward pass.") in text, lines
    assert "expected a call to" not in text, lines
