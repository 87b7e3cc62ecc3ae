"""The feedback page's summary and layout: what failed and why, readable at 1024 px.

``FeedbackPage`` runs last in ``GenerateFeedback`` (after nbgrader's
``GetGrades`` has put each test cell's score in its metadata, and after
``CSSHTMLHeaderPreprocessor`` has collected the page's CSS). It adds:
  - a summary cell at the top: the score, then each failed test with its
    score and its one-line reason, the first wrong step first when the
    test named one (read as data: the finding grading kept in the notebook's
    metadata, ``dnn_course.course.findings``);
  - CSS so that output text wraps inside its box and images fit the page
    (nbgrader's page keeps each reason on one line thousands of pixels wide).
"""
import html
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from dnn_course.course.findings import findings_of
from dnn_course.preprocessors.feedback import PUBLIC_ERRORS
from dnn_course.preprocessors.feedback_math import mathml_cells
from dnn_course.preprocessors.late_line import late_line
from public_tests.explain import LOOK_AT_STEP, look_at
from public_tests.findings import NOT_NAMED
PAGE_CSS = """
div.output_area pre, div.output_subarea pre, div.output_text pre {
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal;
}
div.output_area img, div.output_area svg, div.text_cell_render img { max-width: 100%; height: auto; }
div.output_html { overflow-x: auto; }
div.output_subarea { max-width: 100%; min-width: 0; }
div.input_area pre { white-space: pre-wrap; overflow-wrap: anywhere; }
div.dnn-summary { border-left: 4px solid #d9534f; background: #fdf7f7; padding: 0.6em 1em;
  margin-bottom: 1em; }
div.dnn-summary.dnn-all-passed { border-left-color: #5cb85c; background: #f6fbf6; }
div.dnn-summary ul { padding-left: 1.2em; }
div.dnn-summary li { margin: 0.5em 0; overflow-wrap: anywhere; }
div.dnn-summary .dnn-points { font-weight: bold; white-space: nowrap; }
div.dnn-summary .dnn-check { color: #555; }
"""


def _fmt(x):
    return format(float(x or 0), "g")


def describe(cell: NotebookNode) -> str:
    """The test's description: the first line of its cell when it is a comment, else its id."""
    first = cell.source.strip().split("\n")[0]
    if first.startswith("#") and not first.startswith("###"):
        return first.lstrip("# ").rstrip(".")
    return cell.metadata["nbgrader"]["grade_id"]


def reason_of(cell: NotebookNode, finding: dict[str, str | None] | None = None) -> tuple[str | None, str | None, str]:
    """(first wrong step or None, what it says or None, the failed check's one-line reason)
    of a failed test cell.

    Args:
        cell: the failed test cell.
        finding: the record grading kept of it (``course.findings.findings_of``), or None.

    Returns:
        tuple: e.g. ("cost", "in iteration 0, compute_cost: ... (seen in call 4, ...)",
        "two_layer_model gives a wrong result in 2 of 4 checks (first: ...)."); the step
        and what it says are None when the test named no step.
    """
    if finding and finding["step"] != NOT_NAMED:
        seen = f" ({finding['seen_on']})" if finding["seen_on"] else ""
        return finding["step"], f"{finding['message']}{seen}", finding["check"] or ""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if not errors:
        return None, None, "This test did not pass."
    error = errors[-1]
    first = str(error.get("evalue", "")).split("\n")[0].strip() or error.get("ename", "Error")
    if error.get("ename") not in PUBLIC_ERRORS + ("AssertionError",):
        first = f"{error.get('ename', 'Error')}: {first}"
    return None, None, first


def failed_tests(nb: NotebookNode) -> list[dict[str, Any]]:
    """The failed test cells of a graded notebook, in order.

    Args:
        nb: the notebook after nbgrader's GetGrades (scores in the cells' metadata).

    Returns:
        list of dict: grade_id, description, score, points, step and what it says (or
        None), reason.
    """
    out, findings = [], findings_of(nb.metadata)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or meta.get("solution") or cell.cell_type != "code":
            continue
        score, points = float(meta.get("score") or 0), float(meta.get("points") or 0)
        if score >= points:
            continue
        step, said, reason = reason_of(cell, findings.get(meta["grade_id"]))
        out.append({"grade_id": meta["grade_id"], "description": describe(cell), "score": score,
                    "points": points, "step": step, "said": said, "reason": reason})
    return out


def summary_html(failed: list[dict[str, Any]], score: float, max_score: float, total: float) -> str:
    """The summary's HTML: the score, then one item per failed test (first wrong step first).

    Args:
        failed: failed_tests(nb).
        score, max_score: the notebook's score and maximum.
        total: the number of test cells.

    Returns:
        str: an HTML block for a markdown cell.
    """
    e = html.escape
    if not failed:
        return (f'<div class="dnn-summary dnn-all-passed"><p><b>Score: {_fmt(score)} / '
                f'{_fmt(max_score)}.</b> All {total} tests passed.</p></div>')
    items, previous, previous_name = [], {"step": None, "reason": None}, None
    for t in failed:
        lead = ""
        name, said = t["step"] or "", t["said"]
        if t["step"] and name == previous_name:
            # the same step seen on other inputs: its values add nothing a learner needs
            lead = f"First wrong step: the same as above (<b>{e(name)}</b>).<br>"
        elif t["step"]:
            lead = f"First wrong step: <b>{e(name)}</b>{': ' + e(said) if said else ''}<br>"
            if name in LOOK_AT_STEP:  # the public test cell's and Validate's own hint line
                lead += f'<span class="dnn-look">{e(look_at(name))}</span><br>'
        reason = "The same reason as above." if not t["step"] and t["reason"] == previous["reason"] \
            else t["reason"]
        previous, previous_name = t, (name if t["step"] else None)
        items.append(
            f'<li><span class="dnn-points">{_fmt(t["score"])} / {_fmt(t["points"])}</span> '
            f'<a href="#{e(t["grade_id"])}">{e(t["description"])}</a>.<br>{lead}'
            f'<span class="dnn-check">{e(reason)}</span></li>')
    return (f'<div class="dnn-summary"><p><b>Score: {_fmt(score)} / {_fmt(max_score)}.</b> '
            f'{len(failed)} of {total} tests did not pass; each one below says what to look '
            f'at first.</p><ul>{"".join(items)}</ul></div>')


class FeedbackPage(NbGraderPreprocessor):
    """Put the summary cell at the top of the feedback and add the page's CSS."""

    # see HideHiddenTests: without config=True traitlets warns on every run
    display_data_priority = List(["text/html", "application/pdf", "text/latex", "image/svg+xml",
                                  "image/png", "image/jpeg", "text/plain"]).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        mathml_cells(nb, self.log)  # formulas as MathML: the page needs no MathJax (feedback_math)
        grades = resources.get("nbgrader", {})
        total = sum(1 for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                    and not c.metadata["nbgrader"].get("solution") and c.cell_type == "code")

        cell = new_markdown_cell(late_line(resources) + summary_html(
            failed_tests(nb), grades.get("score", 0), grades.get("max_score", 0), total))
        cell.metadata["dnn_course_summary"] = True
        nb.cells.insert(0, cell)
        inlining = resources.setdefault("inlining", {})
        inlining["css"] = list(inlining.get("css", [])) + [PAGE_CSS]
        return nb, resources
