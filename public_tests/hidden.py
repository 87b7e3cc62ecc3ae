"""Support for the notebook's hidden tests (the tests themselves stay hidden).

Nothing here is a solution: the hidden test cells bring their own reference
and call ``check_cell``, which runs the cases ``hidden_cases.CASES`` lists for
the cell with these helpers: run the reference, compare results, hide notebook
globals, and turn any failure into a message that names the first wrong step.
"""
import contextlib
import io
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

import numpy as np

from .checks import Failure, SAME_ATOL, SAME_RTOL, compare, compare_pair, is_number_like, is_sequence
from .diagnose import diagnose
from .findings import emit, record
from .hidden_cases import CASES, NOTEBOOK_NAMES, course_inputs, inputs_of
from .printed import printing_problem
from .run import TWO_LAYER

# "The same computation as the reference": float noise only. The hidden tests
# and the re-run outside the kernel (dnn_course/preprocessors/verify.py) both use it; the
# public tests compare with stored numbers and use checks.RTOL, checks.ATOL.
RTOL, ATOL = SAME_RTOL, SAME_ATOL
PAIR = ("parameters", "costs")
PARAMETERS = ("parameters",)  # what the shapes and course-data tests compare
EVERYTHING = PAIR
WELL_FORMED = ("the pair's form",)  # what the no-globals test asks of the result


def run_quiet(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call fn; return (its result, the lines it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue().splitlines()


def differences(got: Any, want: Any, parts: tuple[str, ...] = EVERYTHING, level: str = "values",
                rtol: float = RTOL, atol: float = ATOL) -> list[Failure]:
    """The checks.Failure list of got against want, two (parameters, costs) pairs.

    The pair's form is always checked (a tuple of parameters and costs, in that
    order); the types, keys, shapes and values only of the ``parts`` named, values
    within ``rtol``, ``atol`` (np.isclose's; a hidden cell may loosen them, ``check_cell``).
    """
    failures = [f for f in compare_pair(want, got, PAIR, level="type", rtol=rtol, atol=atol)
                if f.where[0] in parts or f.where == ("result",)]
    if failures or level == "type":
        return failures
    return [f for part in parts
            for f in compare(want[PAIR.index(part)], got[PAIR.index(part)], part, level, rtol, atol)]


def _short(failure):
    """One short line for a failure; values are not shown (they are the reference's)."""
    if failure.kind != "values":
        return str(failure)
    root, *keys = failure.where or (failure.path,)
    if root == "result" and keys[:1] in ([0], [1]):  # a whole (parameters, costs) result
        root, keys = PAIR[keys[0]], keys[1:]
    if root == "costs":
        return "wrong values in costs"
    if root == "parameters" and len(keys) == 1:
        return f"wrong values in {keys[0]}"
    return f"wrong values in {failure.path}"


def assert_same(name: str, got: Any, want: Any, what: str, parts: tuple[str, ...] = EVERYTHING,
                rtol: float = RTOL, atol: float = ATOL) -> None:
    """Fail with a learner-readable message unless got matches want in ``parts``."""
    failures = differences(got, want, parts, rtol=rtol, atol=atol)
    assert not failures, f"{name}: {_short(failures[0])} ({what})"


def assert_printed(name: str, printed: Iterable[str], reference_lines: Iterable[str], print_cost: bool,
                   num_iterations: int, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    """Fail with a learner-readable message when ``printing_problem`` finds one."""
    problem = printing_problem(printed, reference_lines, print_cost, num_iterations, rtol, atol)
    assert problem is None, f"{name}: {problem} ({what})"


def _nan_parts(x):
    """(x with NaN as 0, where x is NaN): NaN then compares equal to NaN."""
    if isinstance(x, dict):
        pairs = {k: _nan_parts(v) for k, v in x.items()}
        return {k: a for k, (a, _) in pairs.items()}, {k: b for k, (_, b) in pairs.items()}
    if isinstance(x, (list, tuple)):
        halves = [_nan_parts(v) for v in x]
        return type(x)(a for a, _ in halves), type(x)(b for _, b in halves)
    try:
        a = np.asarray(x)
    except Exception:  # noqa: BLE001 -- not numeric: compared as it is
        return x, None
    if a.dtype.kind != "f":
        return x, None
    nan = np.isnan(a)
    filled = np.where(nan, 0.0, a)
    return (filled if isinstance(x, np.ndarray) and a.ndim else filled[()]), nan.astype(float)


def assert_same_result(name: str, got: Any, want: Any, what: str) -> None:
    """Fail unless got equals want whatever its form (NaN equal to NaN); for comparing
    a function with itself, so only a difference between the two runs counts."""
    (got_v, got_nan), (want_v, want_nan) = _nan_parts(got), _nan_parts(want)
    failures = compare(want_nan, got_nan, "result", "values", RTOL, ATOL) or \
        compare(want_v, got_v, "result", "values", RTOL, ATOL)
    assert not failures, f"{name}: {_short(failures[0])} ({what})"


def _trained_parameters(got):
    """The parameters dict in got: got itself, or the first dict of a returned tuple or list."""
    if isinstance(got, dict):
        return got
    if isinstance(got, (tuple, list)):
        return next((x for x in got if isinstance(x, dict)), None)
    return None


def pair_problem(got: Any, parts: tuple[str, ...] = EVERYTHING) -> str | None:
    """Why got is not a well-formed (parameters, costs) pair in ``parts``, or None.

    Well-formed: a tuple (or list) of a dict of numpy arrays and a sequence of
    numbers (a list, tuple or 1-d array; a cost may be a 0-d or (1, 1) array). For
    ``parts=WELL_FORMED`` (the no-globals test) only this: the result holds a
    non-empty dict of numpy arrays, in whatever form it is returned. Its form
    is the return value's concern, judged by the other cells; a function that
    gives back no parameters at all (e.g. ``return {}, []``) has not run.
    """
    if parts == WELL_FORMED:
        parameters = _trained_parameters(got)
        if not parameters:
            return "it must return the trained parameters W1, b1, ..."
        if not all(isinstance(v, np.ndarray) and v.ndim for v in parameters.values()):
            return "every value in parameters must be a numpy array"
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "it must return the pair (parameters, costs)"
    parameters, costs = got
    if not isinstance(parameters, dict):
        return "it must return parameters, a dict, first"
    if not all(isinstance(v, np.ndarray) and v.ndim for v in parameters.values()):
        return "every value in parameters must be a numpy array"
    if "costs" in parts:
        if not is_sequence(costs):
            return "it must return costs, a list, second"
        if not all(is_number_like(c) for c in costs):
            return "every entry of costs must be a number"
    return None


def assert_well_formed(name: str, got: Any, what: str) -> None:
    """Fail unless got holds trained parameters: a non-empty dict of numpy arrays."""
    problem = pair_problem(got, WELL_FORMED)
    assert problem is None, f"{name}: {problem} ({what})"


def small_inputs(name: str) -> tuple[np.ndarray, np.ndarray, tuple[int, ...] | list[int]]:
    """A tiny problem for the step-by-step diagnosis of `name`."""
    rs = np.random.RandomState(3)
    X = rs.randn(6, 8)
    Y = (rs.rand(1, 8) > 0.5).astype(float)
    return X, Y, ((6, 3, 1) if name == TWO_LAYER else [6, 4, 3, 1])


class Diagnosis:
    """What a hidden test is checking now: the learning rate and iteration count of its call.

    The test cell says it with ``case(...)`` before each call; on a failure the
    step-by-step diagnosis repeats that call's hyperparameters on a small input.
    """
    DEFAULT = {"learning_rate": 0.0075, "num_iterations": 3}
    MAX_ITERATIONS = 300  # enough to see costs recorded at i = 0, 100, 200

    def __init__(self) -> None:
        self.hyperparameters: dict[str, Any] = dict(self.DEFAULT)

    def case(self, learning_rate: float, num_iterations: int) -> None:
        """The call the test checks next (learning_rate, num_iterations)."""
        self.hyperparameters = {"learning_rate": learning_rate,
                                "num_iterations": min(num_iterations, self.MAX_ITERATIONS)}


@contextlib.contextmanager
def explained(target: Callable[..., Any], reference: Callable[..., Any], name: str) -> Iterator[Diagnosis]:
    """On any failure inside the block, raise one AssertionError that also names
    the first step where target departs from reference, and emit the same as data
    (``findings.record``, a display output the grader keeps and the learner never sees).

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
        seen_on = f"seen on a small input with learning_rate={hp['learning_rate']}, " \
            f"num_iterations={hp['num_iterations']}"
        step = f" First step that differs from the method: {finding} ({seen_on})" if useful else ""
        check = first + "." * (not first.endswith("."))
        emit(record(check, finding if useful else None, seen_on if useful else None,
                    None if isinstance(exc, AssertionError) else type(exc).__name__))
        raise AssertionError(check + step) from None


@contextlib.contextmanager
def without_globals(namespace: MutableMapping[str, Any], names: Iterable[str]) -> Iterator[None]:
    """Remove `names` from the notebook's namespace for the block, then put them back."""
    hidden = {k: namespace.pop(k) for k in names if k in namespace}
    try:
        yield
    finally:
        namespace.update(hidden)


def _what(case):
    """How a hidden cell names a case in its failure message."""
    if case.keeps_inputs:
        return f"learning_rate={case.learning_rate}, num_iterations={case.num_iterations}, print_cost={case.print_cost}"
    if case.inputs == "course":
        return f"course data, layers_dims={case.dims}, num_iterations={case.num_iterations}"
    return f"layers_dims={case.dims!r}, {case.inputs[3]} examples"


def _check_case(case, target, reference, why, data, rtol, atol):
    """One case of a comparing cell: the reference's result and the function's, compared."""
    X, Y = data
    hp = {"learning_rate": case.learning_rate, "num_iterations": case.num_iterations}
    printing = {"print_cost": case.print_cost} if case.compare == "all" else {}
    want, lines = run_quiet(reference, X, Y, case.dims, **hp, **printing)
    why.case(**hp)
    X0, Y0 = X.copy(), Y.copy()
    if case.seed_before is not None:
        np.random.seed(case.seed_before)
    given = (X, Y) if case.keeps_inputs else (X.copy(), Y.copy())
    got, printed = run_quiet(target, *given, case.dims, **hp, **printing)
    what, name = _what(case), case.function
    if case.keeps_inputs:
        assert np.array_equal(X, X0) and np.array_equal(Y, Y0), f"{name} must not modify X or Y ({what})"
    assert_same(name, got, want, what, EVERYTHING if case.compare == "all" else PARAMETERS, rtol, atol)
    if case.compare == "all":
        assert_printed(name, printed, lines, case.print_cost, case.num_iterations, what, rtol, atol)


def _check_alone(case, target, why, namespace, data):
    """The no-globals case: the function runs without the notebook's names, and gives the same
    result with them."""
    X, Y = data
    name, hp = case.function, {"learning_rate": case.learning_rate, "num_iterations": case.num_iterations}
    why.case(**hp)
    with without_globals(namespace, NOTEBOOK_NAMES):
        np.random.seed(case.seed_before)
        try:
            alone, _ = run_quiet(target, X.copy(), Y.copy(), case.dims, **hp)
        except NameError as e:
            raise AssertionError(f"{name} uses a variable of the notebook instead of its arguments: {e}") from None
    assert_well_formed(name, alone, "with the notebook's variables removed")
    np.random.seed(case.seed_before)
    try:
        together, _ = run_quiet(target, X.copy(), Y.copy(), case.dims, **hp)
    except Exception as e:
        raise AssertionError(f"{name} runs without the notebook's variables but raises {type(e).__name__} "
                             "with them: it uses a variable of the notebook instead of its arguments") from None
    assert_same_result(name, together, alone, "with the notebook's variables, compared with a run without them")


def tolerance(rtol: float = RTOL, atol: float = ATOL) -> tuple[float, float]:
    """The (rtol, atol) a hidden cell compares with, checked: two finite numbers, 0 or more.

    Args:
        rtol, atol: np.isclose's tolerances (default: float noise only, ``checks.SAME_RTOL``, ``SAME_ATOL``).

    Returns:
        tuple of two floats.

    Raises:
        ValueError: either is not a finite number of 0 or more.
    """
    for name, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise ValueError(f"check_cell: {name} must be a number of 0 or more, got {value!r}")
    return float(rtol), float(atol)


def check_cell(grade_id: str, target: Callable[..., Any], reference: Callable[..., Any],
               namespace: MutableMapping[str, Any], rtol: float = RTOL, atol: float = ATOL) -> None:
    """Run a hidden test cell: every case ``hidden_cases.CASES`` lists for it, explained on failure.

    Args:
        grade_id: the cell's nbgrader grade id.
        target: the learner's function.
        reference: the cell's reference function.
        namespace: the notebook's globals (the no-globals cell removes names from it for a while).
        rtol, atol: how close the function's numbers must be to the reference's (np.isclose's);
            an instructor loosens a check by giving them in the cell's call, as literal numbers,
            which the re-check outside the kernel reads from the cell (``verify.cell_tolerance``).

    Raises:
        AssertionError: the first case that fails, naming the first step that differs.
        ValueError: a tolerance is not a number of 0 or more.
    """
    rtol, atol = tolerance(rtol, atol)
    cases = CASES[grade_id]
    course = None
    with explained(target, reference, cases[0].function) as why:
        for case in cases:
            if case.inputs == "course":
                course = course or course_inputs()
            data = course if case.inputs == "course" else inputs_of(case)
            if case.compare == "runs":
                _check_alone(case, target, why, namespace, data)
            else:
                _check_case(case, target, reference, why, data, rtol, atol)
