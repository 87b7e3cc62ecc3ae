"""The class report page in Chromium at 1280 px: no page errors, no sideways scrolling."""
import pytest

from dnn_course.admin.report import write_report
from dnn_course.grading.results import SubmissionResult
from report_class import graded, hand_made_class, reason

from .pages import assert_no_horizontal_scroll, open_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def crowded_class():
    """The hand-made class of tests/report_class.py plus 300 learners with long unbroken ids and reasons."""
    cls = hand_made_class()
    long_step = "x" * 300
    for i in range(300):
        student = f"learner-{i:03d}-" + "with-a-very-long-identifier" * 3
        if i % 3:
            cls.results.append(graded(student, {"two_layer_model_hidden_shapes": reason(
                "the return value", "result: shape (4, 10) expected, got " + long_step)}))
        else:
            cls.results.append(SubmissionResult.not_graded(student, 10.0, "damaged_" + long_step))
    return cls


def test_report_fits_1280_px(browser, tmp_path):
    """Charts, long ids and long reasons stay inside a 1280 px window; the page raises no error."""
    path = write_report(crowded_class(), tmp_path, tmp_path / "exports")
    page = open_page(browser, path, 1280)
    try:
        assert page.errors == []
        assert page.locator("img.plot").count() >= 4
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert_no_horizontal_scroll(page)
        shot(page, "test_report_fits_1280_px", "01-report")
    finally:
        page.context.close()
