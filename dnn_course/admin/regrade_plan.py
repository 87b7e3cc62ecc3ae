"""Which submissions a regrade preview must run: the edit compared with what graded them.

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
cell's outcome is what it was. Any other edit (a tighter tolerance, a changed
check, points, a new or removed cell) runs every submission.
"""
from __future__ import annotations

import ast


def _without_tolerance(source: str) -> str | None:
    """The cell's code with the tolerances of its check_cell calls taken out; None when it is not
    Python or a tolerance is not a literal number the cell accepts (it would fail: not a loosening)."""
    from public_tests.hidden import tolerance

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
    from dnn_course.preprocessors.verify import cell_tolerance

    if before is None or after is None:
        return False
    code = _without_tolerance(before)
    if code is None or code != _without_tolerance(after):
        return False
    (r0, a0), (r1, a1) = cell_tolerance(before), cell_tolerance(after)
    return r1 >= r0 and a1 >= a0


def unchanged_by_edit(before: dict, after: dict, old: dict, graded: set) -> set:
    """The learners whose scores the edit cannot change (see the module's docstring).

    Args:
        before, after: ``regrade.test_cells`` of the real and the scratch gradebook
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
