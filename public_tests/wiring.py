"""Name values given to the wrong call ("wiring") and calls made out of order, for ``diagnose``.

A learner's loop may call every helper right and still hand one call a value
meant for another: the second layer's bias to the first layer, A2 where dA2
belongs, dW2 stored under grads["dW1"]. ``wiring_finding`` names the call that
received it and the argument, by naming both values after what the loop had at
that point (``known_values``). ``called_late`` tells a call made later than the
reference makes it from one that is missing.
"""
from typing import Any

from .calls import BACKWARD, FORWARD, INITIALIZE, layer_of as _layer_of, same as _same
from .findings import Finding
from .trace import Call


def known_values(calls: list[Call], k: int) -> list[tuple[str, Any]]:
    """What the calls before k made available in the current iteration, by name.

    Args:
        calls: a traced run's calls (trace.Call).
        k: the index of the call about to be made.

    Returns:
        list of (name, value): the parameters (W1, b1, ...) as the last initialization or
        update returned them; X and each forward step's output A1, A2, ... (AL); each
        backward step's dA and the dA_prev, dW, db it returned, named by layer (dA2, dA1,
        dW2, ...); L_model_backward's grads.
    """
    start = k
    while start > 0 and calls[start - 1].name != "update_parameters":
        start -= 1
    known: list[tuple[str, Any]] = []
    made = [c for c in calls[:k] if c.name in INITIALIZE + ("update_parameters",) and isinstance(c.result, dict)]
    if made:
        known += list(made[-1].result.items())
    forward = [c for c in calls[start:k] if c.name in FORWARD]
    if forward:
        first = forward[0].args
        known.append(("X", first.get("A_prev", first.get("X"))))
    for n, c in enumerate(forward, 1):
        if isinstance(c.result, tuple) and c.result:
            known.append(("AL" if c.name == "L_model_forward" else f"A{n}", c.result[0]))
    layers = len(forward)
    for n, c in enumerate((c for c in calls[start:k] if c.name in BACKWARD), 1):
        if c.name == "L_model_backward":
            known += list(c.result.items()) if isinstance(c.result, dict) else []
            continue
        layer = layers - n + 1
        known.append((f"dA{layer}", c.args.get("dA")))
        if isinstance(c.result, tuple) and len(c.result) == 3:
            known += [(f"dA{layer - 1}", c.result[0]), (f"dW{layer}", c.result[1]), (f"db{layer}", c.result[2])]
    return known


def _name_of(value: Any, known: list[tuple[str, Any]]) -> str | None:
    """The name of the first known value equal to value (same shape), or None."""
    if value is None or isinstance(value, (dict, list, tuple, str)):
        return None
    for name, v in known:
        if v is not None and not isinstance(v, (dict, list, tuple)) and _same(v, value):
            return name
    return None


def _step_of_layer(mine: list[Call], k: int, m: Call) -> str:
    """'the forward step of layer 2 (linear_activation_forward)': the call m, by its layer."""
    n = _layer_of(mine, k, m.name)
    if m.name == "linear_activation_backward":
        start = k
        while start > 0 and mine[start - 1].name != "update_parameters":
            start -= 1
        n = sum(c.name == "linear_activation_forward" for c in mine[start:k]) - n + 1
    phase = "forward" if m.name in FORWARD else "backward"
    return f"the {phase} step of layer {n} ({m.name})"


def wiring_finding(k: int, m: Call, mine: list[Call], ref_calls: list[Call], arg: str, got: Any, want: Any,
                   it: int) -> Finding | None:
    """The Finding when the call m (the k-th of mine, in iteration it) got for arg a value
    the loop had under another name (another layer's bias, the wrong activation output, a
    gradient under another key) than the one the reference gave (want), or None.

    Args:
        k, m, mine: the learner's call, as its index in their calls, the call, and all of them.
        ref_calls: the reference's calls (names what it gave).
        arg, got, want: the argument, the learner's value, the reference's value.
        it: the iteration of the call.

    Returns:
        findings.Finding or None.
    """
    if m.name == "update_parameters" and arg == "grads" and isinstance(got, dict) and isinstance(want, dict):
        known = known_values(mine, k)
        for key, value in want.items():
            if key not in got or _same(value, got[key]):
                continue
            held = _name_of(got[key], known)
            if held and held != key:
                return Finding("the gradients", f"{held} stored as {key}",
                               f"in iteration {it}, update_parameters got grads with {held} under the key "
                               f"'{key}': store each layer's dW and db under that layer's keys.",
                               m.name, arg, key, held)
        return None
    if m.name not in ("linear_activation_forward", "linear_activation_backward") or \
            arg not in ("A_prev", "W", "b", "dA"):
        return None
    got_name = _name_of(got, known_values(mine, k))
    want_name = _name_of(want, known_values(ref_calls, k))
    if not got_name or got_name == want_name:
        return None
    expected = want_name or ("dA of the output layer, the derivative of the cost with respect to it"
                             if arg == "dA" else "another value")
    step = "forward activations" if m.name in FORWARD else \
        "start of the backward pass" if want_name is None and arg == "dA" else "backward activations"
    kind = f"{got_name} given as {arg}" + (f" where {want_name} belongs" if want_name else "")
    return Finding(step, kind, f"in iteration {it}, {_step_of_layer(mine, k, m)} got {got_name} as its "
                   f"argument {arg}, expected {expected}.", m.name, arg, want_name, got_name)


# Where each call belongs in an iteration, said when a learner makes it too late.
ORDER = {"cost": "compute the cost right after the forward pass",
         "the update": "update the parameters last, after the backward pass",
         "forward activations": "run the forward pass first in each iteration",
         "backward activations": "run the backward pass after the cost, before the update"}


def called_late(k: int, ref_calls: list[Call], mine: list[Call]) -> str | None:
    """The calls the learner makes before the reference's call k when it makes that call later.

    Args:
        k: the index where the two call lists first differ by name.
        ref_calls, mine: the reference's and the learner's calls.

    Returns:
        str or None: e.g. "L_model_backward and update_parameters"; None when the call is
        not made within the iteration, or one made before it is not the reference's.
    """
    want = ref_calls[k].name
    per_iteration = next((i + 1 for i, c in enumerate(ref_calls) if c.name == "update_parameters"),
                         len(ref_calls)) - sum(c.name in INITIALIZE for c in ref_calls)
    ahead = [c.name for c in mine[k:k + per_iteration + 1]]
    if want not in ahead[1:]:
        return None
    before = list(dict.fromkeys(ahead[:ahead.index(want)]))  # in order, once each
    if any(name not in [c.name for c in ref_calls[k + 1:]] for name in before):
        return None  # a call the reference never makes there: not just out of order
    names = before[:3]
    return " and ".join(names) if len(names) < 3 else f"{names[0]}, {names[1]} and {names[2]}"
