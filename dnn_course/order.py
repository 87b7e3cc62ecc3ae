"""Which submissions several graders should start first.

A batch is done when its last submission is. If a long one (both trainings,
~30 s on a core) starts last, the other graders sit idle while it runs; if the
short ones come last they fill that gap. So the graders start the submissions
expected to take longest first ("longest processing time first").

Nobody knows a submission's time before running it, but its notebook tells a
lot: a model function left as released (still raising NotImplementedError)
fails in a moment instead of training for 2500 iterations. The estimate is the
number of solution cells the student changed from the release notebook: 2 for
a filled-in submission, 0 for a blank one. A submission graded already (its
receipt matches) or unreadable costs nothing here. Ties keep the given order,
and only the order of work changes: results are reported in the given order.
"""
import json
from pathlib import Path

from .paths import NOTEBOOK, release_notebook


def _solutions(path):
    """{grade_id: source} of the solution cells of the notebook at ``path``."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            source = cell.get("source", "")
            found[meta.get("grade_id")] = "".join(source) if isinstance(source, list) else source
    return found


def expected_work(root, assignment, student, released=None, force=False):
    """Solution cells ``student`` changed from the release; 0 when there is
    nothing to run (graded already, unless ``force``; missing; unreadable)."""
    from .grading import is_graded

    released = _solutions(release_notebook(root)) if released is None else released
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    try:
        if not force and is_graded(root, assignment, student):
            return 0
        theirs = _solutions(submitted)
    except (OSError, ValueError, AttributeError, TypeError):  # missing or not a notebook
        return 0
    return sum(theirs.get(grade_id) not in (None, source)
               for grade_id, source in released.items())


def longest_first(root, assignment, students, force=False):
    """``students`` sorted by expected work, most first; ties in the given order."""
    try:
        released = _solutions(release_notebook(root))
    except (OSError, ValueError):  # no release notebook: keep the given order
        return list(students)
    work = {s: expected_work(root, assignment, s, released, force) for s in students}
    return sorted(students, key=lambda s: -work[s])
