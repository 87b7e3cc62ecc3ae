"""Name, in a failed public test's message, the first step where the learner's loop departs.

The public test replays one of its calls (``DIAGNOSTIC_CALL``) with the
learner's function while recording its helper calls, and walks them against
the reference's calls stored as numbers in ``reference_trace.json``
(``trace_data``), with the same code as the hidden tests (``diagnose``), so
the same step is named in the same words. Any error of the diagnosis itself
is swallowed: it must never hide the failure it explains.
"""
import contextlib
import io
import linecache
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .findings import Finding
from .messages import WIDTH, fit_line as fit

if TYPE_CHECKING:
    from .trace_data import StoredTrace

MAX_STEP_LINES = 4    # lines of the named step in a failure message
INDENT = "  "
# The call of each public test whose reference trace is stored: the one whose
# learning rate is not the default, so a fixed learning rate shows.
DIAGNOSTIC_CALL = {"two_layer_model": 4, "L_layer_model": 4}

# What to look at, by the step named (diagnose.STEPS).
LOOK_AT_STEP = {
    "use of globals": "the names in your code: use X, Y and layers_dims, never train_x or train_y",
    "initialization": "the initialization: call it once, before the loop, with layers_dims",
    "forward activations": "the forward pass: each layer's input, weights, bias and activation",
    "cost": "the cost: compute it from the last layer's output and Y",
    "start of the backward pass": "where the backward pass starts: dA of the output layer",
    "backward activations": "the backward pass: each layer's activation and the dA it gets",
    "the caches": "the caches: each backward step takes the cache of its own forward step",
    "the gradients": "the gradients: store each layer's dW and db under that layer's own keys",
    "the update": "the update: call update_parameters each iteration and use what it returns",
    "the learning rate": "the learning rate you give update_parameters",
    "cost recording": "when you append the cost to costs: every 100 iterations, from i = 0",
    "the iteration count": "the loop: it runs num_iterations times, from i = 0",
    "the return value": "what your function returns: the pair (parameters, costs)",
    "an error": "the line named above and the shapes of the arrays it uses",
}


def wrap(text: str, width: int = WIDTH, indent: str = INDENT, max_lines: int | None = None) -> list[str]:
    """Lines of text, each at most width long, broken at spaces only (never mid-word).

    Args:
        text: one paragraph.
        width: the longest line wanted.
        indent: put before every line but the first.
        max_lines: keep at most this many lines, the last ending in " ..." (None: all).

    Returns:
        list of str.
    """
    lines = textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False) or [""]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) + 4 > width and " " in last.strip():
            last = last.rstrip().rsplit(" ", 1)[0]
        lines[-1] = last + " ..."
    return lines


def first_step(target: Callable[..., Any], name: str,
               inputs: tuple[Any, Any, Any]) -> "tuple[Finding | None, StoredTrace | None]":
    """Replay the diagnostic call with target and name the first step that differs.

    Args:
        target: the learner's function.
        name: "two_layer_model" or "L_layer_model".
        inputs: the public test's (X, Y, layers_dims).

    Returns:
        tuple: (findings.Finding or None, the trace_data.StoredTrace or None). Both
        None when the diagnosis could not run (it never raises).
    """
    try:
        # imported here: only a failed test needs the diagnosis, and importing public_tests
        # stays light (the test cells, and the sandbox launcher through course.facts)
        from . import trace_data
        from .diagnose import diagnose

        stored = trace_data.load(name)
        if stored.learning_rate is None or stored.num_iterations is None:
            return None, None  # kept without its call's arguments: it cannot be replayed
        with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
            finding = diagnose(target, stored, inputs, stored.learning_rate, stored.num_iterations)
        return finding, stored
    except Exception:  # the diagnosis must never hide the failure it explains
        return None, None


def step_lines(finding: Finding, stored: "StoredTrace", max_lines: int = MAX_STEP_LINES) -> list[str]:
    """The named step as a failure message shows it, wrapped.

    Args:
        finding: a findings.Finding.
        stored: the trace_data.StoredTrace it was found with (its call and arguments).
        max_lines: the most lines to use.

    Returns:
        list of str, e.g. ["First step that differs (call 4, learning_rate=0.1,
        num_iterations=3): start of the backward pass: in iteration 0, ...", ...].
    """
    return wrap(f"First step that differs ({where(stored)}): {finding}", max_lines=max_lines)


def where(stored: "StoredTrace") -> str:
    """The call a stored trace is of, as a failure message names it.

    Args:
        stored: a trace_data.StoredTrace.

    Returns:
        str, e.g. "call 4, learning_rate=0.1, num_iterations=3".
    """
    return f"call {stored.call}, learning_rate={stored.learning_rate}, num_iterations={stored.num_iterations}"


def look_at(step: str) -> str:
    """The hint line for a named step (a diagnose.STEPS name), e.g. "Look at the learning rate you give ..."."""
    return f"Look at {LOOK_AT_STEP.get(step, LOOK_AT_STEP['an error'])}."


def your_line(exc: BaseException, target: Callable[..., Any]) -> str | None:
    """Where in the learner's own code exc was raised: "In your code, line 12: ...", or None.

    Args:
        exc: the exception the learner's function raised.
        target: the learner's function (its code's file is the notebook cell's).

    Returns:
        str or None.
    """
    filename = getattr(getattr(target, "__code__", None), "co_filename", None)
    tb, found = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            found = tb
        tb = tb.tb_next
    if found is None or filename is None:
        return None
    text = linecache.getline(filename, found.tb_lineno).strip()
    return fit(f"In your code, line {found.tb_lineno}" + (f": {text}" if text else "."))
