"""The feedback page's line on lateness: "Submitted 26 h after the due date: -20 %, 16 / 20 before the penalty."

Read from the gradebook (timestamp, due date, the extension in force, the
penalty AssignLatePenalties or ``grading.late.recompute`` stored); nothing
for a submission on time. The summary's template (``dnn_course/templates/summary.html``)
shows it.
"""
from typing import Any

from nbgrader.api import Gradebook, MissingEntry

from dnn_course.course.late_policy import hours_text


def late_text(seconds_late: float, raw: float | None, penalty: float | None, max_score: float | None,
              extended: bool = False) -> str:
    """The line's words, or "" when on time.

    Args:
        seconds_late: after the deadline in force.
        raw: the score before the penalty.
        penalty: the points taken off.
        max_score: the assignment's maximum.
        extended: the learner has an extension (the line says "extended due date").

    Returns:
        str.
    """
    if seconds_late <= 0:
        return ""
    due = "your extended due date" if extended else "the due date"
    head = f"Submitted {hours_text(seconds_late)} after {due}"
    if not penalty:
        return f"{head}: no penalty."
    percent = 100.0 * penalty / raw if raw else 100.0
    if percent >= 99.95:
        return (f"{head}, later than the late policy accepts: the score is 0, "
                f"{raw:g} / {max_score:g} before the penalty.")
    return f"{head}: -{percent:.0f} %, {raw:g} / {max_score:g} before the penalty."


def late_text_of(resources: dict[str, Any]) -> str:
    """The line's words for the submission the feedback page is made for, or "".

    Args:
        resources: nbconvert's resources with nbgrader's ``student``, ``assignment``, ``db_url``.

    Returns:
        str: plain text (``late_text``), "" when on time or not in the gradebook.
    """
    info = resources.get("nbgrader", {})
    if not info.get("db_url"):
        return ""
    with Gradebook(info["db_url"]) as gb:
        try:
            sub = gb.find_submission(info["assignment"], info["student"])
        except MissingEntry:
            return ""
        raw = sum(n.score for n in sub.notebooks)
        penalty = sum(n.late_submission_penalty or 0 for n in sub.notebooks)
        return late_text(sub.total_seconds_late, raw, penalty, sub.max_score, sub.extension is not None)
