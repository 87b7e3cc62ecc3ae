"""The pages the course writes carry a Content-Security-Policy that refuses scripts and loads."""
import re

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from dnn_course.course.csp import POLICY, csp_meta, with_csp
from dnn_course.preprocessors.feedback_math import OfflineMathHTMLExporter, mathml_cells

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def directives(policy):
    return dict((d.split()[0], d.split()[1:]) for d in policy.split("; "))


def test_policy_refuses_scripts_plugins_base_forms_and_loads():
    """Each directive the pages rely on, exactly."""
    d = directives(POLICY)
    assert d["script-src"] == ["'none'"] and d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'none'"] and d["form-action"] == ["'none'"]
    assert d["default-src"] == ["'none'"] and d["frame-src"] == ["'none'"]
    assert d["img-src"] == ["data:"] and d["style-src"] == ["'unsafe-inline'"]
    assert "style-src-attr" not in d
    assert directives(META.search(csp_meta(False)).group(1))["style-src-attr"] == ["'none'"]


def test_policy_comes_first_in_the_head():
    """A policy binds only what follows it: it goes right after <head>, before any learner text."""
    page = with_csp('<html><head lang="x"><title>t</title></head><body></body></html>')
    assert page.startswith('<html><head lang="x"><meta http-equiv="Content-Security-Policy"')
    with pytest.raises(ValueError, match="no <head>"):
        with_csp("<p>no head</p>")


def test_feedback_page_carries_the_policy_before_its_content():
    """The feedback exporter's page: the policy with style attributes refused, first in <head>,
    once; the formula is MathML (no script needed)."""
    nb = new_notebook(cells=[new_markdown_cell("Notes on $W^{[1]}$.")])
    mathml_cells(nb)
    page, _ = OfflineMathHTMLExporter(template_name="lab").from_notebook_node(nb)
    found = META.findall(page)
    assert found == [POLICY + "; style-src-attr 'none'"]
    head = page.index("<head")
    assert page.index("<meta http-equiv") < page.index("<title", head) < page.index("<math")
