"""Support for the notebook's hidden tests (the tests themselves stay hidden).

Nothing here is a solution: the hidden test cells bring their own reference
and use these helpers to run it, compare results, hide notebook globals, and
turn any failure into a message that names the first wrong step.
"""
import contextlib
import io

import numpy as np

from .diagnose import diagnose

RTOL = 1e-7


def run_quiet(fn, *args, **kwargs):
    """Call fn; return (its result, the lines it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue().splitlines()


def assert_same(name, got, want, what):
    """got and want are (parameters, costs) pairs; fail with a learner-readable message."""
    assert isinstance(got, tuple) and len(got) == 2, \
        f"{name} must return the pair (parameters, costs) ({what})"
    params, costs = got
    ref_params, ref_costs = want
    assert isinstance(params, dict), f"{name}: parameters must be a dict ({what})"
    assert sorted(params) == sorted(ref_params), \
        f"{name}: parameters has keys {sorted(params)}, expected {sorted(ref_params)} ({what})"
    for k in ref_params:
        assert np.shape(params[k]) == ref_params[k].shape, \
            f"{name}: {k} has shape {np.shape(params[k])}, expected {ref_params[k].shape} ({what})"
        assert np.allclose(params[k], ref_params[k], rtol=RTOL, atol=1e-12), \
            f"{name}: wrong values in {k} ({what})"
    assert isinstance(costs, list), f"{name}: costs must be a list ({what})"
    assert len(costs) == len(ref_costs), (f"{name}: costs has {len(costs)} entries, expected "
                                          f"{len(ref_costs)}, one per 100 iterations ({what})")
    assert np.allclose(np.squeeze(np.array(costs, dtype=float)),
                       np.squeeze(np.array(ref_costs, dtype=float)), rtol=RTOL), \
        f"{name}: wrong costs ({what})"


def small_inputs(name):
    """A tiny problem for the step-by-step diagnosis of `name`."""
    rs = np.random.RandomState(3)
    X = rs.randn(6, 8)
    Y = (rs.rand(1, 8) > 0.5).astype(float)
    return X, Y, ((6, 3, 1) if name == "two_layer_model" else [6, 4, 3, 1])


@contextlib.contextmanager
def explained(target, reference, name):
    """On any failure inside the block, raise one AssertionError that also names
    the first step where target departs from reference."""
    try:
        yield
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if not isinstance(exc, AssertionError):
            first = f"{name} raised {type(exc).__name__}: {first}"
        try:
            with np.errstate(all="ignore"):
                finding = diagnose(target, reference, small_inputs(name))
        except Exception:  # the diagnosis must never hide the original failure
            finding = None
        useful = finding and finding.step != "an error"  # an error is already said
        step = f" First step that differs from the method: {finding}" if useful else ""
        raise AssertionError(first + "." * (not first.endswith(".")) + step) from None


@contextlib.contextmanager
def without_globals(namespace, names):
    """Remove `names` from the notebook's namespace for the block, then put them back."""
    hidden = {k: namespace.pop(k) for k in names if k in namespace}
    try:
        yield
    finally:
        namespace.update(hidden)
