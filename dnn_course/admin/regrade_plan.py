"""Which submissions a regrade preview must run, and the scores of those it need not: the edit
compared with what graded them.

The real gradebook holds the test cells every submission was graded with; the
scratch gradebook the edited ones. ``unchanged_by_edit`` names the learners
whose scores the edit cannot change, so the preview takes them from the
gradebook instead of running their notebooks: the only change is a hidden
check's tolerance loosened (the same cell but for larger ``rtol``/``atol`` in
its ``check_cell`` call, points and every other cell as they were), and the
learner's notebook, graded since it last changed, passed every such cell. A
comparison within a tolerance still holds within a larger one (np.isclose:
``|got - want| <= atol + rtol * |want|``), so each cell passes again, in the
kernel and in the re-check outside it, and leaves the kernel as it did: every
cell's outcome is what it was.

``scored_by_points`` gives the learners whose new scores an edit of points alone
determines, with those scores, so the preview scores them instead of running
them: the same cells, every source as it was, some graded cells worth other
points (``repointed``). Nothing a notebook runs changes, so each cell's outcome
is what it was; a test cell that scored 0 scores 0 again, one that scored the
old points scores the new ones, and the final score moves by the difference.
That takes a learner graded as their notebook is now, with 0 or the old full
points (more than 0) on every re-pointed cell (autograded cells score all or
nothing, but any other score runs), and not late (``late_learners``: in the
gradebook or by timestamp.txt; a penalty is a share of the raw score, so a late
learner runs). ``graded_reasons`` gives the findings of their tests that the
preview may list, from the real course's autograded notebooks, as the scratch
course's ``read_class`` would give them. ``--apply`` still grades everyone (it
writes the gradebook, autograded notebooks, history and receipts through
nbgrader's autograde; the time goal is the preview's).

Any other edit (a tighter tolerance, a changed check, points with any other
change, a new or removed cell, a cell graded now or no longer) runs every
submission.

And which verifications a preview may take from the gradebook (``write_trusted``):
a test cell the learner passed, in a submission graded since it last changed, whose
source the edit leaves as it was. ``Change``, what a regrade did to one learner, is here
too: regrade.py makes it and regrade_page.py shows it, and neither imports the other.
"""
from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from dnn_course.course.paths import NOTEBOOK
from dnn_course.grading.receipts import is_graded

# What loads nbgrader (seconds) or numpy waits inside the function that needs it: regrade imports
# this module, and cli imports regrade to build its parser, for every command (`dnn-course --help` too).

# student -> (final score, {grade id: auto score}, {grade id: manual score}): regrade.final_scores
Scores = dict[str, tuple[float, dict[str, float], dict[str, float]]]
# cell name -> (source, points): test_cells
Cells = dict[str, tuple[str | None, float | None]]


@dataclass
class Change:
    """One learner's regrade: final scores before and after, and the tests that moved."""

    student: str
    old: float | None
    new: float | None
    tests: list[tuple[str, float | None, float | None, str]] = field(default_factory=list)  # (grade id, old, new, finding)
    manual: list[tuple[str, float, str]] = field(default_factory=list)  # (grade id, manual score, "kept"/"replaced")

    @property
    def delta(self) -> float | None:
        """New minus old final score (None when either is missing)."""
        return None if self.old is None or self.new is None else round(self.new - self.old, 3)


def _without_tolerance(source: str) -> str | None:
    """The cell's code with the tolerances of its check_cell calls taken out; None when it is not
    Python or a tolerance is not a literal number the cell accepts (it would fail: not a loosening)."""
    from public_tests.hidden import tolerance  # heavy: numpy (see above)

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "check_cell":
            for k in node.keywords:
                if k.arg in ("rtol", "atol"):
                    try:
                        tolerance(**{k.arg: ast.literal_eval(k.value)})
                    except (ValueError, TypeError, SyntaxError):
                        return None
            node.keywords = [k for k in node.keywords if k.arg not in ("rtol", "atol")]
    return ast.dump(tree)


def loosened_only(before: str | None, after: str | None) -> bool:
    """True when ``after`` is ``before`` with its check's tolerances kept or made larger, and nothing else.

    Args:
        before, after: a test cell's source as graded and as edited.

    Returns:
        bool.
    """
    from dnn_course.preprocessors.verify import cell_tolerance  # heavy: nbgrader (see above)

    if before is None or after is None:
        return False
    code = _without_tolerance(before)
    if code is None or code != _without_tolerance(after):
        return False
    (r0, a0), (r1, a1) = cell_tolerance(before), cell_tolerance(after)
    return r1 >= r0 and a1 >= a0


def unchanged_by_edit(before: Cells, after: Cells, old: Scores, graded: set[str]) -> set[str]:
    """The learners whose scores the edit cannot change (see the module's docstring).

    Args:
        before, after: ``test_cells`` of the real and the scratch gradebook
            (grade id -> (source, points)).
        old: ``regrade.final_scores`` of the real gradebook.
        graded: the learners whose submission is graded as it is now (receipt matches).

    Returns:
        set of student ids; empty when the edit is anything but loosened tolerances.
    """
    if set(before) != set(after) or any(before[g][1] != after[g][1] for g in before):
        return set()
    changed = [g for g in before if before[g][0] != after[g][0]]
    if not all(loosened_only(before[g][0], after[g][0]) for g in changed):
        return set()
    return {s for s, (_, auto, _) in old.items() if s in graded
            and all(before[g][1] and auto.get(g) == before[g][1] for g in changed)}


def repointed(before: Cells, after: Cells) -> dict[str, tuple[float, float]]:
    """The cells whose points the edit changed, when it changed nothing else.

    Args:
        before, after: ``test_cells`` of the real and the scratch gradebook.

    Returns:
        grade id -> (old points, new points); empty unless both have the same cells, every
        source as it was, and some graded cell (graded before and after) has other points.
    """
    if set(before) != set(after) or any(before[g][0] != after[g][0] for g in before):
        return {}
    moved = {g: (before[g][1], after[g][1]) for g in before if before[g][1] != after[g][1]}
    if any(o is None or n is None for o, n in moved.values()):
        return {}  # a cell graded now, or no longer: more than points
    return {g: (float(o), float(n)) for g, (o, n) in moved.items() if o is not None and n is not None}


def scored_by_points(before: Cells, after: Cells, old: Scores, graded: set[str], late: set[str]) -> Scores:
    """The learners whose new scores follow from a points-only edit, and those scores.

    A learner graded as their notebook is now, not late (a penalty is a share of the raw
    score), who scored 0 or the old full points on every re-pointed cell, scores 0 or the
    new points there, and every other cell as before (see the module's docstring).

    Args:
        before, after: ``test_cells`` of the real and the scratch gradebook.
        old: ``regrade.final_scores`` of the real gradebook.
        graded: the learners whose submission is graded as it is now (receipt matches).
        late: ``late_learners``.

    Returns:
        student -> (final, {grade id: auto score}, {}), as ``regrade.final_scores`` would read
        them from the scratch gradebook after grading them (no manual grades, no penalty);
        empty when the edit is not points alone.
    """
    moved = repointed(before, after)
    out: Scores = {}
    if not moved:
        return out
    for s, (_, auto, _) in old.items():
        if s in graded and s not in late and all(
                o > 0 and auto.get(g) in (0.0, o) for g, (o, _) in moved.items()):
            new = {g: moved[g][1] if g in moved and score else score for g, score in auto.items()}
            out[s] = (round(sum(new.values()), 3), new, {})
    return out


def late_learners(root: Path | str, db_url: str, assignment: str) -> set[str]:
    """The learners whose submission is late in the gradebook (a penalty, or seconds late), or
    would be when graded again: timestamp.txt after the due date and the learner's extension.

    Args:
        root: the course folder.
        db_url: the real gradebook.
        assignment: the assignment name.

    Returns:
        set of student ids; an unreadable timestamp.txt counts as late.
    """
    from nbgrader.api import Gradebook  # heavy: nbgrader (see above)
    from nbgrader.utils import parse_utc  # heavy: nbgrader (see above)

    from dnn_course.course.extensions import read_extensions  # heavy: nbgrader (see above)
    from dnn_course.grading.late import penalties, seconds_late  # heavy: nbgrader (see above)

    with Gradebook(db_url) as gb:
        due = gb.find_assignment(assignment).duedate
        late = {s for s, (penalty, seconds) in penalties(gb, assignment).items() if penalty or seconds > 0}
    extensions = read_extensions(root, assignment)
    for stamp in (Path(root) / "submitted").glob(f"*/{assignment}/timestamp.txt"):
        student = stamp.parent.parent.name
        ext = extensions.get((student, assignment))
        try:
            when = parse_utc(stamp.read_text(encoding="utf-8").strip())
        except (ValueError, OverflowError, OSError):
            late.add(student)
            continue
        if seconds_late(when, due, ext.until if ext else None) > 0:
            late.add(student)
    return late


def graded_reasons(root: Path | str, assignment: str, computed: Scores, after: Cells,
                   old: Scores) -> dict[str, dict[str, str]]:
    """The findings of the tests a preview may list for the learners ``scored_by_points`` gives,
    as the scratch course's ``read_class`` would give them after grading them: from the real
    course's autograded notebook (same notebook, same cells, same errors), with the new score and
    points (a test scoring its points has none).

    Args:
        root: the course folder.
        assignment: the assignment name.
        computed: ``scored_by_points``.
        after: ``test_cells`` of the scratch gradebook.
        old: ``regrade.final_scores`` of the real gradebook (for the manual grades).

    Returns:
        student -> {grade id: finding}, for the re-pointed tests and those with a manual grade
        that score less than their points; only those notebooks are read.
    """
    from dnn_course.admin.class_results import read_autograded  # heavy: nbgrader (see above)
    from dnn_course.grading.results import failed_test  # heavy: nbgrader (see above)

    out: dict[str, dict[str, str]] = {}
    for s, (_, auto, _) in computed.items():
        listed = {g for g in auto if g in old[s][2] or old[s][1].get(g) != auto[g]}
        failing = [g for g in sorted(listed) if auto[g] < (after[g][1] or 0.0)]
        if failing:
            errors, _, _, _, findings = read_autograded(Path(root) / "autograded" / s / assignment / NOTEBOOK)
            out[s] = {g: failed_test(g, auto[g], after[g][1] or 0.0, errors, findings).reason for g in failing}
    return out


def test_cells(db_url: str, assignment: str) -> Cells:
    """The cells grading takes from a gradebook: test cells, locked cells, solution stubs.

    Args:
        db_url: the gradebook.
        assignment: the assignment name.

    Returns:
        cell name -> (source, points); points None for a cell that is not graded, source
        None for a graded cell the gradebook keeps no source of.
    """
    from nbgrader.api import Gradebook  # heavy: nbgrader (see above)

    with Gradebook(db_url) as gb:
        nb = gb.find_notebook(Path(NOTEBOOK).stem, assignment)
        points = {g.name: g.max_score for g in nb.grade_cells}
        cells = {c.name: (c.source, points.get(c.name)) for c in nb.source_cells}
        return cells | {g: (None, p) for g, p in points.items() if g not in cells}


def write_trusted(root: Path | str, db_url: str, scratch_url: str, assignment: str, old: Scores,
                  dest: Path | str) -> Path:
    """The scratch course's list of verifications it may take from the gradebook.

    A test cell that scored full marks (verification included) in a submission graded
    since it last changed, and whose source the edit leaves as it was, passes
    verification again: only those (``verify.trusted_cells``). Its config points
    ``VerifyResults`` at the list.

    Args:
        root: the course folder.
        db_url: the real gradebook's URL; scratch_url: the scratch one's (edited source).
        assignment: the assignment name.
        old: ``regrade.final_scores`` of the real gradebook.
        dest: the scratch course folder.

    Returns:
        Path: the list written.
    """
    before, after = test_cells(db_url, assignment), test_cells(scratch_url, assignment)
    changed = sorted(g for g in after if before.get(g, (None,))[0] != after[g][0])
    passed = {s: sorted(g for g, score in auto.items() if before.get(g, (None, 0))[1]
                        and score == before[g][1])
              for s, (_, auto, _) in old.items() if is_graded(root, assignment, s)}
    path = Path(dest) / "regrade_trusted.json"
    path.write_text(json.dumps({"changed": changed, "passed": passed}), encoding="utf-8")
    with open(Path(dest) / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\n# dnn-course regrade --preview\nc.VerifyResults.trusted_from = {str(path)!r}\n")
    return path
