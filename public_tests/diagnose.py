"""Name the first step where a learner's model departs from a reference.

``diagnose(target, reference, ...)`` runs both functions on the same small
input while recording their calls to the helper library (``trace.py``), walks
the two call lists side by side and returns a ``findings.Finding``: the step
that differs (one of ``STEPS``), the kind of difference (set where it is
found, so no one reads it back from the explanation), the call and argument,
and the explanation a learner reads. Nothing of the reference
is printed but the values it was called with. The reference is supplied by
the caller (a hidden test), so this module holds no solution.
"""
from collections.abc import Callable
from typing import Any

import numpy as np

from .calls import FORWARD, layer_of as _layer_of, same as _same
from .checks import NOT_A_PAIR, PAIR_SWAPPED, compare_pair
from .findings import STEPS, Finding  # noqa: F401 -- STEPS: the steps a Finding names
from .trace import Call, recording, snapshot
from .trace_data import StoredTrace
from .wiring import ORDER, called_late, wiring_finding

GLOBAL_NAMES = ("train_x", "train_y", "test_x", "test_y", "train_x_orig", "test_x_orig")


def _first_values(x, n=3):
    flat = np.asarray(x, dtype=float).ravel()[:n]
    return "[" + ", ".join(format(v, ".6g") for v in flat) + (", ...]" if np.size(x) > n else "]")


def _run(fn, inputs, learning_rate, num_iterations):
    X, Y, dims = inputs
    with recording(fn) as calls:
        try:
            out = fn(X.copy(), Y.copy(), type(dims)(dims), learning_rate=learning_rate,
                     num_iterations=num_iterations, print_cost=False)
            return calls, out, None
        except Exception as exc:  # the learner's error is a finding, not a crash
            return calls, None, exc


def _iteration_of(calls, k):
    """Iterations end with the update; count the updates before call k."""
    return sum(c.name == "update_parameters" for c in calls[:k])


def _ordinal(n):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _global_names(code):
    """Global names a code object (and the functions defined in it) reads."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _global_names(const)
    return names


def _globals_used(target, calls):
    """The name of a notebook global the target reads or passes to a helper, if any."""
    code = getattr(target, "__code__", None)
    if code is not None:
        for name in GLOBAL_NAMES:
            if name in _global_names(code):
                return name, None
    g = getattr(target, "__globals__", {})
    known = {id(g[n]): n for n in GLOBAL_NAMES if isinstance(g.get(n), np.ndarray)}
    for call in calls:
        for obj in call.raw:
            if id(obj) in known:
                return known[id(obj)], call
    return None, None


def _versus(got, want):
    """'got vs want' in a few values, or their shapes when those differ."""
    if got is None:
        return f"missing vs {_first_values(want)}"
    g, w = np.shape(got), np.shape(want)
    if g != w:
        return f"shape {g} vs {w}"
    return f"{_first_values(got)} vs {_first_values(want)}"


def _number(x):
    """A number in at most 6 significant digits (0.01, not 0.010000000000000002); other things as repr."""
    try:
        return format(float(x), ".6g")
    except (TypeError, ValueError):
        return repr(x)


def _examples(calls):
    """The number of examples (columns of X) the traced function trained on, if seen."""
    for c in calls:
        x = c.args.get("A_prev", c.args.get("X")) if "forward" in c.name else None
        if x is not None and np.ndim(x) == 2:
            return np.shape(x)[1]
    return None


def _learning_rate_relation(got, learning_rate, calls):
    """How the rate given to update_parameters derives from the function's own: (kind, advice) or None."""
    try:
        g, lr = float(got), float(learning_rate)
    except (TypeError, ValueError):
        return None
    if lr == 0 or g == 0:
        return None
    if np.isclose(g, -lr):
        return "learning rate negated", "update_parameters already subtracts, so pass learning_rate as it is."
    if np.isclose(g, lr * lr):
        return "learning rate squared", "It is learning_rate squared: pass learning_rate as it is."
    ratio = lr / g
    if ratio > 1.5 and np.isclose(ratio, round(ratio)):
        n = int(round(ratio))
        if n == _examples(calls):
            return "learning rate divided by m", (
                f"It is learning_rate divided by the number of examples ({n}): the gradients "
                "are already averages, so pass learning_rate as it is.")
        return "learning rate divided", f"It is learning_rate divided by {n}: pass learning_rate as it is."
    return None


def _swapped(r, m):
    """True when the learner's call gives AL and Y the other way round."""
    return _same(m.args.get("AL"), r.args.get("Y")) and _same(m.args.get("Y"), r.args.get("AL"))


def _cache_finding(k, m, arg, got, want, mine, where):
    """The backward call m got a cache (or caches) other than the matching forward step's."""
    start = k
    while start > 0 and mine[start - 1].name != "update_parameters":
        start -= 1
    forward = [c for c in mine[start:k] if c.name in FORWARD]
    if arg == "caches":
        if isinstance(got, (list, tuple)) and _same(list(got)[::-1], list(want)):
            kind, detail = "caches reversed", \
                "the caches are in reverse order; pass them as L_model_forward returned them."
        elif any(_same(c.result[1], got) for c in mine[:start] if c.name in FORWARD and c.result):
            kind, detail = "caches of an earlier iteration", \
                "the caches come from an earlier iteration; pass the ones of this iteration's forward pass."
        else:
            kind, detail = "wrong cache", "the caches are not the ones L_model_forward returned in this iteration."
        return Finding("the caches", kind, f"{where}: {detail}", m.name, arg)
    made = [i for i, c in enumerate(forward, 1) if c.result and _same(c.result[1], got)]
    meant = [i for i, c in enumerate(forward, 1) if c.result and _same(c.result[1], want)]
    if made and meant:
        return Finding("the caches", "cache of another layer",
                       f"{where} got the cache of forward layer {made[0]}, expected the one of layer "
                       f"{meant[0]}: each backward step takes the cache of its own layer's forward step.",
                       m.name, arg, f"layer {meant[0]}", f"layer {made[0]}")
    return Finding("the caches", "wrong cache",
                   f"{where}: the cache is not one this iteration's forward pass returned.", m.name, arg)


def _read_grads(grads):
    """The gradients update_parameters reads (dW{l}, db{l}): it ignores the other keys (dA{l})."""
    return {k: v for k, v in grads.items() if str(k)[:2] in ("dW", "db")} if isinstance(grads, dict) else grads


def _compare_call(k, r, m, mine, learning_rate, ref_calls=()):
    """Explain how the learner's call m differs from the reference call r."""
    it = _iteration_of(mine, k)
    where = f"in iteration {it}, {m.name}"
    for arg, want in r.args.items():
        got = m.args.get(arg)
        if _same(want, got) or (arg == "grads" and _same(_read_grads(want), _read_grads(got))):
            continue
        wired = wiring_finding(k, m, mine, ref_calls, arg, got, want, it)
        if wired:
            return wired
        if arg == "activation":
            phase = "forward" if "forward" in m.name else "backward"
            n = _layer_of(mine, k, m.name)
            return Finding(f"{phase} activations", f"{got!r} where {want!r} belongs",
                           f"the {_ordinal(n)} call of {m.name} in iteration {it} uses "
                           f"activation {got!r}, expected {want!r}.", m.name, arg, repr(want), repr(got))
        if arg == "learning_rate":
            kind, fix = _learning_rate_relation(got, learning_rate, mine) or \
                ("fixed learning rate", "Pass the argument on instead of a fixed number.")
            return Finding("the learning rate", kind,
                           f"update_parameters got learning_rate={_number(got)}, but the function was "
                           f"called with learning_rate={learning_rate!r}. {fix}",
                           m.name, arg, _number(learning_rate), _number(got))
        if arg in ("cache", "caches"):
            return _cache_finding(k, m, arg, got, want, mine, where)
        if arg in ("AL", "Y") and m.name in ("compute_cost", "L_model_backward") and _swapped(r, m):
            return Finding("cost" if m.name == "compute_cost" else "start of the backward pass",
                           "AL and Y swapped", f"{where}: AL and Y are given in the wrong order; the last "
                           "layer's output comes first, then the labels Y.", m.name, arg)
        if m.name in ("linear_activation_backward", "L_model_backward") and arg in ("dA", "AL", "Y"):
            first_backward = all(c.name not in ("linear_activation_backward", "L_model_backward")
                                 for c in mine[k - _layer_of(mine, k, m.name) + 1:k]) \
                and _layer_of(mine, k, m.name) == 1
            if first_backward and arg == "dA":
                opposite = _same(-np.asarray(want), got)
                return Finding("start of the backward pass", "dA has the opposite sign" if opposite else "wrong dA",
                               f"{where}: dA, the derivative of the cost with respect to the "
                               f"output, is {_first_values(got)}, expected {_first_values(want)}."
                               + " It has the opposite sign." * opposite,
                               m.name, arg, _first_values(want), _first_values(got))
            shown = _first_values(got) if got is not None else "missing"
            return Finding("backward activations" if arg == "dA" else "start of the backward pass",
                           f"wrong argument {arg}", f"{where}: argument {arg} differs from what was expected "
                           f"({shown} vs {_first_values(want)}).", m.name, arg, _first_values(want), shown)
        if m.name in ("linear_activation_forward", "L_model_forward"):
            if arg in ("A_prev", "X") and _layer_of(mine, k, m.name) == 1:
                return Finding("forward activations", "input is not X",
                               f"{where}: the input is not X ({_first_values(got)} vs {_first_values(want)}).",
                               m.name, arg, _first_values(want), _first_values(got))
            if it > 0 and arg in ("W", "b", "parameters"):
                prev = [c for c in mine[:k] if c.name == m.name]
                stale = len(prev) >= 1 and any(_same(c.args.get(arg), got) for c in prev)
                if stale:
                    return Finding("the update", "weights not read back after the update",
                                   f"{where} still uses the weights of an earlier iteration: after "
                                   "update_parameters, read the new values back from parameters.", m.name, arg)
                return Finding("the update", "parameters not the updated ones",
                               f"{where}: argument {arg} is not the updated value.", m.name, arg)
            if it == 0 and arg in ("W", "b", "parameters"):
                return Finding("initialization", "parameters not from initialization",
                               f"{where}: argument {arg} is not what initialization returned.", m.name, arg)
            shown = _first_values(got) if got is not None else "missing"
            return Finding("forward activations", f"wrong argument {arg}", f"{where}: argument {arg} differs "
                           f"({shown} vs {_first_values(want)}).", m.name, arg, _first_values(want), shown)
        if m.name == "compute_cost":
            return Finding("cost", f"wrong argument {arg}", f"{where}: argument {arg} differs "
                           f"({_versus(got, want)}); pass the last layer's output and the labels Y.", m.name, arg)
        if m.name.startswith("initialize"):
            return Finding("initialization", f"{m.name} called with other arguments",
                           f"{m.name} was called with {arg}={got!r}, expected {want!r}.",
                           m.name, arg, repr(want), repr(got))
        if m.name == "update_parameters":
            step = "backward activations" if arg == "grads" else "the update"
            return Finding(step, f"wrong argument {arg}",
                           f"{where}: argument {arg} differs from what was expected.", m.name, arg)
        return Finding("an error", f"wrong argument {arg}",
                       f"{where}: argument {arg} differs from what was expected.", m.name, arg)
    if not _same(r.result, m.result):
        return Finding("an error", "a helper was redefined", f"{where} returned something else for the "
                       "same arguments: did the notebook redefine a helper function?", m.name)
    return None


def _return_finding(failures):
    """The Finding for a returned (parameters, costs) unlike the reference's (checks.Failure list)."""
    first = failures[:2]
    kind = {PAIR_SWAPPED: "(costs, parameters) swapped", NOT_A_PAIR: "not a (parameters, costs) tuple"}.get(
        first[0].pair, "wrong keys" if any(f.kind == "keys" for f in first)
        else "wrong shape" if any(f.kind == "shape" for f in first) else "wrong values")
    return Finding("the return value", kind, "; ".join(map(str, first)), None, first[0].path)


def reference_run(reference: Callable[..., Any] | StoredTrace | tuple[list[Call], Any], inputs: tuple[Any, Any, Any],
                  learning_rate: float, num_iterations: int) -> tuple[list[Call], Any]:
    """The reference's helper calls and output: run it, or read a stored trace of it.

    Args:
        reference: a function, a trace_data.StoredTrace, or a pair (calls, output).
        inputs, learning_rate, num_iterations: as for ``diagnose``.

    Returns:
        tuple: (list of trace.Call, the reference's output).
    """
    if callable(reference):
        ref_calls, ref_out, ref_err = _run(reference, inputs, learning_rate, num_iterations)
        if ref_err is not None:
            raise RuntimeError(f"the reference itself failed: {ref_err!r}")
        return ref_calls, ref_out
    if isinstance(reference, StoredTrace):
        stored = (reference.learning_rate, reference.num_iterations)
        if None not in stored and stored != (learning_rate, num_iterations):
            raise ValueError(f"the stored trace is of learning_rate={stored[0]}, num_iterations="
                             f"{stored[1]}, not {learning_rate}, {num_iterations}")
        return list(reference.calls), reference.output
    ref_calls, ref_out = reference
    return list(ref_calls), ref_out


def diagnose(target: Callable[..., Any], reference: Callable[..., Any] | StoredTrace | tuple[list[Call], Any],
             inputs: tuple[Any, Any, Any], learning_rate: float = 0.05, num_iterations: int = 3) -> Finding | None:
    """Return the first Finding where target departs from reference, or None.

    Args:
        target: the learner's function.
        reference: the reference function, or its recorded run on the same inputs and
            arguments: a trace_data.StoredTrace, or a pair (list of trace.Call, output).
        inputs: (X, Y, layers_dims) small enough to run in milliseconds.
        learning_rate, num_iterations: the arguments both are (or were) called with.

    Returns:
        Finding or None.
    """
    ref_calls, ref_out = reference_run(reference, inputs, learning_rate, num_iterations)
    mine, out, err = _run(target, inputs, learning_rate, num_iterations)

    name, call = _globals_used(target, mine)
    if name:
        who = f"{call.name} was given" if call else "the function reads"
        return Finding("use of globals", "a notebook global instead of an argument",
                       f"{who} the notebook's global {name} instead of the function's own "
                       "arguments (X, Y). Use only the arguments.")
    for k, (r, m) in enumerate(zip(ref_calls, mine)):
        if r.name != m.name:
            it = _iteration_of(mine, k)
            if r.name == "update_parameters" and all(c.name != "update_parameters" for c in mine):
                return Finding("the update", "no update", "update_parameters is never called, so the "
                               "parameters never change.", r.name)
            if r.name.startswith("initialize") or m.name.startswith("initialize"):
                return Finding("initialization", f"{m.name} called where {r.name} belongs",
                               f"expected {r.name} to be called here, found {m.name} (iteration {it}).",
                               m.name, None, r.name, m.name)
            step = {"compute_cost": "cost", "update_parameters": "the update"}.get(
                r.name, "forward activations" if "forward" in r.name else "backward activations")
            late = called_late(k, ref_calls, mine)
            if late:
                return Finding(step, f"{r.name} called too late",
                               f"in iteration {it}, {r.name} is called after {late}; {ORDER[step]}.", r.name)
            return Finding(step, f"{m.name} called where {r.name} belongs",
                           f"in iteration {it}, expected a call to {r.name}, found {m.name}.",
                           m.name, None, r.name, m.name)
        finding = _compare_call(k, r, m, mine, learning_rate, ref_calls)
        if finding:
            return finding
    if err is not None:
        raised = type(err).__name__
        return Finding("an error", f"raises {raised}" if raised.endswith(("Error", "Exception"))
                       else "raises an error", f"{raised}: {err}")
    ref_iters, my_iters = (sum(c.name == "compute_cost" for c in calls) for calls in (ref_calls, mine))
    if ref_iters != my_iters:
        return Finding("the iteration count", "too few iterations" if my_iters < ref_iters
                       else "too many iterations", f"the loop ran {my_iters} iterations for "
                       f"num_iterations={num_iterations}; expected {ref_iters}.",
                       None, "num_iterations", str(ref_iters), str(my_iters))
    if len(mine) != len(ref_calls):
        missing = [c.name for c in ref_calls[len(mine):]] or [c.name for c in mine[len(ref_calls):]]
        return Finding("the update" if "update_parameters" in missing else "an error",
                       "calls missing or extra at the end", f"the calls differ at the end: {missing[:3]}.")
    failures = compare_pair(snapshot(ref_out), out, ("parameters", "costs"), level="type")
    if failures:
        return _return_finding(failures)
    ref_costs, my_costs = ref_out[1], out[1]
    def as_numbers(costs):
        return [np.squeeze(c) for c in costs]  # a cost kept as a (1, 1) array is right
    if len(ref_costs) != len(my_costs) or not _same(as_numbers(ref_costs), as_numbers(my_costs)):
        got, want = len(my_costs), len(ref_costs)
        kind = ("costs recorded too often" if got > want else
                "costs recorded too rarely" if got < want else "wrong cost values")
        return Finding("cost recording", kind, f"costs has {len(my_costs)} entries "
                       f"{_first_values(my_costs) if len(my_costs) else ''}, expected {len(ref_costs)} "
                       f"{_first_values(ref_costs)}: record the cost when i % 100 == 0.")
    failures = compare_pair(snapshot(ref_out), out, ("parameters", "costs"), level="values")
    if failures:
        return _return_finding(failures)
    return None
