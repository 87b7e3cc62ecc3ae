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
