"""The public test's run: its plan of calls, their fixed inputs, the checks and the failure it raises.

``public_tests/__init__.py`` re-exports it with the notebook's two tests and
``cell.run_test_cell``; the test cells, the hidden cases (``hidden_cases.py``)
and ``make_expected`` read its plan and inputs from here.
"""
from collections.abc import Callable
from typing import Any

import numpy as np

from .checks import Check, CheckResult, Failure, Report, evaluate
from .explain import LOOK_AT_STEP, first_step, look_at, step_lines, where, wrap, your_line
from .findings import Finding
from .messages import PublicTestFailure, announce, closing_hints, failed_error

TWO_LAYER = "two_layer_model"
L_LAYER = "L_layer_model"

# One (check level, learning_rate, num_iterations) per call, in call order.
PLANS = {
    TWO_LAYER: (("type", 0.0075, 2), ("shape", 0.0075, 2), ("values", 0.0075, 2),
                ("values", 0.1, 3)),
    L_LAYER: (("values", 0.0075, 2), ("type", 0.0075, 2), ("shape", 0.0075, 2),
              ("values", 0.02, 3)),
}


# The layers_dims each public test gives, as the type it gives it.
PUBLIC_DIMS: dict[str, tuple[int, ...] | list[int]] = {TWO_LAYER: (10, 4, 1), L_LAYER: [10, 5, 6, 1]}

# What a graded function takes and the public test gives it: (X, Y, layers_dims).
Inputs = tuple[np.ndarray, np.ndarray, tuple[int, ...] | list[int]]
# The learner's function (two_layer_model or L_layer_model): anything callable.
Target = Callable[..., Any]


def make_inputs(name: str) -> Inputs:
    """The fixed (X, Y, layers_dims) the public test of `name` feeds the function."""
    dims = type(PUBLIC_DIMS[name])(PUBLIC_DIMS[name])  # a copy: a caller may change its own
    np.random.seed(1)
    X = np.random.randn(10, 10)
    if name == TWO_LAYER:
        return X, np.random.randn(1, 10), dims
    return X, np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]]), dims


def call(target: Target, inputs: Inputs, learning_rate: float, num_iterations: int) -> Any:
    """Call target on fresh copies of the inputs, so no call can spoil the next."""
    X, Y, layers_dims = inputs
    return target(X.copy(), Y.copy(), type(layers_dims)(layers_dims),
                  learning_rate=learning_rate, num_iterations=num_iterations,
                  print_cost=False)


def _label(n: int, total: int, learning_rate: float, num_iterations: int) -> str:
    return (f"call {n} of {total} (learning_rate={learning_rate}, "
            f"num_iterations={num_iterations})")


def _expected_pair(entry: dict[str, Any]) -> tuple[dict[str, np.ndarray], list[float]]:
    parameters = {k: np.array(v, dtype=float) for k, v in entry["parameters"].items()}
    return parameters, list(entry["costs"])


def _not_implemented(name: str, labels: list[tuple[str, str]]) -> PublicTestFailure:
    message = f"{name} is not implemented yet: fill in its regions, then run its cell."
    failure = Failure("result", "error", message)
    report = Report(name, [CheckResult(label, kind, [failure]) for label, kind in labels],
                    error=message)
    return failed_error(report, message, raised="NotImplementedError")


def _explained(target: Target, name: str,
               inputs: Inputs) -> tuple[list[str], str | None, Finding | None, str | None]:
    """(step lines, hint line, Finding, where it was seen) naming the first step that differs,
    or ([], None, None, None)."""
    try:
        finding, stored = first_step(target, name, inputs)
        if finding is None or stored is None:
            return [], None, None, None
        return step_lines(finding, stored), look_at(finding.step), finding, f"seen in {where(stored)}"
    except Exception:  # the diagnosis must never hide the failure it explains
        return [], None, None, None


def _raised(target: Target, name: str, inputs: Inputs, labels: list[tuple[str, str]], n: int,
            checks: list[Check], exc: Exception) -> PublicTestFailure:
    """The PublicTestFailure for target raising exc in call n (1-based): which call, the
    error, the learner's line, and the first step that differs when the trace tells it."""
    label, total = labels[n - 1][0], len(labels)
    error = (str(exc).strip().splitlines() or [""])[0]
    reason = f"{name} raised {type(exc).__name__} in call {n} of {total}."
    details = wrap(f"  {label.split(' (', 1)[1][:-1]}: {error or type(exc).__name__}",
                   indent="  ", max_lines=2)
    line = your_line(exc, target)
    details += [line] if line else []
    step, hint, finding, seen_on = _explained(target, name, inputs)
    if finding is not None and finding.step == "an error":  # the error, said again
        step, hint, finding = [], None, None
    details += step[:10 - 3 - len(details)]
    message = f"{reason} {error}".strip()
    report = evaluate(name, checks)
    report.results += [CheckResult(lab, kind, [Failure("result", "error", message)])
                       for lab, kind in labels[n - 1:]]
    report.error = message
    hints = closing_hints(hint or f"Look at {LOOK_AT_STEP['an error']}.", finding.step if finding else None)
    return PublicTestFailure(report, reason, details, hints, finding, seen_on, type(exc).__name__)


def run_public_test(target: Target, name: str) -> Report:
    """Call target as PLANS[name] says, check every result, report, raise on failure.

    Args:
        target: the learner's function.
        name: "two_layer_model" or "L_layer_model".

    Returns:
        checks.Report, after printing the success line.

    Raises:
        PublicTestFailure: the checks failed, or target raised; its message (at most 10
        lines) names the first step that differs when the stored reference trace tells it.
    """
    return announce(public_test(target, name))


def public_test(target: Target, name: str) -> Report:
    """``run_public_test`` without the success line: the Report of a passed test.

    Args:
        target: the learner's function.
        name: "two_layer_model" or "L_layer_model".

    Returns:
        checks.Report, every check passed.

    Raises:
        PublicTestFailure: as ``run_public_test``.
    """
    # imported here, not atop: make_expected rewrites expected.py and must run while it is broken
    from .expected import EXPECTED

    plan = PLANS[name]
    labels = [(_label(n, len(plan), lr, it), kind) for n, (kind, lr, it) in enumerate(plan, 1)]
    inputs = make_inputs(name)
    checks: list[Check] = []
    for n, ((label, kind), (_, lr, iters), entry) in enumerate(zip(labels, plan, EXPECTED[name]), 1):
        try:
            got = call(target, inputs, lr, iters)
        except NotImplementedError:
            raise _not_implemented(name, labels) from None
        except Exception as exc:
            raise _raised(target, name, inputs, labels, n, checks, exc) from exc
        checks.append(Check(label, kind, _expected_pair(entry), got, ("parameters", "costs")))
    report = evaluate(name, checks)
    if report.failed:
        step, hint, finding, seen_on = _explained(target, name, inputs)
        raise failed_error(report, step=step, look_at=hint, named=finding.step if finding else None,
                           finding=finding, seen_on=seen_on)
    return report


