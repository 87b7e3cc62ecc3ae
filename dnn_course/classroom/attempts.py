"""Attempts per learner: numbering and the hourly limit, counted from the service's queue."""
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)


def counted(states: list[dict], student: str) -> list[dict]:
    """The ``student``'s attempts that count against the limit: the ones graded.

    A notebook that could not be used, a refused or a rejected attempt is not
    counted: it cost the learner nothing.

    Args:
        states: the queue's states (``AttemptQueue.states``).
        student: the learner's id.

    Returns:
        list of dict, oldest first.
    """
    return [s for s in states if s["student"] == student and s["status"] == "graded"]


def next_accepted(states: list[dict], student: str, taken: str, per_hour: int) -> datetime:
    """When ``student``'s attempt taken at ``taken`` would be accepted: ``taken`` or later.

    Args:
        states: the queue's states.
        student: the learner's id.
        taken: the attempt's time (ISO 8601).
        per_hour: ``ClassroomGrader.attempts_per_hour``.

    Returns:
        datetime: ``taken`` itself when the attempt is within the limit; else the
        moment the oldest of the last ``per_hour`` graded attempts leaves the hour.
    """
    at = datetime.fromisoformat(taken)
    recent = [datetime.fromisoformat(s["taken"]) for s in counted(states, student)
              if at - WINDOW < datetime.fromisoformat(s["taken"]) <= at]
    if len(recent) < per_hour:
        return at
    return sorted(recent)[-per_hour] + WINDOW


def number(states: list[dict], student: str, name: str) -> int:
    """The attempt's number for the learner (1 for the first submitted), by arrival.

    Args:
        states: the queue's states.
        student: the learner's id.
        name: the attempt's folder name.

    Returns:
        int.
    """
    names = [s["name"] for s in states if s["student"] == student]
    return names.index(name) + 1 if name in names else len(names) + 1
