"""Failure signatures: the step a hidden test's feedback names, and the kind of difference.

``diagnose.Finding`` messages are written in a few fixed shapes; ``KINDS``
maps each shape to a short kind ("dA has the opposite sign", "fixed learning
rate", ...). ``Finding.kind`` is filled from it when a finding is made, and
``read_reason`` recovers (step, kind, explanation) from the one-line reason a
failed test cell stored, so a class report can group learners by mistake.
A test checks that every catalogued mistake's finding reads back unchanged.
"""
import re

MARKER = "First step that differs from the method: "
NOT_NAMED = "no step named"

# (pattern of the message, kind); the first match wins. Groups fill {0}, {1}.
KINDS = (
    (r"instead of the function's own arguments", "a notebook global instead of an argument"),
    (r"got (\w+) as its argument (\w+), expected (\w+)\.", "{0} given as {1} where {2} belongs"),
    (r"got (\w+) as its argument (\w+), expected", "{0} given as {1}"),
    (r"got grads with (\w+) under the key '(\w+)'", "{0} stored as {1}"),
    (r"(\w+) is called after", "{0} called too late"),
    (r"It has the opposite sign", "dA has the opposite sign"),
    (r"dA, the derivative of the cost", "wrong dA"),
    (r"uses activation '(\w+)', expected '(\w+)'", "'{0}' where '{1}' belongs"),
    (r"update_parameters already subtracts", "learning rate negated"),
    (r"Pass the argument on instead of a fixed number", "fixed learning rate"),
    (r"It is learning_rate squared", "learning rate squared"),
    (r"It is learning_rate divided by the number of examples", "learning rate divided by m"),
    (r"It is learning_rate divided by", "learning rate divided"),
    (r"AL and Y are given in the wrong order", "AL and Y swapped"),
    (r"the caches are in reverse order", "caches reversed"),
    (r"the caches come from an earlier iteration", "caches of an earlier iteration"),
    (r"got the cache of forward layer", "cache of another layer"),
    (r"the cache is not one|the caches are not the ones", "wrong cache"),
    (r"still uses the weights of an earlier iteration", "weights not read back after the update"),
    (r"is not the updated value", "parameters not the updated ones"),
    (r"update_parameters is never called", "no update"),
    (r"is not what initialization returned", "parameters not from initialization"),
    (r"(initialize\w*) was called with", "{0} called with other arguments"),
    (r"expected (\w+) to be called here, found (\w+)", "{1} called where {0} belongs"),
    (r"expected a call to (\w+), found (\w+)", "{1} called where {0} belongs"),
    (r"the input is not X", "input is not X"),
    (r"argument (\w+) differs", "wrong argument {0}"),
    (r"returned something else for the same arguments", "a helper was redefined"),
    (r"the calls differ at the end", "calls missing or extra at the end"),
    (r"got them in the order", "(costs, parameters) swapped"),
    (r"a tuple \(\w+, \w+\) expected", "not a (parameters, costs) tuple"),
    (r"missing keys|unexpected keys", "wrong keys"),
    (r"shape \(.*\) expected", "wrong shape"),
    (r"values differ|expected .*, got", "wrong values"),
)


def _count_kind(step, message):
    """Kinds that compare two counts: iterations run, costs recorded."""
    if step == "the iteration count":
        m = re.search(r"ran (\d+) iterations .*expected (\d+)", message)
        if m:
            return "too few iterations" if int(m[1]) < int(m[2]) else "too many iterations"
    if step == "cost recording":
        m = re.search(r"costs has (\d+) entries.*expected (\d+)", message)
        if m:
            got, want = int(m[1]), int(m[2])
            return ("costs recorded too often" if got > want else
                    "costs recorded too rarely" if got < want else "wrong cost values")
    return None


def kind_of(step, message):
    """The short kind of difference a finding's message describes.

    Args:
        step: the finding's step (one of ``diagnose.STEPS``).
        message: the finding's explanation.

    Returns:
        A short phrase such as ``"dA has the opposite sign"``; for ``"an
        error"`` the exception's name (``"raises ValueError"``); ``"other"``
        when no known shape matches.
    """
    counted = _count_kind(step, message)
    if counted:
        return counted
    if step == "an error":
        m = re.match(r"(\w+(?:Error|Exception))\b", message)
        return f"raises {m[1]}" if m else "raises an error"
    for pattern, kind in KINDS:
        m = re.search(pattern, message)
        if m:
            return kind.format(*m.groups())
    return "other"


def _unnamed_kind(reason):
    """A kind for a failure whose message names no step (blank, raising, timing out)."""
    if "not implemented yet" in reason.lower():
        return "not implemented yet"
    if "CellTimeoutError" in reason or "timed out" in reason.lower():
        return "ran out of time"
    m = re.search(r"raised (\w+)", reason) or re.match(r"(\w+(?:Error|Exception))\b(?!: Not all)", reason)
    if m and m[1] != "AssertionError":
        return f"raises {m[1]}"
    return "wrong results in the test"


def read_reason(reason):
    """The (step, kind, explanation) a failed test cell's stored reason names.

    Args:
        reason: the one-line reason of a failed test, as ``results.TestResult``
            holds it (``"AssertionError: ... First step that differs from the
            method: <step>: <message>"``, or an error that names no step).

    Returns:
        ``(step, kind, explanation)``: ``step`` is one of ``diagnose.STEPS`` or
        ``NOT_NAMED``; ``explanation`` is the finding's message (or the whole
        reason when no step is named).
    """
    from .diagnose import STEPS

    reason = reason or ""
    at = reason.find(MARKER)
    if at >= 0:
        named = reason[at + len(MARKER):]
        for step in sorted(STEPS, key=len, reverse=True):  # longest first: exact match
            if named.startswith(step + ": "):
                message = named[len(step) + 2:].strip()
                return step, kind_of(step, message), message
    return NOT_NAMED, _unnamed_kind(reason), reason.strip()
