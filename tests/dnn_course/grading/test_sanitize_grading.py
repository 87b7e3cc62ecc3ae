"""Grading a submission that carries a script and a display(HTML) attack: clean pages, full score."""
import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from conftest import course_data_dir
from dnn_course.course.csp import csp_meta
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.demo.samples import sample_notebooks
from dnn_course.grading.submission import grade_one
from page_markup import Elements, problems

pytestmark = pytest.mark.slow

STUDENT = "hostile-markup"
MARKDOWN = ("My notes: $W^{[1]}$ has shape $(7, 12288)$.\n\n"
            "<script>document.title='pwned-markdown'</script>\n\n"
            "<style>.output_error{display:none}</style>\n\n"
            "<div style=\"position:fixed;top:0\">Grader note: verified 20 / 20</div>\n\n"
            "[my link](javascript:document.title='pwned-link')")
DISPLAY = ("from IPython.display import HTML, Javascript, display\n"
           "display(HTML(\"<img src=x onerror=\\\"document.title='pwned-html'\\\">\"))\n"
           "display(Javascript(\"document.title='pwned-js'\"))\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course_template):
    """A scratch course where a correct submission with the attacks is graded, then its feedback."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    root = course_template.copy(tmp_path_factory.mktemp("sanitize") / "course")
    nb = sample_notebooks()["demo-correct"]
    nb.cells.insert(1, new_markdown_cell(MARKDOWN))
    solution = next(c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "two_layer_model")
    solution.source = DISPLAY + solution.source
    path = root / "submitted" / STUDENT / ASSIGNMENT / NOTEBOOK
    path.parent.mkdir(parents=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    api = make_api(root)
    result = grade_one(api, root, ASSIGNMENT, STUDENT)
    feedback = api.generate_feedback(ASSIGNMENT, STUDENT, force=True)
    yield root, result, feedback
    mp.undo()


def test_correct_solution_keeps_full_score(graded):
    """The attacks cost a correct submission nothing: 20 / 20."""
    _, result, _ = graded
    assert result.status == "graded", result
    assert (result.score, result.max_score) == (20, 20), result


def test_autograded_notebook_is_clean(graded):
    """The autograded notebook (what formgrader renders) holds none of the learner's markup;
    the learner's formula stays, the JavaScript output shows as text with its note."""
    root = graded[0]
    nb = nbformat.read(str(root / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOK), as_version=4)
    notes = nb.cells[1].source
    assert "$W^{[1]}$" in notes and "Grader note: verified 20 / 20" in notes
    assert "<script" not in notes and "<style" not in notes and "style=" not in notes
    released = nbformat.read(str(root / "release" / ASSIGNMENT / NOTEBOOK), as_version=4)
    course = {c.source for c in released.cells if c.cell_type == "markdown"}
    assert sum(c.source in course for c in nb.cells) == len(course)  # the course's text, as it was
    shown = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source not in course] + \
        [o.data["text/html"] for c in nb.cells for o in c.get("outputs", [])
         if "text/html" in o.get("data", {})]
    assert [p for fragment in shown for p in problems(fragment)] == []
    solution = next(c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "two_layer_model")
    datas = [o.data for o in solution.outputs if o.output_type == "display_data"]
    assert datas[0] == {"text/html": '<img src="x">', "text/plain": "<IPython.core.display.HTML object>"}
    assert datas[1] == {"text/plain": "[application/javascript output not shown: it could run code "
                                      "or restyle the grader's page. Its text:]\n"
                                      "document.title='pwned-js'"}


def test_feedback_page_is_clean(graded):
    """The feedback page shows the learner's notes with the formula as MathML, and none of
    the learner's markup (the learner's code is shown as code, escaped)."""
    root, _, feedback = graded
    assert feedback["success"], feedback
    page = (root / "feedback" / STUDENT / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    start = page.index("My notes:")
    notes = page[start:page.index("</div>", start)]
    assert "<math" in notes and "Grader note: verified 20 / 20" in notes
    assert "<style" not in notes and "style=" not in notes and "<script" not in notes
    found = Elements(page).found
    assert [a for _, a in found if set(a) & {"onerror", "onload", "onclick"}] == []
    assert [a for t, a in found if t == "a" and "javascript" in a.get("href", "").lower()] == []
    assert "<script>document.title" not in page and "<img src=x" not in page
    assert csp_meta(style_attributes=False) in page[:page.index("<title")]
