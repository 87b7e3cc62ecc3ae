"""The feedback page's formulas become MathML at generation time (no MathJax, no network)."""
import copy
import logging
import re

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dnn_course.preprocessors.feedback_math import (OfflineMathHTMLExporter, mathml_cells, mathml_markdown,
                                      tex_to_mathml)
from dnn_course.course.paths import source_notebook

FORMULA = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$|\\\(.+?\\\)", re.S)


def course_markdown():
    """The markdown cells of the course notebook that hold a formula."""
    nb = nbformat.read(str(source_notebook()), as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "markdown" and FORMULA.search(c.source)]
    assert cells, "the course notebook has no formula: this test checks nothing"
    return nb, cells


def test_every_course_formula_converts():
    """Each formula of the notebook's markdown becomes one <math> element; no TeX is left."""
    nb, cells = course_markdown()
    formulas = sum(len(FORMULA.findall(c.source)) for c in cells)
    assert formulas >= 20
    assert mathml_cells(nb) == 0
    converted = "".join(c.source for c in cells)
    assert converted.count("<math ") == formulas
    assert "$" not in converted and "\\" not in converted


def test_course_formulas_read_as_written():
    """The pieces of the course's formulas survive: superscripts [l], fractions, \\left( \\right),
    \\text, \\dots; and the form of the brief's example, an arrow and a times sign."""
    dA = tex_to_mathml(r"dA^{[2]} = -\left(\frac{Y}{A^{[2]}} - \frac{1 - Y}{1 - A^{[2]}}\right)")
    assert dA.count("<mfrac>") == 2 and dA.count("<msup>") == 3 and 'fence="true"' in dA
    relu = tex_to_mathml(r"A^{[l]} = \text{RELU}(W^{[l]} A^{[l-1]} + b^{[l]})")
    assert "<mtext>RELU</mtext>" in relu and relu.count("<msup>") == 4
    assert "&#x02026;" in tex_to_mathml(r"l = 1, \dots, L-1")
    arrow = tex_to_mathml(r"[LINEAR \rightarrow RELU] \times (L-1)")
    assert "&#x02192;" in arrow and "&#x000D7;" in arrow
    assert 'display="block"' in tex_to_mathml("x", display=True)


def test_markdown_renders_the_mathml_as_it_is():
    """nbconvert's markdown keeps the MathML: no link, emphasis or math made from its text."""
    nb, cells = course_markdown()
    mathml_cells(nb)
    for cell in cells:
        page = markdown2html_mistune(cell.source)
        assert page.count("<math ") == cell.source.count("<math ")
        for math in re.findall(r"<math .*?</math>", page, re.S):
            assert not re.search(r"<(?:a|em|strong|code)\b|\$", math), math
    text = "$a_b * c_d$ and $[x](y)$"
    page = markdown2html_mistune(mathml_markdown(text)[0])
    assert "<em>" not in page and "<a " not in page and page.count("<msub>") == 2


def test_code_is_not_math():
    """A $ in a code cell, an output, a code span or a fenced block stays as it is."""
    code = 'print("costs $5 and $6")  # $x$'
    fenced = "```python\ncost = $x$\n```\n"
    nb = new_notebook(cells=[
        new_code_cell(code, outputs=[new_output("stream", name="stdout", text="$x$ $$y$$\n")]),
        new_markdown_cell("Use `$x$` or ``$y$``, not $z$.\n\n" + fenced + "Costs $5 and $6.")])
    before = copy.deepcopy(nb.cells[0])
    assert mathml_cells(nb) == 0
    assert nb.cells[0] == before
    md = nb.cells[1].source
    assert md.startswith("Use `$x$` or ``$y$``, not <math ") and fenced in md
    assert md.endswith("Costs $5 and $6.") and md.count("<math ") == 1


def test_grader_comments_convert_too():
    """A grader's comment (markdown on the page, under its cell) gets MathML like the text."""
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"grade": True, "comment": "Divide by $m$ here, `$m$` in code."}
    nb = new_notebook(cells=[cell])
    assert mathml_cells(nb) == 0
    comment = nb.cells[0].metadata["nbgrader"]["comment"]
    assert comment.startswith("Divide by <math ") and comment.endswith("`$m$` in code.")
    assert nb.cells[0].source == "x = 1"


def test_delimiters():
    """$...$, $$...$$, \\(...\\) and \\[...\\] are math; \\$ is a dollar."""
    text, failed = mathml_markdown(r"$a$ $$b$$ \(c\) \[d\] \$5")
    assert failed == [] and text.endswith(r" \$5")
    assert re.findall(r'display="(\w+)"', text) == ["inline", "block", "inline", "block"]


def test_a_broken_formula_keeps_its_text(caplog):
    """A formula latex2mathml cannot read, or reads with an unknown command, stays as TeX and
    is logged; the rest of the cell is converted."""
    text = r"Good $x^2$, broken $\frac{1}{$, unknown $\foo y$."
    nb = new_notebook(cells=[new_markdown_cell(text)])
    with caplog.at_level(logging.WARNING):
        assert mathml_cells(nb) == 2
    md = nb.cells[0].source
    assert md.count("<math ") == 1 and r"broken $\frac{1}{$, unknown $\foo y$." in md
    assert r"$\frac{1}{$" in caplog.text and r"\foo" in caplog.text


def test_the_page_loads_no_mathjax():
    """The exporter writes no MathJax script (nbconvert's macro loads it from a CDN) and
    keeps the MathML; the course's feedback uses it."""
    from dnn_course.course.nbapi import load_config

    nb = new_notebook(cells=[new_markdown_cell("$x^2$")])
    mathml_cells(nb)
    scripts = re.compile(r"<script[^>]*>.*?</script>", re.S)
    plain, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert any("mathjax" in s.lower() for s in scripts.findall(plain))  # else it checks nothing
    page, _ = OfflineMathHTMLExporter(template_name="classic").from_notebook_node(nb)
    assert not any("mathjax" in s.lower() for s in scripts.findall(page))
    assert "libs/mathjax" not in page and "<msup>" in page and "math { font-size" in page
    assert load_config().GenerateFeedback.exporter_class == \
        f"{OfflineMathHTMLExporter.__module__}.{OfflineMathHTMLExporter.__name__}"


def test_formgrader_exporter_gets_the_formulas_as_mathml():
    """The course's configuration gives every HTMLExporter it builds (the formgrader's grading
    page among them) the formulas as MathML, so they read offline; code cells keep their $."""
    from dnn_course.course.nbapi import load_config

    nb = new_notebook(cells=[new_markdown_cell("The cost $J = -\\frac{1}{m}$ and $W^{[1]}$."),
                             new_code_cell("price = '$5'")])
    page, _ = HTMLExporter(config=load_config(), template_name="classic").from_notebook_node(nb)
    assert page.count("<math") == 2 and "<mfrac>" in page and "W^{[1]}" not in page
    plain, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert "<math" not in plain and "W^{[1]}" in plain  # else it checks nothing
