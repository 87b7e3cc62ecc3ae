"""Public tests of the two graded exercises, run from the notebook's test cells.

Each test calls the student's function four times on small fixed inputs and
compares the returned ``(parameters, costs)`` with results stored in
``expected.json`` (no training happens here, so the tests give nothing away).
On success it prints `` All tests passed.`` and returns a ``checks.Report``;
on failure it raises ``messages.PublicTestFailure`` (an ``AssertionError``)
whose message lists the failed checks, the first step that differs (found
by replaying one call against the reference's helper calls stored as
numbers, ``explain.py``) and what to look at, and whose ``report`` attribute
holds the same structured result, for graders.
"""
from .cell import run_test_cell  # noqa: F401
from .checks import Check, CheckResult, Failure, Report, evaluate  # noqa: F401
from .messages import PublicTestFailure, announce, closing_hints, failed_error  # noqa: F401
from .run import (L_LAYER, PLANS, PUBLIC_DIMS, TWO_LAYER, Inputs, Target, call,  # noqa: F401
                  make_inputs, public_test, run_public_test)


def two_layer_model_test(target: Target) -> Report:
    """Public test of two_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost)."""
    return run_public_test(target, TWO_LAYER)


def L_layer_model_test(target: Target) -> Report:
    """Public test of L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost)."""
    return run_public_test(target, L_LAYER)
