"""Support for the notebook's hidden tests (the tests themselves stay hidden).

Nothing here is a solution: the hidden test cells bring their own reference
and use these helpers to run it, compare results, hide notebook globals, and
turn any failure into a message that names the first wrong step.
"""
import contextlib
import io
import re

import numpy as np

from .checks import compare, compare_pair
from .diagnose import diagnose

# "The same computation as the reference": float noise only. The hidden tests
# and the re-run outside the kernel (dnn_course/verify.py) both use it; the
# public tests compare with stored numbers and use checks.RTOL, checks.ATOL.
RTOL, ATOL = 1e-7, 1e-12
PAIR = ("parameters", "costs")
PARAMETERS = ("parameters",)  # what the shapes and course-data tests compare
EVERYTHING = PAIR


def run_quiet(fn, *args, **kwargs):
    """Call fn; return (its result, the lines it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue().splitlines()


def differences(got, want, parts=EVERYTHING, level="values"):
    """The checks.Failure list of got against want, two (parameters, costs) pairs.

    The pair's form (a tuple, a dict and a list, in that order, the keys of
    parameters) is always checked; shapes and values only in ``parts``.
    """
    failures = compare_pair(want, got, PAIR, level="type", rtol=RTOL, atol=ATOL)
    if failures or level == "type":
        return failures
    if tuple(parts) == PAIR:
        return compare_pair(want, got, PAIR, level=level, rtol=RTOL, atol=ATOL)
    return [f for part in parts
            for f in compare(want[PAIR.index(part)], got[PAIR.index(part)], part, level, RTOL, ATOL)]


def _short(failure):
    """One short line for a failure; values are not shown (they are the reference's)."""
    if failure.kind == "values":
        where = re.sub(r"^parameters\['(\w+)'\]$", r"\1", failure.path)
        return f"wrong values in {re.sub(r'^costs.*', 'costs', where)}"
    return str(failure)


def assert_same(name, got, want, what, parts=EVERYTHING):
    """Fail with a learner-readable message unless got matches want in ``parts``."""
    failures = differences(got, want, parts)
    assert not failures, f"{name}: {_short(failures[0])} ({what})"


def pair_problem(got):
    """Why got is not a well-formed (parameters, costs) pair, or None.

    Well-formed: a tuple of a dict of numpy arrays and a list of numbers.
    """
    if not isinstance(got, tuple) or len(got) != 2:
        return "it must return the pair (parameters, costs)"
    parameters, costs = got
    if not isinstance(parameters, dict) or not isinstance(costs, list):
        return "it must return parameters as a dict and costs as a list, in that order"
    if not all(isinstance(v, np.ndarray) and v.ndim for v in parameters.values()):
        return "every value in parameters must be a numpy array"
    if not all(np.ndim(c) == 0 and np.issubdtype(np.asarray(c).dtype, np.number) for c in costs):
        return "every entry of costs must be a number"
    return None


def assert_pair(name, got, what):
    """Fail unless got is a well-formed (parameters, costs) pair."""
    problem = pair_problem(got)
    assert problem is None, f"{name}: {problem} ({what})"


def small_inputs(name):
    """A tiny problem for the step-by-step diagnosis of `name`."""
    rs = np.random.RandomState(3)
    X = rs.randn(6, 8)
    Y = (rs.rand(1, 8) > 0.5).astype(float)
    return X, Y, ((6, 3, 1) if name == "two_layer_model" else [6, 4, 3, 1])


class Diagnosis:
    """What a hidden test is checking now: the learning rate and iteration count of its call.

    The test cell says it with ``case(...)`` before each call; on a failure the
    step-by-step diagnosis repeats that call's hyperparameters on a small input.
    """
    DEFAULT = {"learning_rate": 0.0075, "num_iterations": 3}
    MAX_ITERATIONS = 300  # enough to see costs recorded at i = 0, 100, 200

    def __init__(self):
        self.hyperparameters = dict(self.DEFAULT)

    def case(self, learning_rate, num_iterations):
        """The call the test checks next (learning_rate, num_iterations)."""
        self.hyperparameters = {"learning_rate": learning_rate,
                                "num_iterations": min(num_iterations, self.MAX_ITERATIONS)}


@contextlib.contextmanager
def explained(target, reference, name):
    """On any failure inside the block, raise one AssertionError that also names
    the first step where target departs from reference.

    Yields a ``Diagnosis``: call its ``case(learning_rate, num_iterations)``
    before each checked call, so the diagnosis uses that call's hyperparameters.
    """
    diagnosis = Diagnosis()
    try:
        yield diagnosis
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if not isinstance(exc, AssertionError):
            first = f"{name} raised {type(exc).__name__}: {first}"
        hp = diagnosis.hyperparameters
        try:
            with np.errstate(all="ignore"):
                finding = diagnose(target, reference, small_inputs(name), **hp)
        except Exception:  # the diagnosis must never hide the original failure
            finding = None
        useful = finding and finding.step != "an error"  # an error is already said
        on = (f" (seen on a small input with learning_rate={hp['learning_rate']}, "
              f"num_iterations={hp['num_iterations']})")
        step = f" First step that differs from the method: {finding}{on}" if useful else ""
        raise AssertionError(first + "." * (not first.endswith(".")) + step) from None


@contextlib.contextmanager
def without_globals(namespace, names):
    """Remove `names` from the notebook's namespace for the block, then put them back."""
    hidden = {k: namespace.pop(k) for k in names if k in namespace}
    try:
        yield
    finally:
        namespace.update(hidden)
