"""Manual grades given in the formgrader, brought into the grade history.

The formgrader writes straight into the gradebook; no hook of ours runs there.
Every command that reads or changes grades (``history``, ``due``, ``extend``,
``late``, ``regrade``) first calls ``record_manual``: a graded learner whose
final score in the gradebook differs from the last one the history holds, with
manual grades given, gets a ``manual grade`` line (its time is when it was
found, the line says so).
"""
from nbgrader.api import Gradebook, MissingEntry

from dnn_course.course import history
from dnn_course.course.paths import StrPath


def record_manual(root: StrPath, db_url: str, assignment: str, by: str = "formgrader") -> list[history.GradeChange]:
    """Record each manual change of a final score the history does not know yet.

    Args:
        root: the course folder.
        db_url: the gradebook URL.
        assignment: the assignment name.
        by: who gave it (the formgrader does not say which account).

    Returns:
        list of GradeChange written.
    """
    found = []
    with Gradebook(db_url) as gb:
        try:
            subs = gb.find_assignment(assignment).submissions
        except MissingEntry:
            return []
        for sub in subs:
            manual = [(g.name, g.manual_score, g.auto_score) for nb in sub.notebooks
                      for g in nb.grades if g.manual_score is not None]
            if not manual:
                continue
            final = round(sum(n.score - (n.late_submission_penalty or 0) for n in sub.notebooks), 3)
            found.append((sub.student_id, final, sub.max_score, manual))
    written = []
    for student, final, top, manual in found:
        last = history.latest_score(root, student, assignment)
        if last is None or round(last, 3) == final:
            continue
        given = ", ".join(f"{gid} {m:g}" + (f" (autograder: {a:g})" if a is not None else "")
                          for gid, m, a in manual)
        written.append(history.record(root, history.GradeChange(
            student, assignment, "manual grade", last, final,
            f"manual grades in the gradebook: {given} (found at this time)", by, max_score=top)))
    return written
