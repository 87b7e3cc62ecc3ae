"""Comparing traced helper calls: values equal up to float noise, and where a call sits in its iteration.

Shared by ``diagnose`` (which walks two runs side by side) and ``wiring``
(which names a value given to the wrong call).
"""
from collections.abc import Sequence
from typing import Any

import numpy as np

from .checks import TRACE_ATOL, TRACE_RTOL
from .trace import Call

FORWARD = ("linear_activation_forward", "L_model_forward")
BACKWARD = ("linear_activation_backward", "L_model_backward")
INITIALIZE = ("initialize_parameters", "initialize_parameters_deep")


def same(a: Any, b: Any) -> bool:
    """Equal up to float noise, for arrays, dicts, lists, tuples and scalars.

    Args:
        a, b: the two values.

    Returns:
        bool.
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return bool(a is b or a == b)
    return a.shape == b.shape and np.allclose(a, b, rtol=TRACE_RTOL, atol=TRACE_ATOL)


def layer_of(calls: Sequence[Call], k: int, name: str) -> int:
    """1-based position of calls[k] among calls of the same helper in its iteration.

    Args:
        calls: a traced run's calls (trace.Call).
        k: the index of the call.
        name: the helper's name.

    Returns:
        int.
    """
    start = k
    while start > 0 and calls[start - 1].name != "update_parameters":
        start -= 1
    return len([i for i in range(start, k + 1) if calls[i].name == name])
