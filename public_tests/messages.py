"""A failed public test told in a few plain lines: the failed checks, the step, what to look at."""
import textwrap
from collections.abc import Iterable

from .checks import Failure, Report
from .findings import Finding, record

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"

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
GLOBALS_STEP = "use of globals"  # diagnose.STEPS' name for it


def closing_hints(look_at: str, step: str | None = None) -> list[str]:
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
    short text. ``report`` holds the structured result; ``finding`` the first
    step that differs (a findings.Finding) when named, ``seen_on`` where it was
    seen, ``raised`` the class name of what the function raised, if it did.
    """

    def __init__(self, report: Report, reason: str, details: Iterable[str] = (), hints: Iterable[str] = (),
                 finding: Finding | None = None, seen_on: str | None = None, raised: str | None = None) -> None:
        self.report, self.reason = report, reason
        self.details, self.hints = list(details), list(hints)
        self.finding, self.seen_on, self.raised = finding, seen_on, raised
        super().__init__("\n".join(self.lines()))

    def record(self) -> dict[str, str | None]:
        """The failure as data (findings.record), for the grader."""
        return record(self.reason, self.finding, self.seen_on, self.raised)

    def lines(self) -> list[str]:
        """The message's lines: reason, details, hints."""
        return [self.reason, *self.details, *self.hints]

    def _render_traceback_(self) -> list[str]:
        return [f"{RED}{self.reason}{RESET}", *self.details, *self.hints]


def _short(name: str) -> str:
    """A check's name without its arguments: "call 3 of 4 (learning_rate=...)" -> "call 3 of 4"."""
    return name.split(" (")[0]


def fit_line(line: str, width: int = WIDTH) -> str:
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


def _difference_lines(failure: Failure, width: int = WIDTH) -> list[str]:
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
    first = parts[0].strip() + ("; ..." if len(parts) > 1 else "")
    lines = textwrap.wrap(first, width, initial_indent="      ", subsequent_indent="        ",
                          break_long_words=False, break_on_hyphens=False)
    return lines[:1] + [fit_line(lines[1], width)] if len(lines) > 2 else lines


def failure_lines(report: Report, max_differences: int = MAX_LINES_SHOWN) -> list[str]:
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
    shown: list[str] = []
    for f in failed[0].failures:
        more = _difference_lines(f)
        if shown and len(shown) + len(more) > max_differences:
            break
        shown += more
    return lines + shown


def failed_error(report: Report, message: str | None = None, step: Iterable[str] = (), look_at: str | None = None,
                 named: str | None = None, finding: Finding | None = None, seen_on: str | None = None,
                 raised: str | None = None) -> PublicTestFailure:
    """The PublicTestFailure of a failed public test (an AssertionError), report attached.

    Args:
        report: the Report of the test.
        message: the one-line reason when the function could not be checked at
            all (e.g. not implemented); None to describe the failed checks.
        step: lines naming the first step that differs (``explain.step_lines``), if known.
        look_at: the hint line for that step, if known (else one by the first difference).
        named: the name of that step (findings.STEPS), if known: the line about global
            variables ends the message only when it is "use of globals".
        finding, seen_on: that step as data (findings.Finding) and where it was seen, if known.
        raised: the class name of what the function raised, if it did.

    Returns:
        PublicTestFailure: reason line, failed checks, the step, then what to look at,
        at most MAX_LINES lines.
    """
    if message is not None:
        return PublicTestFailure(report, message, raised=raised)
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
    return PublicTestFailure(report, reason, details, hints, finding, seen_on)


def announce(report: Report) -> Report:
    """Print the success line and return report; raise PublicTestFailure unless all passed."""
    if report.failed == 0:
        print(f"{GREEN} All tests passed.{RESET}")
        return report
    raise failed_error(report)
