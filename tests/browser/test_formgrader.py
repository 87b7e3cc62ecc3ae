"""The instructor's formgrader lists the graded submissions with the gradebook's scores."""
import pytest

from dnn_course.course.paths import ASSIGNMENT

from .conftest import CORRECT, MISTAKE
from .pages import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_formgrader_lists_submissions_with_their_scores(instructor_server, graded_class, make_page,
                                                       request):
    """Manage Submissions shows both students, each with the score the gradebook holds."""
    _, scores = graded_class
    page = make_page(1280)
    instructor_server.log_in(page)
    page.goto(instructor_server.page_url(f"formgrader/manage_submissions/{ASSIGNMENT}"))
    rows = page.locator("tbody tr")
    rows.filter(has_text=MISTAKE).wait_for(timeout=30_000)
    shot(page, request.node.name, "01-manage-submissions")
    assert scores[CORRECT] == (20, 20), scores
    assert 0 < scores[MISTAKE][0] < 20, scores
    headers = [h.strip() for h in page.locator("thead th").all_inner_texts()]
    column = headers.index("Score")
    assert rows.count() == len(scores), rows.all_inner_texts()
    for student, (score, max_score) in scores.items():
        shown = rows.filter(has_text=student).locator("td").nth(column).inner_text().strip()
        assert shown == f"{score:g} / {max_score:g}", \
            f"{student}: formgrader shows {shown!r}, the gradebook has {score:g} / {max_score:g}"
    assert page.errors == []


def test_id_only_students_read_as_their_ids(instructor_server, graded_class, make_page, request):
    """Learners first met by grading have no name, only an id (grading.add_student stores it
    as the last name). nbgrader's lists write every name as ``last + ", " + first`` in their
    JavaScript (a missing one as "None"; jupyter/nbgrader#1821), so there they read as the id
    and a trailing comma, the least of the choices tried (the id as first name gives
    ", id" or "None, id"; as both names "id, id", which the grading page and the exports
    would repeat); the grading page itself shows the id alone."""
    page = make_page(1280)
    instructor_server.log_in(page)
    for url, column in ((f"formgrader/manage_submissions/{ASSIGNMENT}", "Student Name"),
                        ("formgrader/manage_students", "Name")):
        page.goto(instructor_server.page_url(url))
        rows = page.locator("tbody tr")
        rows.filter(has_text=MISTAKE).wait_for(timeout=30_000)
        headers = [h.strip() for h in page.locator("thead th").all_inner_texts()]
        for student in (CORRECT, MISTAKE):
            name = rows.filter(has_text=student).locator("td").nth(headers.index(column))
            assert name.inner_text().strip() in (student, student + ","), (url, name.inner_text())
        shot(page, request.node.name, f"0{1 + url.count('students')}-{column.replace(' ', '-')}")
    assert page.errors == []
    # (the grading page's own MathJax fails offline, "MathJax is not defined": nbgrader's)
    page.goto(instructor_server.page_url(f"formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"))
    page.locator("tbody tr a", has_text="Submission #").first.wait_for(timeout=30_000)
    page.locator("tbody tr a", has_text="Submission #").first.click()
    shown = page.locator("a.name-shown").first
    shown.wait_for(state="attached", timeout=30_000)
    assert shown.text_content().strip() in (CORRECT, MISTAKE), shown.text_content()
    page.locator(".glyphicon-eye-open.name-hidden").first.click()  # reveal the name
    shot(page, request.node.name, "03-grading-page", full_page=False)
