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
from collections.abc import Iterable
from pathlib import Path

import nbformat

from dnn_course.course.paths import NOTEBOOK, StrPath, release_notebook
from dnn_course.grading.receipts import is_graded
from dnn_course.preprocessors.verify import solution_sources_of


def _solutions(path):
    """{grade_id: source} of the solution cells of the notebook at ``path``."""
    return solution_sources_of(nbformat.read(str(path), as_version=4))


def expected_work(root: StrPath, assignment: str, student: str, released: dict[str, str] | None = None,
                  force: bool = False) -> int:
    """Solution cells ``student`` changed from the release; 0 when there is
    nothing to run (graded already, unless ``force``; missing; unreadable)."""
    released = _solutions(release_notebook(root)) if released is None else released
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    try:
        if not force and is_graded(root, assignment, student):
            return 0
        theirs = _solutions(submitted)
    except Exception:  # missing or not a notebook: grade_one reports it; it runs nothing
        return 0
    return sum(theirs.get(grade_id) not in (None, source)
               for grade_id, source in released.items())


def longest_first(root: StrPath, assignment: str, students: Iterable[str], force: bool = False) -> list[str]:
    """``students`` sorted by expected work, most first; ties in the given order."""
    try:
        released = _solutions(release_notebook(root))
    except Exception:  # no readable release notebook: keep the given order (the
        return list(students)  # order is only a hint and must never stop a batch)
    work = {s: expected_work(root, assignment, s, released, force) for s in students}
    return sorted(students, key=lambda s: -work[s])
