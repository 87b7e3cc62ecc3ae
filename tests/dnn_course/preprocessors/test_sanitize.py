"""Learner content is cleaned before any page shows it: each kind of attack removed, notes kept."""
import base64
import copy

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from dnn_course.course.nbapi import load_config
from dnn_course.course.paths import source_notebook
from dnn_course.preprocessors.feedback_math import mathml_cells
from dnn_course.preprocessors.sanitize import SanitizeLearnerContent, clean_html, clean_markdown, clean_output
from page_markup import Elements, problems

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()

# Each class of attack, as a learner would put it in a markdown cell.
VECTORS = {
    "script": "<script>document.title='pwned'</script>",
    "img onerror": "<img src=x onerror=\"document.title='pwned'\">",
    "svg onload": "<svg onload=\"document.title='pwned'\"><use href=\"#x\"/></svg>",
    "iframe srcdoc": "<iframe srcdoc=\"<script>parent.document.title='pwned'</script>\"></iframe>",
    "details ontoggle": "<details open ontoggle=\"document.title='pwned'\"><summary>x</summary></details>",
    "html javascript link": "<a href=\"javascript:document.title='pwned'\">click</a>",
    "markdown javascript link": "[click](javascript:document.title='pwned')",
    "entity-encoded javascript link": "[click](&#106;avascript:document.title='pwned')",
    "tab in javascript link": "<a href=\"jav&#x09;ascript:document.title='pwned'\">click</a>",
    "upper-case handler": "<IMG SRC=x ONERROR=\"document.title='pwned'\">",
    "unicode-escaped handler body": "<img src=x onerror=\"\\u0064ocument.title='pwned'\">",
    "data link": "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "data svg image": "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "style block": "<style>.output_error{display:none}</style>",
    "style attribute": "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">"
                       "Grader note: all 10 tests passed, verified 20 / 20</div>",
    "css url call home": "<div style=\"background:url(https://evil.example/x)\">x</div>",
    "borrowed page class": "<div class=\"alert alert-success navbar-fixed-top dnn-summary\">20 / 20</div>",
    "id clobbering": "<img id=\"score\" name=\"grade\" src=\"images/a.png\">",
    "base": "<base href=\"https://evil.example/\">",
    "meta refresh": "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "link stylesheet": "<link rel=\"stylesheet\" href=\"https://evil.example/a.css\">",
    "form": "<form action=\"/api/terminals\" method=\"post\"><button>go</button></form>",
    "object and embed": "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "remote image": "<img src=\"https://evil.example/track.png\">",
    "math mutation": "<math><mtext><table><mglyph><style><img src=x onerror=\"document.title='pwned'\">",
    "svg mutation": "<svg></p><style><a id=\"</style><img src=1 onerror=document.title='pwned'>\">",
    "noscript mutation": "<noscript><p title=\"</noscript><img src=x onerror=document.title='pwned'>\">",
    "template": "<template><img src=x onerror=\"document.title='pwned'\"></template>",
    "alt closes attribute": "<img src=images/a.png alt=\"x\"/onerror=\"document.title='pwned'\">",
    "tex href": "$\\href{javascript:document.title='pwned'}{x}$",
    "tex style": "$$\\style{position:fixed;top:0}{\\text{20 / 20}}$$",
    "entity-encoded tex href": "&#92;href{javascript:document.title='pwned'}{x}",
    "tex overlay": "$\\raise{-400px}{\\rule{2000px}{900px}}\\kern-900px$",
}


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_each_attack_removed_from_markdown(name):
    """No vector leaves a script, handler, style, borrowed class, frame, form or live URL,
    neither in the cleaned cell nor after formgrader renders the cleaned cell as markdown again."""
    raw = markdown2html_mistune(VECTORS[name])
    assert problems(raw) or problems(VECTORS[name]), f"{name}: harmless uncleaned: checks nothing"
    cleaned = clean_markdown(VECTORS[name])
    assert problems(cleaned) == []
    assert problems(markdown2html_mistune(cleaned)) == []


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_each_attack_removed_from_html_output(name):
    """The same vectors as HTML made while grading (display(HTML(...)))."""
    out = new_output("display_data", data={"text/html": VECTORS[name], "text/plain": "<HTML>"})
    clean_output(out)
    assert problems(out.data["text/html"]) == []


def test_markdown_links_survive_a_second_rendering_as_text():
    """A javascript: link that only stays text because of where it is (a code block with a blank
    line, a stripped script) is still text when formgrader renders the cleaned cell again."""
    source = ("* item\n\n  ```\n  a\n\n  [x](javascript:document.title='pwned')\n  ```\n\n"
              "<script>[y](javascript:document.title='pwned')</script>\n")
    cleaned = clean_markdown(source)
    again = markdown2html_mistune(cleaned)
    assert again.strip() == cleaned.strip()
    assert "<a " not in again
    assert "[x](javascript:document.title='pwned')" in again


def test_harmless_notes_keep_formula_image_table_and_code():
    """A learner's notes: the formula stays TeX for MathJax and becomes MathML on the feedback
    page; markdown, attachment and data: images, a table and code all stay."""
    source = ("My notes on $W^{[1]} x + b^{[1]}$ with $a < b$ and\n\n"
              "$$\\frac{1}{m} \\sum_{i=1}^{m} (a - y)^2$$\n\n"
              "![cat](images/cat.png) ![png](data:image/png;base64," + PNG + ") ![att](attachment:a.png)\n\n"
              "| layer | units |\n|---|---|\n| 1 | 7 |\n\n"
              "```python\nfor i in range(3):\n    x = x * 2\n```\n\nand `np.dot(W, A)` inline, **bold**.")
    cleaned = clean_markdown(source, {"a.png": {"image/png": PNG}})
    assert "$W^{[1]} x + b^{[1]}$" in cleaned and "$a &lt; b$" in cleaned
    assert "$$\\frac{1}{m} \\sum_{i=1}^{m} (a - y)^2$$" in cleaned
    imgs = [a["src"] for t, a in Elements(cleaned).found if t == "img"]
    assert imgs == ["images/cat.png", f"data:image/png;base64,{PNG}", f"data:image/png;base64,{PNG}"]
    assert "<td>7</td>" in cleaned and "<th>units</th>" in cleaned
    assert "<pre>" in cleaned and "range" in cleaned and "<code>np.dot(W, A)</code>" in cleaned
    assert "<strong>bold</strong>" in cleaned
    nb = new_notebook(cells=[new_markdown_cell(cleaned)])
    assert mathml_cells(nb) == 0
    assert nb.cells[0].source.count("<math ") == 3


def test_course_notebook_formulas_still_convert_after_cleaning():
    """Every formula of the course's own markdown still becomes MathML on the feedback page."""
    nb = nbformat.read(str(source_notebook()), as_version=4)
    plain = copy.deepcopy(nb)
    SanitizeLearnerContent().preprocess(nb, {})
    assert mathml_cells(nb) == 0 and mathml_cells(plain) == 0
    count = lambda book: sum(c.source.count("<math ") for c in book.cells)  # noqa: E731
    assert count(nb) == count(plain) > 20


def test_outputs_allow_listed_by_mime_type():
    """JavaScript, SVG and unknown types become text with a one-line note; markdown and LaTeX
    become cleaned HTML; a PNG that is not base64 is dropped; image metadata only as numbers."""
    js = new_output("display_data", data={"application/javascript": "document.title='pwned'",
                                          "text/plain": "<IPython.core.display.Javascript object>"})
    assert clean_output(js) == ["application/javascript"]
    assert list(js.data) == ["text/plain"]
    assert js.data["text/plain"].splitlines() == [
        "[application/javascript output not shown: it could run code or restyle the grader's page. "
        "Its text:]", "document.title='pwned'"]
    svg = new_output("display_data", data={"image/svg+xml": "<svg onload=alert(1)></svg>"})
    clean_output(svg)
    assert svg.data["text/plain"].startswith("[image/svg+xml output not shown")
    widget = new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"a": 1},
                                              "text/html": "<b>ok</b>"})
    assert clean_output(widget) == ["application/vnd.jupyter.widget-view+json"]
    assert widget.data == {"text/html": "<b>ok</b>"}
    md = new_output("execute_result", data={"text/markdown": "[x](javascript:alert(1)) **b**"},
                    execution_count=1)
    clean_output(md)
    assert list(md.data) == ["text/html"] and "<strong>b</strong>" in md.data["text/html"]
    assert problems(md.data["text/html"]) == []
    tex = new_output("display_data", data={"text/latex": "$\\href{javascript:x}{y}$ <b>"})
    clean_output(tex)
    assert problems(tex.data["text/html"]) == [] and "&lt;b&gt;" in tex.data["text/html"]
    png = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                     metadata={"image/png": {"width": 300, "height": "1\" onload=\"x"}, "x": "y"})
    clean_output(png)
    assert png.data["image/png"] == PNG and png.metadata == {"image/png": {"width": 300}}
    bad = new_output("display_data", data={"image/png": "\"><script>alert(1)</script>"})
    assert clean_output(bad) == ["image/png"]
    assert bad.data == {"text/plain": "[image/png output not shown: it could run code or restyle "
                                      "the grader's page. Its text:]\n\"><script>alert(1)</script>"}


def test_notebook_cleaned_and_idempotent():
    """Markdown, raw HTML cells, kept outputs, hidden outputs and widget state: all cleaned, and
    a second run (feedback after autograde) changes nothing."""
    nb = new_notebook(cells=[
        new_markdown_cell("<script>x()</script>Hi $x$"),
        new_raw_cell("<script>x()</script>", metadata={"format": "text/html"}),
        new_code_cell("display(HTML(...))", outputs=[new_output(
            "display_data", data={"text/html": "<img src=x onerror=alert(1)>"})],
            metadata={"jupyter": {"outputs_hidden": True}})])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    SanitizeLearnerContent()(nb, {})  # called as nbgrader calls its steps: on without config
    assert nb.cells[0].source.startswith('<div class="dnn-learner">x()Hi $x$')
    assert "format" not in nb.cells[1].metadata
    assert nb.cells[2].outputs[0].data["text/html"] == '<img src="x">'
    assert nb.cells[2].metadata["jupyter"] == {} and "widgets" not in nb.metadata
    again = copy.deepcopy(nb)
    SanitizeLearnerContent().preprocess(again, {})
    assert again == nb


def test_clean_html_has_no_blank_line():
    """Cleaned HTML is one markdown HTML block: a blank line would end it."""
    assert clean_html("<pre>a\n\n\nb</pre>") == "<pre>a&#10;&#10;\nb</pre>"


def test_wired_into_grading_and_feedback():
    """Both nbgrader autograde and dnn-course grade (same config) clean after running the
    notebook and before saving grades; feedback and formgrader's exporter clean first."""
    cfg = load_config()
    steps = [s.__name__ for s in cfg.Autograde.autograde_preprocessors]
    assert steps.index("SanitizeLearnerContent") > steps.index("GuardedExecute")
    assert steps.index("SanitizeLearnerContent") > steps.index("LimitOutput")
    assert steps.index("SanitizeLearnerContent") < steps.index("SaveAutoGrades")
    assert cfg.GenerateFeedback.preprocessors[0] is SanitizeLearnerContent
    assert cfg.HTMLExporter.preprocessors == [SanitizeLearnerContent]


def test_course_cells_as_released_stay_as_they_are(tmp_path):
    """A markdown cell exactly as the release has it is the course's own text (anchors, image
    sizes, its table of contents) and stays; one a learner changed by a character is cleaned."""
    from traitlets.config import Config

    from dnn_course.course.paths import release_notebook

    released = nbformat.read(str(release_notebook()), as_version=4)
    course = next(c for c in released.cells if c.cell_type == "markdown" and "style=" in c.source)
    nb = new_notebook(cells=[copy.deepcopy(course), new_markdown_cell(course.source + " "),
                             new_markdown_cell("<script>x()</script>")])
    (tmp_path / "release" / "dnn_app").mkdir(parents=True)
    nbformat.write(released, str(tmp_path / "release" / "dnn_app" / "dnn_app.ipynb"))
    cfg = Config()
    cfg.CourseDirectory.root = str(tmp_path)
    resources = {"nbgrader": {"assignment": "dnn_app", "notebook": "dnn_app", "student": "s"}}
    SanitizeLearnerContent(config=cfg)(nb, resources)
    assert nb.cells[0].source == course.source
    assert "style=" not in nb.cells[1].source and nb.cells[1].source.startswith('<div class="dnn-learner">')
    assert "<script" not in nb.cells[2].source
    resources["nbgrader"]["assignment"] = "other"  # no release there: everything cleaned
    again = new_notebook(cells=[copy.deepcopy(course)])
    SanitizeLearnerContent(config=cfg)(again, resources)
    assert "style=" not in again.cells[0].source


def test_formgrader_grading_view_escapes_names(tmp_path):
    """nbgrader's own grading-view template, rendered by the exporter formgrader builds from
    the course's configuration: a hostile name shows as text, learner markup is cleaned."""
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    cfg = load_config()
    cfg.HTMLExporter.template_name = "formgrade"
    cfg.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    nb = new_notebook(cells=[new_markdown_cell("<img src=x onerror=alert(1)>notes")])
    path = tmp_path / "dnn_app.ipynb"
    nbformat.write(nb, str(path))
    resources = {"assignment_id": "dnn_app", "notebook_id": "dnn_app", "submission_id": "1",
                 "index": 0, "total": 1, "base_url": "", "student": "s1",
                 "last_name": "<img src=x onerror=alert(2)>", "first_name": "Ana",
                 "notebook_path": "autograded/s1/dnn_app/dnn_app.ipynb"}
    page, _ = HTMLExporter(config=cfg).from_filename(str(path), resources=resources)
    assert "&lt;img src=x onerror=alert(2)&gt;, Ana" in page
    assert "onerror" not in page.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    assert "notes" in page
