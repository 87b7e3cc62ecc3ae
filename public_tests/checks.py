"""Compare a student's result with the expected one, and report in plain words.

``compare`` walks dicts, lists, tuples, numpy arrays and numbers side by side and
returns a list of ``Failure`` records, each naming where it happened, e.g.
``parameters['W1']: shape (4, 10) expected, got (10, 4)``. ``evaluate``
runs a list of named ``Check`` s into a ``Report``, the structured result a
grader can read (the public tests return it on success and attach it to the
``PublicTestFailure`` they raise, ``messages.announce``).
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Number
from typing import Any

import numpy as np


# What each level of check looks at; every level includes the ones before it.
LEVELS = ("type", "shape", "values")
# Tolerances, one per purpose (every module of the tests takes them from here):
RTOL, ATOL = 1e-6, 1e-8  # public tests against stored numbers: "about 6 decimals"
SAME_RTOL, SAME_ATOL = 1e-7, 1e-12  # hidden tests and verification: the same computation, float noise only
TRACE_RTOL, TRACE_ATOL = 1e-9, 1e-12  # diagnosis: one helper call against the reference's
MAX_SHOWN = 3  # differing entries shown per array
NOT_A_PAIR, PAIR_SWAPPED = "not a pair", "swapped"  # Failure.pair



@dataclass(frozen=True)
class Failure:
    """One difference: where (path), what sort (kind) and a short message."""
    path: str
    kind: str  # "type", "keys", "length", "shape" or "values"
    message: str
    # The same difference as data (not part of equality: path, kind and message say it):
    pair: str = field(default="", compare=False)  # a returned pair's form: PAIR_SWAPPED or NOT_A_PAIR
    where: tuple[Any, ...] = field(default=(), compare=False)  # the path: (root, key or index, ...), ("parameters", "W1")

    def __str__(self) -> str:
        return self.message


def _type_name(x):
    if isinstance(x, np.ndarray):
        return "numpy array" if x.ndim else "number"
    if _is_number(x):
        return "number"
    return type(x).__name__


def _is_number(x):
    """Python and numpy numbers, and 0-d arrays (what np.squeeze gives), not bools."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, np.ndarray):
        return x.ndim == 0 and np.issubdtype(x.dtype, np.number)
    return isinstance(x, (Number, np.number))


def is_number_like(x: Any) -> bool:
    """A number in any of the forms a correct learner gives one: a Python or numpy number,
    a 0-d array, or a numeric array holding one value (a cost kept as a (1, 1) array)."""
    if isinstance(x, np.ndarray) and x.size == 1 and x.ndim:
        return bool(np.issubdtype(x.dtype, np.number))
    return _is_number(x)


def is_sequence(x: Any) -> bool:
    """A list, a tuple or a numpy array of one number per entry (1-d, or (n, 1, 1) as np.array
    makes of costs kept as (1, 1) arrays): the forms a sequence of costs may take (the
    docstrings say "the cost recorded every 100 iterations", not which container)."""
    if isinstance(x, np.ndarray):
        return x.ndim == 1 or (x.ndim > 1 and x.size == x.shape[0])
    return isinstance(x, (list, tuple))


def _fmt(x):
    return format(float(x), ".8g")


def _index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def compare(expected: Any, got: Any, path: str = "result", level: str = "values", rtol: float = RTOL,
            atol: float = ATOL) -> list[Failure]:
    """Return the list of differences between expected and got (empty: they match).

    level "type" checks types and dict keys, "shape" adds lengths and array
    shapes, "values" adds the numbers (np.isclose with rtol, atol).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    failures: list[Failure] = []
    _walk(expected, got, (path,), LEVELS.index(level), rtol, atol, failures)
    return failures


def _path(where):
    """The path a message names: "parameters['W1']" for ("parameters", "W1"), "costs[0]" for ("costs", 0)."""
    return where[0] + "".join(f"[{k}]" if isinstance(k, int) else f"[{k!r}]" for k in where[1:])


def _walk(expected, got, where, depth, rtol, atol, out):
    path = _path(where)
    if _is_number(expected):
        if not is_number_like(got):
            out.append(Failure(path, "type", f"{path}: number expected, got {_describe(got)}", where=where))
        elif depth >= 2 and not np.isclose(got, expected, rtol=rtol, atol=atol):
            out.append(Failure(path, "values",
                               f"{path}: expected {_fmt(expected)}, got {_fmt(got)}", where=where))
        return
    if isinstance(expected, np.ndarray):
        _walk_array(expected, got, where, depth, rtol, atol, out)
        return
    if isinstance(expected, dict):
        same_kind = isinstance(got, dict)
    elif isinstance(expected, (list, tuple)):
        same_kind = is_sequence(got)
    else:
        same_kind = type(got) is type(expected)
    if not same_kind:
        out.append(Failure(path, "type",
                           f"{path}: {_type_name(expected)} expected, got {_describe(got)}", where=where))
        return
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing:
            out.append(Failure(path, "keys", f"{path}: missing keys {missing}", where=where))
        if extra:
            out.append(Failure(path, "keys", f"{path}: unexpected keys {extra}", where=where))
        for k in expected:
            if k in got:
                _walk(expected[k], got[k], (*where, k), depth, rtol, atol, out)
    elif isinstance(expected, (list, tuple)):
        if depth >= 1 and len(got) != len(expected):
            out.append(Failure(path, "length",
                               f"{path}: length {len(expected)} expected, got {len(got)}", where=where))
            return
        for i, (e, g) in enumerate(zip(expected, got)):
            _walk(e, g, (*where, i), depth, rtol, atol, out)
    elif depth >= 2 and got != expected:
        out.append(Failure(path, "values", f"{path}: expected {expected!r}, got {got!r}", where=where))


def _walk_array(expected, got, where, depth, rtol, atol, out):
    path = _path(where)
    if not isinstance(got, np.ndarray) or got.ndim == 0:
        out.append(Failure(path, "type", f"{path}: numpy array expected, got {_describe(got)}", where=where))
        return
    if depth < 1:
        return
    if got.shape != expected.shape:
        out.append(Failure(path, "shape",
                           f"{path}: shape {expected.shape} expected, got {got.shape}", where=where))
        return
    if depth < 2:
        return
    if not np.issubdtype(got.dtype, np.number):
        out.append(Failure(path, "type",
                           f"{path}: numeric array expected, got dtype {got.dtype}", where=where))
        return
    bad = np.argwhere(~np.isclose(got, expected, rtol=rtol, atol=atol))
    if len(bad) == 0:
        return
    shown = "; ".join(f"{_index(i)} expected {_fmt(expected[tuple(i)])}, got {_fmt(got[tuple(i)])}"
                      for i in bad[:MAX_SHOWN])
    more = "; ..." if len(bad) > MAX_SHOWN else ""
    out.append(Failure(path, "values",
                       f"{path}: {len(bad)} of {expected.size} values differ: {shown}{more}", where=where))


def _describe(x):
    if isinstance(x, np.ndarray) and x.ndim:
        return f"numpy array of shape {x.shape}"
    if isinstance(x, (list, tuple)):
        return f"{type(x).__name__} of length {len(x)}"
    return _type_name(x)


def compare_pair(expected: Any, got: Any, names: Sequence[str], path: str = "result", level: str = "values",
                 rtol: float = RTOL, atol: float = ATOL) -> list[Failure]:
    """Compare a returned pair such as (parameters, costs), naming each part."""
    first, second = names
    if not isinstance(got, (tuple, list)) or len(got) != 2:  # a list unpacks the same
        return [Failure(path, "type", f"{path}: a tuple ({first}, {second}) expected, "
                                      f"got {_describe(got)}", NOT_A_PAIR, (path,))]
    if isinstance(got[1], dict) and not isinstance(got[0], dict) and isinstance(expected[0], dict):
        return [Failure(path, "type", f"{path}: ({first}, {second}) expected, "
                                      f"got them in the order ({second}, {first})", PAIR_SWAPPED, (path,))]
    return (compare(expected[0], got[0], first, level, rtol, atol)
            + compare(expected[1], got[1], second, level, rtol, atol))


@dataclass
class Check:
    """A named check: compare got with expected at the given level (kind)."""
    name: str
    kind: str  # "type", "shape" or "values"
    expected: object
    got: object
    names: tuple[str, str] | None = None  # e.g. ("parameters", "costs"): got must be that pair


@dataclass
class CheckResult:
    name: str
    kind: str
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Report:
    """Structured outcome of a public test: counts, and the failures of each check."""
    function: str
    results: list[CheckResult] = field(default_factory=list)
    error: str | None = None  # set when the function could not be run (e.g. not implemented)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def failures(self) -> list[Failure]:
        return [f for r in self.results for f in r.failures]

    @property
    def ok(self) -> bool:
        return self.error is None and self.failed == 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data for graders: counts, error, and one record per failure."""
        return {"function": self.function, "passed": self.passed, "failed": self.failed,
                "error": self.error,
                "failures": [{"check": r.name, "kind": f.kind, "path": f.path,
                              "message": f.message} for r in self.results for f in r.failures]}

    def __repr__(self) -> str:
        return f"<Report {self.function}: {self.passed} passed, {self.failed} failed>"

    def _ipython_display_(self) -> None:
        """Show nothing when a notebook cell ends with the test call: it has printed."""


def evaluate(function: str, checks: Sequence[Check]) -> Report:
    """Run the checks silently; return their Report."""
    return Report(function, [CheckResult(c.name, c.kind, _check(c)) for c in checks])


def _check(c):
    if c.names:
        return compare_pair(c.expected, c.got, c.names, level=c.kind)
    return compare(c.expected, c.got, level=c.kind)

