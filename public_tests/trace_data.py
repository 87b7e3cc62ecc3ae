"""Store a reference's helper-call trace as plain JSON data (numbers and names, no code).

``dumps`` writes traces (``{function: StoredTrace}``) as JSON: every array
once in a table (the same array recurs across calls), referenced as
``{"a": i}``; tuples as ``{"t": [...]}``; numpy scalars as ``{"s": [dtype,
value]}``; dicts as JSON objects (as ``{"d": [[key, value], ...]}`` when
their keys could be read as one of these markers). Floats keep their full
``repr``, so ``loads(dumps(x))`` gives back the same bits. ``load(name)``
reads the shipped file ``reference_trace.json`` that
``python -m dnn_course.admin.make_expected`` writes.
"""
import json
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from .trace import Call

FORMAT = 1
PATH = Path(__file__).with_name("reference_trace.json")
MARKERS = ("a", "t", "s", "d")


@dataclass
class StoredTrace:
    """A reference run kept as data: its helper calls and its output (``diagnose`` takes it)."""
    calls: list[Call]
    output: object
    learning_rate: float | None = None
    num_iterations: int | None = None
    call: int | None = None  # which call of the public test it is (1-based)
    meta: dict[str, Any] = field(default_factory=dict)


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[dict[str, Any]] = []
        self.index: dict[tuple[str, tuple[int, ...], bytes], int] = {}

    def array(self, x: np.ndarray) -> dict[str, int]:
        if x.dtype.kind not in "biuf":
            raise TypeError(f"cannot store an array of dtype {x.dtype}")
        key = (x.dtype.str, x.shape, x.tobytes())
        if key not in self.index:
            self.index[key] = len(self.arrays)
            self.arrays.append({"dtype": x.dtype.name, "shape": list(x.shape),
                                "data": x.ravel().tolist()})
        return {"a": self.index[key]}

    def encode(self, x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return self.array(x)
        if isinstance(x, np.generic):
            return {"s": [x.dtype.name, x.item()]}
        if isinstance(x, tuple):
            return {"t": [self.encode(v) for v in x]}
        if isinstance(x, list):
            return [self.encode(v) for v in x]
        if isinstance(x, dict):
            items = {k: self.encode(v) for k, v in x.items()}
            if all(isinstance(k, str) for k in x) and not (len(x) == 1 and next(iter(x)) in MARKERS):
                return items
            return {"d": [[self.encode(k), v] for k, v in items.items()]}
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        raise TypeError(f"cannot store a {type(x).__name__} in a trace")


def _decode(x: Any, arrays: list[dict[str, Any]]) -> Any:
    if isinstance(x, list):
        return [_decode(v, arrays) for v in x]
    if not isinstance(x, dict):
        return x
    if len(x) == 1:
        (key, value), = x.items()
        if key == "a":
            entry = arrays[value]
            return np.array(entry["data"], dtype=entry["dtype"]).reshape(entry["shape"])
        if key == "t":
            return tuple(_decode(v, arrays) for v in value)
        if key == "s":
            return np.dtype(value[0]).type(value[1])
        if key == "d":
            return {_decode(k, arrays): _decode(v, arrays) for k, v in value}
    return {k: _decode(v, arrays) for k, v in x.items()}


def dumps(traces: dict[str, StoredTrace]) -> str:
    """JSON text for traces, one array a line.

    Args:
        traces: {function name: StoredTrace}.

    Returns:
        str: the file's text (ends with a newline).
    """
    enc = _Encoder()
    data = {name: {"call": t.call, "learning_rate": t.learning_rate,
                   "num_iterations": t.num_iterations, **({"meta": t.meta} if t.meta else {}),
                   "calls": [{"name": c.name, "args": enc.encode(c.args),
                              "result": enc.encode(c.result)} for c in t.calls],
                   "output": enc.encode(t.output)}
            for name, t in traces.items()}
    def dump(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"))
    return ('{"format":' + str(FORMAT) + ',\n"traces":' + dump(data) + ',\n"arrays":[\n'
            + ",\n".join(dump(a) for a in enc.arrays) + "\n]}\n")


def loads(text: str) -> dict[str, StoredTrace]:
    """Read the traces dumps wrote.

    Args:
        text: JSON text from ``dumps``.

    Returns:
        dict: {function name: StoredTrace}, arrays as numpy arrays.
    """
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"trace data of format {data.get('format')!r}, expected {FORMAT}")
    arrays = data["arrays"]
    return {name: StoredTrace(
        calls=[Call(c["name"], _decode(c["args"], arrays), _decode(c["result"], arrays))
               for c in t["calls"]],
        output=_decode(t["output"], arrays), learning_rate=t["learning_rate"],
        num_iterations=t["num_iterations"], call=t["call"], meta=t.get("meta", {}))
        for name, t in data["traces"].items()}


def load(name: str, path: str | PathLike[str] = PATH) -> StoredTrace:
    """The stored reference trace of the public test of ``name``.

    Args:
        name: "two_layer_model" or "L_layer_model".
        path: the JSON file (default: the shipped reference_trace.json).

    Returns:
        StoredTrace.
    """
    return loads(Path(path).read_text(encoding="utf-8"))[name]
