"""The pages the course writes are autoescaped jinja2 templates: hostile names and findings show as text."""
import re
import tomllib
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from dnn_course.admin.class_results import Person
from dnn_course.admin.regrade import Change
from dnn_course.admin.regrade_page import render as regrade_page
from dnn_course.admin.report import render as report_page
from dnn_course.classroom.release import message_page
from dnn_course.course.pages import ENV, JoinLines, render
from dnn_course.course.paths import ASSIGNMENT, COURSE_ROOT, NOTEBOOK
from dnn_course.preprocessors.feedback_page import summary_html
from report_class import graded, hand_made_class, reason

# A learner id as an LMS download could name it (no "/": it is a folder name), and a text
# that closes the attribute it sits in, opens a script and an image that runs code.
STUDENT = "\"><img src=x onerror=alert(1)> O'Brien & co"
TEXT = "\"'><script>alert(2)</script><img src=x onerror=alert(3)> a < b && c"
TEMPLATES = COURSE_ROOT / "dnn_course" / "templates"
# Where the page modules once built markup with f-strings and html.escape.
PAGE_MODULES = ("admin/report.py", "admin/report_plots.py", "admin/regrade_page.py",
                "preprocessors/feedback_page.py", "preprocessors/late_line.py", "classroom/release.py")


class Page(HTMLParser):
    """A page as a browser's tokenizer reads it: its elements and its text (references decoded)."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.elements, self.chunks = [], []
        self.feed(markup)
        self.text = "".join(self.chunks)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    def live(self):
        """Elements or attributes that would run code or load something."""
        return [(tag, attrs) for tag, attrs in self.elements
                if tag in ("script", "iframe", "svg") or any(a.startswith("on") for a in attrs)
                or (tag == "img" and not attrs.get("src", "").startswith("data:image/png;base64,"))]


def test_report_shows_a_hostile_student_and_finding_as_text(tmp_path):
    """The student's id (linked to their feedback page), their name from the LMS and the finding's
    step, kind and message, each a text that tries to break out: none becomes markup, each shows
    exactly, also in the attributes that carry the step and kind."""
    cls = hand_made_class()
    cls.results.insert(0, graded(STUDENT, {"two_layer_model_hidden_shapes": reason(TEXT, TEXT, kind=TEXT)}))
    cls.people[STUDENT] = Person("First", TEXT, "99")
    feedback = tmp_path / "feedback" / STUDENT / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")
    feedback.parent.mkdir(parents=True)
    feedback.write_text("<p>feedback</p>")
    page = Page(report_page(cls, tmp_path, tmp_path / "exports"))
    assert page.live() == []
    links = [attrs["href"] for tag, attrs in page.elements if tag == "a"]
    assert [unquote(h) for h in links] == [f"../feedback/{STUDENT}/{ASSIGNMENT}/dnn_app.html"] * 2
    assert ("div", {"class": "group", "data-step": TEXT}) in page.elements
    assert ("div", {"class": "signature", "data-kind": TEXT}) in page.elements
    # step and kind as headings, the message as the example, the name in the table
    assert page.text.count(TEXT) == 4 and page.text.count(STUDENT) == 2


def test_report_history_shows_a_hostile_learner_and_reason_as_text(tmp_path):
    """The history column's link and the history section (main's regrade merge): the learner's
    id as the section's heading and the change's reason and author in its lines show as text;
    the anchor is a number, never the learner's id."""
    from dnn_course.course import history

    cls = hand_made_class()
    cls.results.insert(0, graded(STUDENT, {}))
    for change in (history.GradeChange(STUDENT, ASSIGNMENT, "autograde", None, 6.0, TEXT, TEXT),
                   history.GradeChange(STUDENT, ASSIGNMENT, "regrade", 6.0, 8.0, TEXT, "regrade")):
        history.record(tmp_path, change)
    page = Page(report_page(cls, tmp_path, tmp_path / "exports"))
    assert page.live() == []
    assert [attrs["href"] for tag, attrs in page.elements if tag == "a"] == ["#history-0"]
    assert ("h3", {"id": "history-0"}) in page.elements
    lines = [history.line_text(c) for c in history.read(tmp_path, STUDENT, ASSIGNMENT)]
    assert "\n".join(lines) in page.text and page.text.count(TEXT) == 3  # two reasons, one author


def test_summary_shows_a_hostile_finding_as_text_on_one_line():
    """The summary is a markdown cell: one line (a line break could end its HTML block), and
    the test's id, description, step, finding, reason and the late line all show as text."""
    failed = [{"grade_id": TEXT, "description": TEXT, "score": 0, "points": 2, "step": TEXT,
               "said": TEXT, "reason": TEXT}]
    markup = summary_html(failed, 0, 20, 5, late=TEXT)
    page = Page(markup)
    assert "\n" not in markup and page.live() == []
    assert ("a", {"href": f"#{TEXT}"}) in page.elements
    assert page.text.count(TEXT) == 5
    assert ("a", {"data-test": f"#{TEXT}"}) in Page(summary_html(failed, 0, 20, 5, links=False)).elements


def test_regrade_and_service_pages_show_hostile_text_as_text():
    """The regrade preview's learner, test, finding, headline and assignment; the service page's
    title and message."""
    changes = [Change(STUDENT, 6.0, 4.0, [(TEXT, 2.0, 0.0, TEXT)], [(TEXT, 1.0, "kept")])]
    page = Page(regrade_page(changes, TEXT, TEXT))
    assert page.live() == [] and page.text.count(STUDENT) == 1 and page.text.count(TEXT) == 6
    page = Page(message_page(TEXT, TEXT))
    assert page.live() == [] and page.text.count(TEXT) == 3  # title, heading, message


def test_every_template_is_autoescaped_and_shipped():
    """Each file in dnn_course/templates/ is escaped when rendered, and the wheel's package data
    (pyproject.toml) names every one of them."""
    names = sorted(p.name for p in TEMPLATES.iterdir())
    assert {"report.html", "summary.html", "regrade.html", "message.html"} <= set(names)
    assert all(ENV.autoescape(name) for name in names)
    data = tomllib.loads((COURSE_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {p.name for pattern in data["dnn_course"] for p in (COURSE_ROOT / "dnn_course").glob(pattern)}
    assert shipped == set(names)


def test_html_templates_lose_their_line_breaks_not_their_words():
    """JoinLines: in an .html template a line break and the indentation after it go, words keep
    the spaces written in them; other templates (CSS) stay as written."""
    source = "<p>\n  {{ a }}\n  <b>{{ b }}</b>{{ ' ' }}\n  c d\n</p>\n"
    assert JoinLines(ENV).preprocess(source, "x.html") == "<p>{{ a }}<b>{{ b }}</b>{{ ' ' }}c d</p>"
    assert JoinLines(ENV).preprocess(source, "x.css") == source
    assert render("message.html", title="t", text="x\ny") == (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title><style>body { '
        'font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; }</style></head>'
        "<body><h1>t</h1><p>x\ny</p></body></html>")


@pytest.mark.parametrize("module", PAGE_MODULES)
def test_page_modules_leave_escaping_to_the_templates(module):
    """No hand escaping where pages are made; ``Markup`` (a promise that text is safe) only in
    course/pages.py, for the course's own constant markup."""
    assert not re.search(r"\bescape\b|\bMarkup\b", (COURSE_ROOT / "dnn_course" / module).read_text())


def test_only_course_pages_marks_markup_safe():
    users = [p for p in (COURSE_ROOT / "dnn_course").rglob("*.py") if "Markup(" in p.read_text()]
    assert users == [COURSE_ROOT / "dnn_course" / "course" / "pages.py"]
