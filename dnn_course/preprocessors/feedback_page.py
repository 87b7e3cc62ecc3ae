"""The feedback page's summary and layout: what failed and why, readable at 1024 px.

``FeedbackPage`` runs last in ``GenerateFeedback`` (after nbgrader's
``GetGrades`` has put each test cell's score in its metadata, and after
``CSSHTMLHeaderPreprocessor`` has collected the page's CSS). It adds:
  - a summary cell at the top (``dnn_course/templates/summary.html``): the
    line on lateness, the score, then each failed test with its
    score and its one-line reason, the first wrong step first when the
    test named one (read as data: the finding grading kept in the notebook's
    metadata, ``dnn_course.course.findings``);
  - CSS so that output text wraps inside its box and images fit the page
    (nbgrader's page keeps each reason on one line thousands of pixels wide).
"""
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from dnn_course.course.findings import findings_of
from dnn_course.course.pages import render, text
from dnn_course.preprocessors.feedback import PUBLIC_ERRORS
from dnn_course.preprocessors.feedback_math import mathml_cells
from dnn_course.preprocessors.late_line import late_text_of
from public_tests.explain import LOOK_AT_STEP, look_at
from public_tests.findings import NOT_NAMED

PAGE_CSS = text("feedback.css")  # the page's own CSS (dnn_course/templates/feedback.css)


def _fmt(x: float | None) -> str:
    """A score as the page shows it: 2.0 -> "2", 0.5 -> "0.5", None (no grade) -> "0"."""
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


def summary_html(failed: list[dict[str, Any]], score: float, max_score: float, total: int,
                 late: str = "", links: bool = True) -> str:
    """The summary's HTML: the score, then one item per failed test (first wrong step first).

    Rendered from ``dnn_course/templates/summary.html`` (autoescaped: the tests' reasons and
    findings show as text).

    Args:
        failed: failed_tests(nb).
        score: the notebook's score.
        max_score: its maximum.
        total: the number of test cells.
        late: the line on lateness (``late_line.late_text_of``), "" when on time.
        links: each failed test links to its cell on the page; False where the page shows
            the summary alone (the test's id is kept as ``data-test``).

    Returns:
        An HTML block for a markdown cell, on one line.
    """
    return render("summary.html", late=late, links=links, **summary_items(failed, score, max_score, total))


def summary_items(failed: list[dict[str, Any]], score: float, max_score: float, total: int) -> dict[str, Any]:
    """What the summary's template shows (``dnn_course/templates/summary.html``), as plain values.

    Args:
        failed: failed_tests(nb).
        score: the notebook's score.
        max_score: its maximum.
        total: the number of test cells.

    Returns:
        The template's ``items`` (one per failed test: a step named again on other inputs
        only points up; a reason said just above is not repeated), ``score``, ``max_score``
        (as text) and ``total``.
    """
    items, previous, previous_name = [], {"step": None, "reason": None}, None
    for t in failed:
        name = t["step"] or ""
        # the same step seen on other inputs: its values add nothing a learner needs
        same = bool(t["step"]) and name == previous_name
        reason = "The same reason as above." if not t["step"] and t["reason"] == previous["reason"] \
            else t["reason"]
        items.append({"grade_id": t["grade_id"], "description": t["description"],
                      "score": _fmt(t["score"]), "points": _fmt(t["points"]), "step": name,
                      "said": t["said"], "same_step": same, "reason": reason,
                      # the public test cell's and Validate's own hint line
                      "look": look_at(name) if t["step"] and not same and name in LOOK_AT_STEP else ""})
        previous, previous_name = t, (name if t["step"] else None)
    return {"items": items, "score": _fmt(score), "max_score": _fmt(max_score), "total": total}


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
        cell = new_markdown_cell(summary_html(failed_tests(nb), grades.get("score", 0), grades.get("max_score", 0),
                                              total, late=late_text_of(resources)))
        cell.metadata["dnn_course_summary"] = True
        nb.cells.insert(0, cell)
        inlining = resources.setdefault("inlining", {})
        inlining["css"] = list(inlining.get("css", [])) + [PAGE_CSS]
        return nb, resources
