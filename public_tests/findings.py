"""What the step-by-step diagnosis found, as data: ``Finding``, and the record a failed test cell emits.

``diagnose`` returns a ``Finding`` (the step, the kind of difference, the call
and argument where it was seen, both values in short, and the sentence a
learner reads). A failed test cell emits a ``record`` of it as a display
output of MIME type ``MIME`` beside the error the learner reads; grading moves
that record into the notebook's metadata (``dnn_course.preprocessors.findings``)
and the feedback page, the class report and the JSON export read it from
there, so nothing parses the sentences back.
"""
from dataclasses import asdict, dataclass
from typing import Any

STEPS = ("use of globals", "initialization", "forward activations", "cost",
         "start of the backward pass", "backward activations", "the caches", "the gradients", "the update",
         "the learning rate", "cost recording", "the iteration count",
         "the return value", "an error")
NOT_NAMED = "no step named"  # the step of a failure the diagnosis did not name
MIME = "application/vnd.dnn-course.finding+json"
# What a record holds, each a str or None (see ``record``).
RECORD_KEYS = ("check", "step", "kind", "message", "call", "argument", "expected", "got", "seen_on", "raised")


@dataclass(frozen=True)
class Finding:
    """The first step where a learner's model departs from the reference.

    step: one of ``STEPS``; kind: a short kind of difference, e.g. "dA has the
    opposite sign" (a report groups learners by it); message: the explanation a
    learner reads; call, argument: the helper call and argument where it was seen
    (None when not one call's); expected, got: the two values in short, if shown.
    """
    step: str
    kind: str
    message: str
    call: str | None = None
    argument: str | None = None
    expected: str | None = None
    got: str | None = None

    def __str__(self) -> str:
        return f"{self.step}: {self.message}"


def unnamed_kind(raised: str | None) -> str:
    """The kind of a failure that names no step, from the error it raised.

    Args:
        raised: the exception's class name (the learner's, or the cell's own), or None.

    Returns:
        e.g. "not implemented yet", "ran out of time", "raises ValueError", or
        "wrong results in the test" for a failed check (an AssertionError or none).
    """
    if raised == "NotImplementedError":
        return "not implemented yet"
    if raised in ("CellTimeoutError", "SubmissionTimeout"):
        return "ran out of time"
    if raised and raised != "AssertionError" and raised.endswith(("Error", "Exception")):
        return f"raises {raised}"
    return "wrong results in the test"


def record(check: str, finding: Finding | None = None, seen_on: str | None = None,
           raised: str | None = None) -> dict[str, str | None]:
    """What a failed test cell emits: its check's line and, if named, the first wrong step.

    Args:
        check: the failed check's one line, as the learner reads it first.
        finding: the Finding to name, or None (the step is then ``NOT_NAMED``).
        seen_on: where the diagnosis saw it, e.g. "learning_rate=0.1, num_iterations=3".
        raised: the class name of the exception the learner's function raised, if any.

    Returns:
        dict of ``RECORD_KEYS``, plain JSON.
    """
    if finding is None:
        found = {"step": NOT_NAMED, "kind": unnamed_kind(raised), "message": check}
    else:
        found = asdict(finding)
    return {key: None for key in RECORD_KEYS} | found | {"check": check, "seen_on": seen_on, "raised": raised}


def read_record(data: Any) -> dict[str, str | None] | None:
    """A record as emitted, checked: every key of ``RECORD_KEYS`` a str or None.

    Args:
        data: what a cell's output or the notebook's metadata holds.

    Returns:
        dict, or None when data is not a record (a learner may have displayed anything).
    """
    if not isinstance(data, dict) or not isinstance(data.get("step"), str) \
            or not isinstance(data.get("kind"), str):
        return None
    if not all(isinstance(data.get(k), (str, type(None))) for k in RECORD_KEYS):
        return None
    if data["step"] not in STEPS + (NOT_NAMED,):
        return None
    return {k: data.get(k) for k in RECORD_KEYS}


def emit(data: dict[str, str | None]) -> None:
    """Display a record as an output of the running cell (MIME ``MIME`` only: nothing shows).

    Args:
        data: a ``record``.

    Returns:
        None. Outside a running IPython kernel nothing happens.
    """
    try:  # here: IPython is there in a kernel only, and verification's runner goes without it
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # not in a kernel
        return
    if get_ipython() is None:
        return
    display({MIME: data}, raw=True)
