"""The regrade's comparison and summary line on hand-made scores: who changes, by how much,
manual grades kept (counted once) or replaced."""
from dnn_course.admin.regrade import Change, compare, summary
from dnn_course.admin.regrade_page import render

# student -> (final, {grade id: auto score}, {grade id: manual score})
OLD = {"ana": (10.0, {"t1": 4.0, "t2": 6.0}, {}),
       "ben": (8.0, {"t1": 0.0, "t2": 6.0}, {"t1": 2.0}),
       "cy": (4.0, {"t1": 4.0, "t2": 0.0}, {})}
NEW = {"ana": (12.0, {"t1": 4.0, "t2": 8.0}, {}),   # the edit gives t2 two more points
       "ben": (12.0, {"t1": 4.0, "t2": 8.0}, {}),   # t1 now passes too, but a manual 2 is there
       "cy": (4.0, {"t1": 4.0, "t2": 0.0}, {})}


def test_manual_grade_kept_and_counted_once():
    changes = compare(OLD, NEW, {"ana": {"t2": ""}})
    assert changes == [Change("ana", 10.0, 12.0, [("t2", 6.0, 8.0, "")], []),
                       Change("ben", 8.0, 10.0, [("t2", 6.0, 8.0, "")], [("t1", 2.0, "kept")])]
    assert summary(changes, 3) == "2 learners gain 2 points, 1 unchanged"


def test_replace_manual_says_so():
    changes = compare(OLD, NEW, {}, replace_manual=True)
    assert changes[1] == Change("ben", 8.0, 12.0, [("t1", 2.0, 4.0, ""), ("t2", 6.0, 8.0, "")],
                                [("t1", 2.0, "replaced")])
    assert summary(changes, 3) == "1 learner gains 4 points, 1 learner gains 2 points, 1 unchanged"


def test_after_apply_the_manual_grade_is_in_the_final_already():
    after = dict(NEW, ben=(10.0, {"t1": 4.0, "t2": 8.0}, {"t1": 2.0}))
    assert compare(OLD, after, {}, manual_in_new=True)[1].new == 10.0


def test_losses_and_page_escaped():
    changes = [Change("<b>dee</b>", 6.0, 4.0, [("t1", 2.0, 0.0, "wrong <sign>")])]
    assert summary(changes, 5) == "1 learner loses 2 points, 4 unchanged"
    page = render(changes, summary(changes, 5), "dnn_app")
    assert "&lt;b&gt;dee&lt;/b&gt;" in page and "wrong &lt;sign&gt;" in page and "<b>dee" not in page
    assert "Content-Security-Policy" in page
