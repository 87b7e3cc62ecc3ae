"""Which learners a regrade preview may leave as graded: only a loosened tolerance, on cells they passed;
and which it may score without running: only points changed, 0 or full marks on each re-pointed cell."""
from dnn_course.admin.regrade_plan import loosened_only, repointed, scored_by_points, unchanged_by_edit

CALL = 'check_cell("c", f, ref, globals(){})'
CELL = "### BEGIN HIDDEN TESTS\nfrom public_tests.hidden import check_cell\n\n" + CALL + "\n### END HIDDEN TESTS"


def cell(extra=""):
    return CELL.format(extra)


def test_loosened_only_accepts_larger_tolerances_and_nothing_else():
    assert loosened_only(cell(), cell(", atol=1e-4"))
    assert loosened_only(cell(", atol=1e-6"), cell(", rtol=1e-3, atol=1e-6"))
    assert loosened_only(cell(), cell() + "  # a comment")
    assert not loosened_only(cell(", atol=1e-4"), cell())                      # tighter
    assert not loosened_only(cell(), cell(", atol=1e-4").replace('"c"', '"d"'))  # another check
    assert not loosened_only(cell(), cell(", atol=-1"))                         # the cell would fail
    assert not loosened_only(cell(), cell(", atol=LOOSE"))                      # not a literal
    assert not loosened_only(None, cell()) and not loosened_only(cell(), "check_cell(")


BEFORE = {"c": (cell(), 2.0), "d": (cell().replace('"c"', '"d"'), 1.0), "lock": ("import numpy", None)}
OLD = {"ana": (3.0, {"c": 2.0, "d": 1.0}, {}), "ben": (1.0, {"c": 0.0, "d": 1.0}, {}),
       "cy": (3.0, {"c": 2.0, "d": 1.0}, {})}


def test_unchanged_are_those_who_passed_every_loosened_cell_and_are_graded_as_they_are():
    after = dict(BEFORE, c=(cell(", atol=1e-4"), 2.0))
    assert unchanged_by_edit(BEFORE, after, OLD, {"ana", "ben"}) == {"ana"}  # ben failed c; cy resubmitted
    assert unchanged_by_edit(BEFORE, BEFORE, OLD, {"ana", "ben", "cy"}) == {"ana", "ben", "cy"}


def test_any_other_edit_runs_everyone():
    everyone = {"ana", "ben", "cy"}
    for after in (dict(BEFORE, c=(cell(", atol=1e-4"), 3.0)),             # points too
                  dict(BEFORE, lock=("import numpy as np", None)),          # a locked cell
                  dict(BEFORE, e=(cell(), 1.0)),                             # a new check
                  {g: v for g, v in BEFORE.items() if g != "d"}):           # a check removed
        assert unchanged_by_edit(BEFORE, after, OLD, everyone) == set()


def test_points_only_edit_scores_those_with_zero_or_full_marks_on_each_repointed_cell():
    after = dict(BEFORE, c=(cell(), 5.0))
    assert repointed(BEFORE, after) == {"c": (2.0, 5.0)}
    old = dict(OLD, dee=(1.5, {"c": 1.0, "d": 0.5}, {}),                     # partial on c: runs
               eve=(4.0, {"c": 2.0, "d": 0.0}, {"d": 1.0}))                  # manual grade on d
    graded = {"ana", "ben", "dee", "eve"}                                     # cy resubmitted: runs
    assert scored_by_points(BEFORE, after, old, graded, late=set()) == {
        "ana": (6.0, {"c": 5.0, "d": 1.0}, {}),
        "ben": (1.0, {"c": 0.0, "d": 1.0}, {}),
        "eve": (5.0, {"c": 5.0, "d": 0.0}, {})}  # as the scratch gradebook would hold it: auto scores only
    assert set(scored_by_points(BEFORE, after, old, graded, late={"ana"})) == {"ben", "eve"}
    two = dict(after, d=(BEFORE["d"][0], 0.0))                                # d worth nothing now
    assert scored_by_points(BEFORE, two, OLD, {"ana", "ben"}, set()) == {
        "ana": (5.0, {"c": 5.0, "d": 0.0}, {}), "ben": (0.0, {"c": 0.0, "d": 0.0}, {})}


def test_points_with_anything_else_or_from_nothing_scores_nobody():
    everyone = {"ana", "ben", "cy"}
    for before, after in ((BEFORE, dict(BEFORE, c=(cell(", atol=1e-4"), 3.0))),          # a source too
                          (BEFORE, dict(BEFORE, lock=("import numpy", 1.0))),             # a cell graded now
                          (BEFORE, dict(BEFORE, c=(cell(), 3.0), e=(cell(), 1.0))),       # a new check
                          (dict(BEFORE, c=(cell(), 0.0)), dict(BEFORE, c=(cell(), 3.0)))):  # 0 points: passed?
        assert scored_by_points(before, after, OLD, everyone, set()) == {}
