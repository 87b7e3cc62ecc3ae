"""The late policy's text and arithmetic: grace, percent per started day, zero after the limit."""
import pytest

from dnn_course.course.late_policy import LatePolicy, PolicyError, hours_text, parse
from dnn_course.preprocessors.late_line import late_text

H = 3600.0
COURSE = "grace 15m, 10% per started day, max 3 days"


def test_course_policy_parts():
    assert parse(COURSE) == LatePolicy(900.0, 10.0, 3)
    assert parse("none").is_none and parse("").is_none


@pytest.mark.parametrize("late, percent", [
    (0, 0), (10 * 60, 0), (15 * 60, 0), (16 * 60, 10), (3 * H, 10), (24 * H, 10),
    (24 * H + 1, 20), (26 * H, 20), (30 * H, 20), (72 * H, 30), (72 * H + 1, 100), (200 * H, 100)])
def test_percent_per_started_day_then_zero(late, percent):
    assert parse(COURSE).percent(late) == percent


def test_penalty_is_share_of_score_never_more():
    policy = parse(COURSE)
    assert policy.penalty(16, 26 * H) == 3.2
    assert policy.penalty(20, 96 * H) == 20
    assert policy.penalty(0, 96 * H) == 0
    assert parse("none").penalty(20, 96 * H) == 0


@pytest.mark.parametrize("text, named", [
    ("10 percent a day", "cannot read '10 percent a day'"),
    ("grace 2 weeks", "unknown unit 'weeks'"),
    ("150% per started day", "over 100%"),
])
def test_unreadable_policy_names_the_part_and_the_form(text, named):
    with pytest.raises(PolicyError) as err:
        parse(text)
    assert named in str(err.value) and "per started day" in str(err.value)


def test_feedback_line_says_when_how_late_and_what_before():
    assert late_text(26 * H, 16, 3.2, 20) == \
        "Submitted 26 h after the due date: -20 %, 16 / 20 before the penalty."
    assert late_text(0, 16, 0, 20) == ""
    assert late_text(10 * 60, 20, 0, 20, extended=True) == \
        "Submitted 10 min after your extended due date: no penalty."
    assert "the score is 0, 20 / 20 before" in late_text(97 * H, 20, 20, 20)
    assert hours_text(80 * H) == "3 days 8 h"
