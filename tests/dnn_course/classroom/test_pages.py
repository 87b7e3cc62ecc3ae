"""The service's feedback pages for one graded attempt: the summary before the deadline, the whole page after."""
import pytest

from scale_helpers import fast_samples, write

from dnn_course.classroom.release import message_page, summary_page
from dnn_course.classroom.service import _page
from dnn_course.grading.results import SubmissionResult
from dnn_course.grading.submission import grade_one


@pytest.fixture(scope="module")
def graded(course_template, course_data, tmp_path_factory):
    """A course with one attempt graded: the sign of dA2 flipped (11 / 20)."""
    from dnn_course.course.context import Course

    root = course_template.copy(tmp_path_factory.mktemp("pages") / "course")
    write(root, "ann", fast_samples()["fast-wrong-sign-dA2"])
    course = Course(root)
    course.open_gradebook()
    result = grade_one(course.api, root, "dnn_app", "ann")
    assert result.score == 11.0, result
    return course, result


def test_before_the_deadline_the_page_is_the_summary_without_hidden_code(graded):
    course, result = graded
    page = _page(course.api, course.root, "dnn_app", "ann", result, detail=False)
    assert "<b>Score: 11 / 20.</b>" in page and "start of the backward pass" in page
    assert "_reference_two_layer_model" not in page and "HIDDEN" not in page
    assert "<script" not in page.lower()


def test_after_the_deadline_the_page_is_dnn_course_feedbacks_own(graded):
    course, result = graded
    assert _page(course.api, course.root, "dnn_app", "ann", result, detail=True) is None
    page = (course.root / "feedback" / "ann" / "dnn_app" / "dnn_app.html").read_text()
    assert "dnn-summary" in page and "start of the backward pass" in page
    assert "_reference_two_layer_model" not in page and "BEGIN HIDDEN" not in page


def test_message_pages_escape_what_they_quote():
    page = message_page("Submission not graded", "the notebook is not valid JSON (<b>line 1</b>)")
    assert "&lt;b&gt;line 1&lt;/b&gt;" in page and "<b>line 1</b>" not in page


def test_an_attempt_not_graded_has_no_summary_page(tmp_path):
    """Its score is None, not 0 (``SubmissionResult``): summary_page refuses it by name instead of
    failing on the missing autograded notebook (the service sends a message page for it)."""
    result = SubmissionResult.not_graded("ann", 20.0, "the notebook is not valid JSON")
    with pytest.raises(ValueError, match="not graded.*not valid JSON"):
        summary_page(tmp_path, "dnn_app", "ann", result)
