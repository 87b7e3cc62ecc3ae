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


def test_grading_page_shows_formulas_with_the_network_cut_off(instructor_server, make_page, request):
    """Every request off this machine is refused (the CDN's MathJax among them): the grading
    page's instructions still show their formulas drawn, as MathML, not as raw TeX; and the
    formgrader no longer logs "Formgrader config is not serializable" on Manage Assignments."""
    from urllib.parse import urlparse

    page = make_page(1280)
    refused = []

    def local_only(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    page.context.route("**/*", local_only)
    instructor_server.log_in(page)
    page.goto(instructor_server.page_url("formgrader/manage_assignments"))
    page.locator("tbody tr", has_text=ASSIGNMENT).first.wait_for(timeout=30_000)
    page.goto(instructor_server.page_url(f"formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"))
    page.locator("tbody tr a", has_text="Submission #").first.wait_for(timeout=30_000)
    page.locator("tbody tr a", has_text="Submission #").first.click()
    formulas = page.locator(".text_cell_render math")
    formulas.first.wait_for(timeout=30_000)
    formulas.first.scroll_into_view_if_needed()
    shot(page, request.node.name, "01-formula-offline", full_page=False)
    assert any("mathjax" in url.lower() for url in refused), refused  # else nothing was cut off
    assert formulas.count() >= 10
    box = formulas.first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5, box
    text = "\n".join(page.locator(".text_cell_render").all_inner_texts())
    raw = [t for t in ("$", "\\frac", "^{[", "\\sigma", "\\mathcal") if t in text]
    assert not raw, (raw, text[:2000])
    assert "not serializable" not in instructor_server.log_tail(400)
