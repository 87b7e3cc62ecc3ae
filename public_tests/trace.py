"""Record the calls a function makes to the helper library.

``recording(target)`` swaps each traced helper, in the target's globals and in
``dnn_app_utils``, for a wrapper that logs the call (arguments bound to their
names, arrays copied) and then calls the original. Everything is put back on
exit, even after an error. Only calls made directly by the target are seen:
the helpers' own internal calls are not.
"""
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

import dnn_app_utils

TRACED = ("initialize_parameters", "initialize_parameters_deep",
          "linear_activation_forward", "L_model_forward", "compute_cost",
          "linear_activation_backward", "L_model_backward", "update_parameters")


@dataclass
class Call:
    """One call: the helper's name, its bound arguments and its result."""
    name: str
    args: dict[str, Any]
    result: Any = None
    raw: tuple[Any, ...] = ()  # the original argument objects, to spot globals by identity


def snapshot(x: Any) -> Any:
    """A deep copy of arrays inside dicts, lists and tuples; other objects as is."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, dict):
        return {k: snapshot(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(snapshot(v) for v in x)
    return x


def _bind(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        bound = inspect.signature(getattr(dnn_app_utils, name)).bind(*args, **kwargs)
    except TypeError:
        return {f"arg{i}": v for i, v in enumerate(args)} | dict(kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _wrap(name: str, original: Callable[..., Any], calls: list[Call]) -> Callable[..., Any]:
    def recorder(*args: Any, **kwargs: Any) -> Any:
        call = Call(name, snapshot(_bind(name, args, kwargs)), raw=args + tuple(kwargs.values()))
        calls.append(call)
        result = original(*args, **kwargs)
        call.result = snapshot(result)
        return result

    recorder.__wrapped__ = original  # type: ignore[attr-defined]  # what recording looks for
    return recorder


@contextmanager
def recording(target: Callable[..., Any]) -> Iterator[list[Call]]:
    """Within the block, calls from ``target`` to the helpers are logged in the yielded list."""
    calls: list[Call] = []
    swapped: list[tuple[dict[str, Any], str, Any]] = []
    for ns in (getattr(target, "__globals__", {}), vars(dnn_app_utils)):
        for name in TRACED:
            if callable(ns.get(name)) and not hasattr(ns[name], "__wrapped__"):
                swapped.append((ns, name, ns[name]))
                ns[name] = _wrap(name, ns[name], calls)
    try:
        yield calls
    finally:
        for ns, name, original in reversed(swapped):
            ns[name] = original
