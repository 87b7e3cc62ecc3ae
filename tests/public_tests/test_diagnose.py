"""The step-by-step diagnosis names the wrong step of every catalogued mistake."""
import numpy as np
import pytest

from dnn_course.course.mistakes import FAKE_GLOBALS, MUTANTS, STEP, build, mutate
from public_tests.diagnose import STEPS, diagnose
from public_tests.hidden import small_inputs
from public_tests.trace import TRACED, recording
import dnn_app_utils

CASES = sorted(STEP)


@pytest.fixture(scope="module")
def sources():
    from dnn_course.course.solutions import solution_sources

    return solution_sources()


def test_every_mutant_has_a_step():
    """Each catalogued mistake says which step its feedback must name."""
    listed = {(f, m) for f, table in MUTANTS.items() for m in table}
    assert listed == set(STEP)
    assert set(STEP.values()) <= set(STEPS)


@pytest.mark.parametrize("name", ["two_layer_model", "L_layer_model"])
def test_reference_has_no_finding(name, reference):
    """The reference compared with itself gives no finding."""
    assert diagnose(reference[name], reference[name], small_inputs(name)) is None


@pytest.mark.parametrize("name, mistake", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_mistake_names_its_step(name, mistake, sources, reference, capsys):
    """The feedback names the step that is wrong, and says how it differs."""
    wrong = build(mutate(sources[name], MUTANTS[name][mistake]), name, FAKE_GLOBALS)
    with np.errstate(all="ignore"):
        finding = diagnose(wrong, reference[name], small_inputs(name))
    assert finding is not None, "the mistake went unnoticed"
    assert finding.step == STEP[(name, mistake)], f"mine: {finding}\nexpected step: {STEP[(name, mistake)]}"
    assert len(finding.message) > 20


# Grads as update_parameters takes them: it reads dW{l} and db{l} and ignores the rest, so a
# dict with the dA entries too (the 2-layer network) or without them (the L-layer one) is right.
OTHER_GRADS = {"two_layer_model": ('grads["db2"] = db2', 'grads["db2"] = db2; grads["dA1"] = dA1'),
               "L_layer_model": ("grads = L_model_backward(AL, Y, caches)",
                                 "grads = {k: v for k, v in L_model_backward(AL, Y, caches).items() if k[:2] != 'dA'}")}


@pytest.mark.parametrize("name", ["two_layer_model", "L_layer_model"])
def test_grads_with_other_keys_than_the_reference_have_no_finding(name, sources, reference):
    """Otherwise a learner whose only slip is elsewhere (e.g. the printing) is sent to the backward pass."""
    old, new = OTHER_GRADS[name]
    assert old in sources[name]
    other = build(sources[name].replace(old, new), name)
    assert diagnose(other, reference[name], small_inputs(name)) is None


def test_explained_emits_what_it_says_as_data(sources, reference, monkeypatch):
    """A hidden cell's failure emits one record: its check line, the finding (step, kind, call,
    argument) and where it was seen, the same as the error's words; nothing when it passes."""
    from public_tests import hidden
    from public_tests.findings import read_record

    emitted = []
    monkeypatch.setattr(hidden, "emit", emitted.append)
    name = "two_layer_model"
    wrong = build(mutate(sources[name], MUTANTS[name]["wrong-sign-dA2"]), name)
    with pytest.raises(AssertionError) as info:
        with hidden.explained(wrong, reference[name], name) as why:
            why.case(learning_rate=0.1, num_iterations=3)
            raise AssertionError("two_layer_model: wrong values in W1 (a case)")
    [data] = emitted
    assert read_record(data) == data
    assert (data["step"], data["kind"], data["call"], data["argument"]) == \
        ("start of the backward pass", "dA has the opposite sign", "linear_activation_backward", "dA")
    assert data["check"] == "two_layer_model: wrong values in W1 (a case)."
    assert data["seen_on"] == "seen on a small input with learning_rate=0.1, num_iterations=3"
    assert str(info.value) == f"{data['check']} First step that differs from the method: " \
        f"{data['step']}: {data['message']} ({data['seen_on']})"
    with hidden.explained(wrong, reference[name], name):
        pass
    assert len(emitted) == 1


def test_an_error_is_emitted_without_a_step(reference, monkeypatch):
    """A function that raises is told by its error: the record names no step and the kind is
    what it raised, as the class report groups it."""
    from public_tests import hidden

    emitted = []
    monkeypatch.setattr(hidden, "emit", emitted.append)

    def blank(*args, **kwargs):
        raise NotImplementedError("Not implemented yet")

    with pytest.raises(AssertionError, match="raised NotImplementedError"):
        with hidden.explained(blank, reference["two_layer_model"], "two_layer_model"):
            blank()
    assert (emitted[0]["step"], emitted[0]["kind"], emitted[0]["raised"]) == \
        ("no step named", "not implemented yet", "NotImplementedError")


def test_diagnosis_never_shows_reference_source(sources, reference):
    """No line of the reference solution appears in any finding."""
    code_lines = {l.strip() for s in sources.values() for l in s.splitlines()
                  if l.strip() and not l.strip().startswith("#") and len(l.strip()) > 12}
    for name, mistake in CASES:
        wrong = build(mutate(sources[name], MUTANTS[name][mistake]), name, FAKE_GLOBALS)
        with np.errstate(all="ignore"):
            text = str(diagnose(wrong, reference[name], small_inputs(name)))
        leaked = [l for l in code_lines if l in text]
        assert not leaked, f"{name}-{mistake} shows {leaked}"


def test_recording_restores_the_helpers(reference):
    """After recording, the helpers are the originals again, even after an error."""
    fn = reference["two_layer_model"]
    before = {n: getattr(dnn_app_utils, n) for n in TRACED}
    with pytest.raises(ValueError):
        with recording(fn) as calls:
            fn(np.ones((3, 2)), np.ones((1, 2)), (4, 2, 1), num_iterations=1)
    assert calls and calls[0].name == "initialize_parameters"
    assert {n: getattr(dnn_app_utils, n) for n in TRACED} == before
    assert all(not hasattr(fn.__globals__[n], "__wrapped__") for n in TRACED if n in fn.__globals__)


# ------------------------------------------------------------ held-back mistakes and naming rate

def _named(name, edits, step, sources, reference):
    from dnn_course.course.mistakes import FAKE_GLOBALS as fake

    wrong = build(mutate(sources[name], edits), name, fake)
    with np.errstate(all="ignore"):
        finding = diagnose(wrong, reference[name], small_inputs(name), 0.1, 3)
    return finding is not None and finding.step == step


def test_naming_rate_of_catalogue_and_held_back(sources, reference, capsys):
    """The diagnosis names the expected step for at least 90% of the catalogued and the
    held-back mistakes (tests/heldback_mistakes.py, never used to tune it), each set alone too."""
    from heldback_mistakes import HELD_BACK

    assert len(HELD_BACK) >= 5 and {step for *_, step in HELD_BACK} <= set(STEPS)
    catalogue = [_named(n, MUTANTS[n][m], STEP[(n, m)], sources, reference) for n, m in CASES]
    held = [_named(n, edits, step, sources, reference) for n, _, edits, step in HELD_BACK]
    for results in (catalogue, held, catalogue + held):
        assert sum(results) >= 0.9 * len(results), (sum(catalogue), len(catalogue), sum(held), len(held))


def test_diagnosis_uses_the_failing_calls_hyperparameters(sources, course_data):
    """A fixed learning rate fails the hyperparameters cell at learning_rate=0.1, and the named step
    says 0.1 too, and which call it repeated: the reason agrees with itself."""
    from graded_cells import failing

    name = "L_layer_model"
    failed, errors = failing(name, mutate(sources[name], MUTANTS[name]["hard-coded-learning-rate"]), course_data)
    reason = str(errors[f"{name}_hidden_hyperparameters"])
    assert reason.startswith(f"{name}: wrong values in W1 (learning_rate=0.1, num_iterations=3, "), reason
    assert ("First step that differs from the method: the learning rate: update_parameters got "
            "learning_rate=0.0075, but the function was called with learning_rate=0.1.") in reason, reason
    assert reason.endswith("(seen on a small input with learning_rate=0.1, num_iterations=3)"), reason


def test_explained_diagnoses_the_case_it_is_told(sources, reference):
    """explained() repeats the hyperparameters the cell last gave with case()."""
    from public_tests.hidden import explained

    name = "two_layer_model"
    wrong = build(mutate(sources[name], MUTANTS[name]["hard-coded-learning-rate"]), name)
    with pytest.raises(AssertionError) as info:
        with explained(wrong, reference[name], name) as why:
            why.case(learning_rate=0.5, num_iterations=1)
            raise AssertionError("some check failed")
    assert "called with learning_rate=0.5." in str(info.value)
    assert str(info.value).endswith("learning_rate=0.5, num_iterations=1)")


def test_caches_step(sources, reference):
    """Caches of the wrong layer are named as such (the caches step)."""
    name = "two_layer_model"
    wrong = build(mutate(sources[name], [('(dA2, cache2, "sigmoid")', '(dA2, cache1, "sigmoid")')]), name)
    with np.errstate(all="ignore"):
        finding = diagnose(wrong, reference[name], small_inputs(name))
    assert finding.step == "the caches" and "cache of forward layer 1, expected the one of layer 2" in finding.message


def test_wiring_mistakes_are_named_in_the_hidden_feedback(sources, course_data):
    """Every hidden cell a wiring mistake fails names the step of the call that received the
    wrong value (in the record the class report reads, and in its words), never the initialization."""
    from dnn_course.course.mistakes import FAILS, WIRING
    from graded_cells import failing

    name = "two_layer_model"
    for mistake in WIRING:
        records = {}
        with np.errstate(all="ignore"):
            failed, errors = failing(name, mutate(sources[name], MUTANTS[name][mistake]), course_data,
                                     records=records)
        assert failed == FAILS[(name, mistake)], mistake
        assert set(records) == failed, (mistake, set(records), failed)
        for gid in failed - {f"correct_{name}"}:
            step, message = records[gid]["step"], records[gid]["message"]
            assert step == STEP[(name, mistake)], (mistake, gid, str(errors[gid]))
            assert f"First step that differs from the method: {step}: {message}" in str(errors[gid])
            assert "initialization" not in message, (mistake, gid, message)


def test_calls_out_of_order_are_said_so(sources, reference):
    """A cost computed after the update is not a missing compute_cost: the finding says it comes late."""
    name = "L_layer_model"
    wrong = build(mutate(sources[name], MUTANTS[name]["cost-after-the-update"]), name)
    finding = diagnose(wrong, reference[name], small_inputs(name))
    assert str(finding) == ("cost: in iteration 0, compute_cost is called after L_model_backward, "
                            "update_parameters and L_model_forward; compute the cost right after the forward pass.")
    assert finding.kind == "compute_cost called too late"
    missing = build(mutate(sources[name], [("cost = compute_cost(AL, Y)", "cost = 0.5")]), name)
    assert str(diagnose(missing, reference[name], small_inputs(name))) == \
        "cost: in iteration 0, expected a call to compute_cost, found L_model_backward."
