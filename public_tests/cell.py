"""The first test cell of each exercise as one call: the course's short run, its line, then the public test.

``run_test_cell(name, namespace)`` does what the cell's own lines used to do
(train the learner's function for 1 or 2 iterations on the course data and
print ``Cost after first iteration: ...``) and then runs the public test, so
whatever the function raises or returns is explained by the public test in
its short form (at most 10 lines, naming the first wrong step), never shown as
a traceback through the learner's code. It takes the notebook's names from
``namespace`` (the cell passes ``globals()``), so a cell run before the ones
it needs says in one line which to run.
"""
from collections.abc import Mapping
from typing import Any

from .checks import Report
from .explain import LOOK_AT_STEP, wrap, your_line
from .findings import emit
from .messages import PublicTestFailure, announce, closing_hints
from .run import L_LAYER, TWO_LAYER, public_test

# The course's short run of each function in its first test cell: layers_dims as the
# notebook gives it (n_x, n_h, n_y for the 2-layer network, the list of section 5 for
# the L-layer one) and the number of iterations.
COURSE_RUN: dict[str, tuple[tuple[int, ...] | list[int], int]] = {TWO_LAYER: ((12288, 7, 1), 2), L_LAYER: ([12288, 20, 7, 5, 1], 1)}

# What to run when a name is missing: the place in the notebook that defines it.
DATA_NAMES = ("train_x", "train_y")
EXERCISE = {TWO_LAYER: "Exercise 1", L_LAYER: "Exercise 2"}
RUN_ABOVE = "Run > Run All Above Selected Cell"  # JupyterLab's menu item


class NotRunYet(PublicTestFailure):
    """The test cell was run before the cells that define what it needs: one line, no traceback."""


def missing_names(name: str, namespace: Mapping[str, Any]) -> list[str]:
    """The names the test cell of ``name`` needs that ``namespace`` lacks, in notebook order.

    Args:
        name: "two_layer_model" or "L_layer_model".
        namespace: the notebook's globals.

    Returns:
        list of str, e.g. ["train_x", "train_y"] or ["two_layer_model"].
    """
    wanted = (*DATA_NAMES, name)
    return [n for n in wanted if n not in namespace]


def run_first_line(name: str, missing: list[str]) -> str:
    """The one line saying which cells to run before the test cell of ``name``.

    Args:
        name: "two_layer_model" or "L_layer_model".
        missing: what ``missing_names`` found (not empty).

    Returns:
        str, at most messages.WIDTH characters: the function's own cell when only it is
        missing, else all the cells above (the data first).
    """
    if missing == [name]:
        return f"{name} is not defined: run its cell ({EXERCISE[name]}), then this one."
    return f"{missing[0]} is not defined: run the cells above ({RUN_ABOVE})."


def _course_failure(name: str, iterations: int, problem: tuple[str, str], line: str | None = None,
                    raised: str | None = None) -> PublicTestFailure:
    """The failure for a course-data run that went wrong while the public test passed."""
    runs = f"{iterations} iteration{'s' if iterations != 1 else ''}"
    reason = f"{name} {problem[0]} on the course data ({runs})."
    details = wrap(f"  {problem[1]}", indent="  ", max_lines=3) + ([line] if line else [])
    report = Report(name, error=reason)
    hint = (f"Look at {LOOK_AT_STEP['an error']}." if line
            else f"Look at {LOOK_AT_STEP['the return value']}.")
    return PublicTestFailure(report, reason, details, closing_hints(hint), raised=raised)


def run_test_cell(name: str, namespace: Mapping[str, Any]) -> Report:
    """Run the first test cell of ``name``: the course's short run, its cost line, the public test.

    Args:
        name: "two_layer_model" or "L_layer_model".
        namespace: the notebook's globals (the cell passes ``globals()``): the learner's
            function and the course data ``train_x``, ``train_y`` are read from it.

    Returns:
        checks.Report of the public test, after printing what the course prints.

    Raises:
        NotRunYet: a name the cell needs is not defined (cells run out of order).
        PublicTestFailure: the public test failed, or the course-data run raised or
            returned something other than (parameters, costs) with a recorded cost.
            The failure is also emitted as data (``findings.emit``) for the grader.
    """
    try:
        return _run_test_cell(name, namespace)
    except PublicTestFailure as failure:
        emit(failure.record())
        raise


def _run_test_cell(name: str, namespace: Mapping[str, Any]) -> Report:
    """``run_test_cell`` but for emitting its failure as data."""
    if name not in COURSE_RUN:
        raise ValueError(f"name must be one of {sorted(COURSE_RUN)}, got {name!r}")
    missing = missing_names(name, namespace)
    if missing:
        first_line = run_first_line(name, missing)
        raise NotRunYet(Report(name, error=first_line), first_line)
    target = namespace[name]
    dims, iterations = COURSE_RUN[name]
    problem: tuple[str, str] | None = None
    line: str | None = None
    raised: str | None = None
    try:
        result = target(namespace["train_x"], namespace["train_y"], type(dims)(dims),
                        num_iterations=iterations, print_cost=False)
    except Exception as exc:  # noqa: BLE001 -- told below, unless the public test tells more
        error = (str(exc).strip().splitlines() or [""])[0]
        problem = ("raised " + type(exc).__name__, error or type(exc).__name__)
        line, raised = your_line(exc, target), type(exc).__name__
    else:
        try:
            _, costs = result
            first = costs[0]
        except Exception:  # noqa: BLE001 -- not a (parameters, costs) pair with a cost
            problem = ("returned a wrong result", _described(result))
        else:
            print("Cost after first iteration: " + str(first))
    report = public_test(target, name)  # raises with its explanation when it fails
    if problem:
        raise _course_failure(name, iterations, problem, line, raised)
    return announce(report)


def _described(value: object) -> str:
    """What a function returned instead of (parameters, costs) with a cost, in one sentence."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        if isinstance(value[1], (list, tuple)) and not value[1]:
            return "Its costs are empty: record the cost when i % 100 == 0, from i = 0."
        return f"Its second item, a {type(value[1]).__name__}, is not the list of costs."
    if isinstance(value, (tuple, list, dict)):
        return f"It returned a {type(value).__name__} of {len(value)} entries."
    return f"It returned {'None' if value is None else 'a ' + type(value).__name__}."
