"""Compare a student's result with the expected one, and report in plain words.

``compare`` walks dicts, lists, tuples, numpy arrays and numbers side by side and
returns a list of ``Failure`` records, each naming where it happened, e.g.
``parameters['W1']: shape (4, 10) expected, got (10, 4)``. ``run_checks``
evaluates a list of named ``Check`` s, prints `` All tests passed.`` or raises
``PublicTestFailure`` (an ``AssertionError`` shown as a few plain lines: the
failed checks, then what to look at); the ``Report`` it builds is the structured
result a grader can read (returned on success, ``error.report`` on failure).
"""
from dataclasses import dataclass, field
from numbers import Number

import numpy as np

# What each level of check looks at; every level includes the ones before it.
LEVELS = ("type", "shape", "values")
# Tolerances, one per purpose (every module of the tests takes them from here):
RTOL, ATOL = 1e-6, 1e-8  # public tests against stored numbers: "about 6 decimals"
SAME_RTOL, SAME_ATOL = 1e-7, 1e-12  # hidden tests and verification: the same computation, float noise only
TRACE_RTOL, TRACE_ATOL = 1e-9, 1e-12  # diagnosis: one helper call against the reference's
MAX_SHOWN = 3  # differing entries shown per array

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"


@dataclass(frozen=True)
class Failure:
    """One difference: where (path), what sort (kind) and a short message."""
    path: str
    kind: str  # "type", "keys", "length", "shape" or "values"
    message: str

    def __str__(self):
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


def is_number_like(x):
    """A number in any of the forms a correct learner gives one: a Python or numpy number,
    a 0-d array, or a numeric array holding one value (a cost kept as a (1, 1) array)."""
    if isinstance(x, np.ndarray) and x.size == 1 and x.ndim:
        return np.issubdtype(x.dtype, np.number)
    return _is_number(x)


def is_sequence(x):
    """A list, a tuple or a 1-d numpy array: the forms a sequence of costs may take
    (the docstrings say "the cost recorded every 100 iterations", not which container)."""
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim == 1)


def _fmt(x):
    return format(float(x), ".8g")


def _index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def compare(expected, got, path="result", level="values", rtol=RTOL, atol=ATOL):
    """Return the list of differences between expected and got (empty: they match).

    level "type" checks types and dict keys, "shape" adds lengths and array
    shapes, "values" adds the numbers (np.isclose with rtol, atol).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    failures = []
    _walk(expected, got, path, LEVELS.index(level), rtol, atol, failures)
    return failures


def _walk(expected, got, path, depth, rtol, atol, out):
    if _is_number(expected):
        if not is_number_like(got):
            out.append(Failure(path, "type", f"{path}: number expected, got {_describe(got)}"))
        elif depth >= 2 and not np.isclose(got, expected, rtol=rtol, atol=atol):
            out.append(Failure(path, "values",
                               f"{path}: expected {_fmt(expected)}, got {_fmt(got)}"))
        return
    if isinstance(expected, np.ndarray):
        _walk_array(expected, got, path, depth, rtol, atol, out)
        return
    if isinstance(expected, dict):
        same_kind = isinstance(got, dict)
    elif isinstance(expected, (list, tuple)):
        same_kind = is_sequence(got)
    else:
        same_kind = type(got) is type(expected)
    if not same_kind:
        out.append(Failure(path, "type",
                           f"{path}: {_type_name(expected)} expected, got {_describe(got)}"))
        return
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing:
            out.append(Failure(path, "keys", f"{path}: missing keys {missing}"))
        if extra:
            out.append(Failure(path, "keys", f"{path}: unexpected keys {extra}"))
        for k in expected:
            if k in got:
                _walk(expected[k], got[k], f"{path}[{k!r}]", depth, rtol, atol, out)
    elif isinstance(expected, (list, tuple)):
        if depth >= 1 and len(got) != len(expected):
            out.append(Failure(path, "length",
                               f"{path}: length {len(expected)} expected, got {len(got)}"))
            return
        for i, (e, g) in enumerate(zip(expected, got)):
            _walk(e, g, f"{path}[{i}]", depth, rtol, atol, out)
    elif depth >= 2 and got != expected:
        out.append(Failure(path, "values", f"{path}: expected {expected!r}, got {got!r}"))


def _walk_array(expected, got, path, depth, rtol, atol, out):
    if not isinstance(got, np.ndarray) or got.ndim == 0:
        out.append(Failure(path, "type", f"{path}: numpy array expected, got {_describe(got)}"))
        return
    if depth < 1:
        return
    if got.shape != expected.shape:
        out.append(Failure(path, "shape",
                           f"{path}: shape {expected.shape} expected, got {got.shape}"))
        return
    if depth < 2:
        return
    if not np.issubdtype(got.dtype, np.number):
        out.append(Failure(path, "type",
                           f"{path}: numeric array expected, got dtype {got.dtype}"))
        return
    bad = np.argwhere(~np.isclose(got, expected, rtol=rtol, atol=atol))
    if len(bad) == 0:
        return
    shown = "; ".join(f"{_index(i)} expected {_fmt(expected[tuple(i)])}, got {_fmt(got[tuple(i)])}"
                      for i in bad[:MAX_SHOWN])
    more = "; ..." if len(bad) > MAX_SHOWN else ""
    out.append(Failure(path, "values",
                       f"{path}: {len(bad)} of {expected.size} values differ: {shown}{more}"))


def _describe(x):
    if isinstance(x, np.ndarray) and x.ndim:
        return f"numpy array of shape {x.shape}"
    if isinstance(x, (list, tuple)):
        return f"{type(x).__name__} of length {len(x)}"
    return _type_name(x)


def compare_pair(expected, got, names, path="result", level="values", rtol=RTOL, atol=ATOL):
    """Compare a returned pair such as (parameters, costs), naming each part."""
    first, second = names
    if not isinstance(got, (tuple, list)) or len(got) != 2:  # a list unpacks the same
        return [Failure(path, "type", f"{path}: a tuple ({first}, {second}) expected, "
                                      f"got {_describe(got)}")]
    if isinstance(got[1], dict) and not isinstance(got[0], dict) and isinstance(expected[0], dict):
        return [Failure(path, "type", f"{path}: ({first}, {second}) expected, "
                                      f"got them in the order ({second}, {first})")]
    return (compare(expected[0], got[0], first, level, rtol, atol)
            + compare(expected[1], got[1], second, level, rtol, atol))


@dataclass
class Check:
    """A named check: compare got with expected at the given level (kind)."""
    name: str
    kind: str  # "type", "shape" or "values"
    expected: object
    got: object
    names: tuple = None  # e.g. ("parameters", "costs"): got must be that pair


@dataclass
class CheckResult:
    name: str
    kind: str
    failures: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.failures


@dataclass
class Report:
    """Structured outcome of a public test: counts, and the failures of each check."""
    function: str
    results: list = field(default_factory=list)
    error: str | None = None  # set when the function could not be run (e.g. not implemented)

    @property
    def passed(self):
        return sum(r.passed for r in self.results)

    @property
    def failed(self):
        return len(self.results) - self.passed

    @property
    def failures(self):
        return [f for r in self.results for f in r.failures]

    @property
    def ok(self):
        return self.error is None and self.failed == 0

    def as_dict(self):
        """Plain data for graders: counts, error, and one record per failure."""
        return {"function": self.function, "passed": self.passed, "failed": self.failed,
                "error": self.error,
                "failures": [{"check": r.name, "kind": f.kind, "path": f.path,
                              "message": f.message} for r in self.results for f in r.failures]}

    def __repr__(self):
        return f"<Report {self.function}: {self.passed} passed, {self.failed} failed>"

    def _ipython_display_(self):
        """Show nothing when a notebook cell ends with the test call: it has printed."""


def evaluate(function, checks):
    """Run the checks silently; return their Report."""
    return Report(function, [CheckResult(c.name, c.kind, _check(c)) for c in checks])


def _check(c):
    if c.names:
        return compare_pair(c.expected, c.got, c.names, level=c.kind)
    return compare(c.expected, c.got, level=c.kind)


MAX_LINES = 10  # lines of a failure message, at most
MAX_LINES_SHOWN = 3  # differences listed, at most (all from the first failed check)
# ``nbgrader validate`` (and JupyterLab's Validate dialog) indents each line by 4 and
# cuts what passes 87 characters (its width 90, minus 3 for "..."): 83 remain.
WIDTH = 83
# What to look at first, by the kind of the first difference.
LOOK_AT = {
    "type": "what your function returns: the pair (parameters, costs)",
    "keys": "the keys of parameters: W1, b1, W2, b2, ... one pair per layer",
    "length": "how often you append to costs: once every 100 iterations",
    "shape": "the layer sizes: take them from layers_dims",
    "values": "the equations in your loop",
}
GLOBALS_HINT = "Use the function's arguments rather than global variables."
ALWAYS = GLOBALS_HINT  # the former name; the line is no longer shown always (see closing_hints)
GLOBALS_STEP = "use of globals"  # diagnose.STEPS' name for it


def closing_hints(look_at, step=None):
    """The lines a failure message ends with: what to look at, then the line about global
    variables only when the diagnosis found the function using them.

    Args:
        look_at: the "Look at ..." line.
        step: the step the diagnosis named (a diagnose.STEPS name), or None.

    Returns:
        list of str.
    """
    return [look_at] + ([GLOBALS_HINT] if step == GLOBALS_STEP else [])


class PublicTestFailure(AssertionError):
    """A failed public test, told in a few lines and shown without a traceback.

    Its message is ``reason`` (one line: graders read it as the cell's
    reason), then ``details`` (the failed checks, and the first step that
    differs when it is known), then ``hints`` (what to look at). IPython shows
    exactly these lines (``_render_traceback_``), so the test cell,
    JupyterLab's Validate dialog and ``nbgrader validate`` all show the same
    short text. ``report`` holds the structured result.
    """

    def __init__(self, report, reason, details=(), hints=()):
        self.report, self.reason = report, reason
        self.details, self.hints = list(details), list(hints)
        super().__init__("\n".join(self.lines()))

    def lines(self):
        """The message's lines: reason, details, hints."""
        return [self.reason, *self.details, *self.hints]

    def _render_traceback_(self):
        return [f"{RED}{self.reason}{RESET}", *self.details, *self.hints]


def _short(name):
    """A check's name without its arguments: "call 3 of 4 (learning_rate=...)" -> "call 3 of 4"."""
    return name.split(" (")[0]


def fit_line(line, width=WIDTH):
    """line cut at a space to at most width characters, ending in " ..." when cut.

    Args:
        line: one line of text.
        width: the longest line wanted.

    Returns:
        str.
    """
    if len(line) <= width:
        return line
    cut = line[:width - 3].rstrip()
    if " " in cut.strip():
        cut = cut.rsplit(" ", 1)[0].rstrip(";,")
    return cut + " ..."


def _difference_lines(failure, width=WIDTH):
    """One difference, indented: on one line, keeping whole "; "-separated entries when
    it is too long, else wrapped at spaces onto two lines."""
    text = f"      {failure}"
    if len(text) <= width:
        return [text]
    parts = text.split("; ")
    kept = parts[0]
    if len(kept) + 5 <= width:
        for part in parts[1:]:
            if len(kept) + 2 + len(part) + 5 > width:
                break
            kept += "; " + part
        return [kept + "; ..."]
    import textwrap

    first = parts[0].strip() + ("; ..." if len(parts) > 1 else "")
    lines = textwrap.wrap(first, width, initial_indent="      ", subsequent_indent="        ",
                          break_long_words=False, break_on_hyphens=False)
    return lines[:1] + [fit_line(lines[1], width)] if len(lines) > 2 else lines


def failure_lines(report, max_differences=MAX_LINES_SHOWN):
    """The failed checks of report, in a few lines, for a failure message.

    Args:
        report: a Report with at least one failed check.
        max_differences: the most lines of differences (at least one difference is listed).

    Returns:
        list of str: "Failed checks: call 3 (values), call 4 (values). In call 3:", then
        the first failed check's differences, indented. Every line is at most WIDTH
        characters (``nbgrader validate`` cuts longer ones): long ones are wrapped at
        spaces or keep their first entries and end in "; ...".
    """
    failed = [r for r in report.results if not r.passed]
    total = f" of {len(report.results)}"
    short = [_short(r.name).removesuffix(total) for r in failed]
    names = ", ".join(f"{n} ({r.kind})" for n, r in zip(short, failed))
    head = f"Failed checks: {names}. In {short[0]}:"
    lines = [""]
    for word in head.split(" "):  # wrap at spaces, continuation lines indented
        if lines[-1] and len(lines[-1]) + 1 + len(word) > WIDTH:
            lines.append("  ")
        lines[-1] += (" " if lines[-1].strip() else "") + word
    shown = []
    for f in failed[0].failures:
        more = _difference_lines(f)
        if shown and len(shown) + len(more) > max_differences:
            break
        shown += more
    return lines + shown


def failed_error(report, message=None, step=(), look_at=None, named=None):
    """The PublicTestFailure of a failed public test (an AssertionError), report attached.

    Args:
        report: the Report of the test.
        message: the one-line reason when the function could not be checked at
            all (e.g. not implemented); None to describe the failed checks.
        step: lines naming the first step that differs (``explain.step_lines``), if known.
        look_at: the hint line for that step, if known (else one by the first difference).
        named: the name of that step (diagnose.STEPS), if known: the line about global
            variables ends the message only when it is "use of globals".

    Returns:
        PublicTestFailure: reason line, failed checks, the step, then what to look at,
        at most MAX_LINES lines.
    """
    if message is not None:
        return PublicTestFailure(report, message)
    first_check = next(r for r in report.results if not r.passed)
    first = first_check.failures[0]
    total = len(report.results)
    reason = (f"{report.function} gives a wrong result in {report.failed} of {total} checks "
              f"(first: {first.path}).")
    hints = closing_hints(look_at or f"Look at {LOOK_AT.get(first.kind, LOOK_AT['values'])}.", named)
    step = list(step)
    head = failure_lines(report, 0)
    room = MAX_LINES - 1 - len(hints) - len(step) - len(head)
    details = failure_lines(report, min(MAX_LINES_SHOWN, room)) + step
    return PublicTestFailure(report, reason, details, hints)


def announce(report):
    """Print the success line and return report; raise PublicTestFailure unless all passed."""
    if report.failed == 0:
        print(f"{GREEN} All tests passed.{RESET}")
        return report
    raise failed_error(report)


def run_checks(function, checks):
    """Evaluate the checks; print the success line, or raise PublicTestFailure."""
    return announce(evaluate(function, checks))
