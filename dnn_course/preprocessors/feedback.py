"""What learners see in their feedback: results, never hidden tests.

nbgrader's feedback shows each test cell's full source and tracebacks, which
reveal hidden tests (jupyter/nbgrader#917). ``HideHiddenTests`` runs in
``GenerateFeedback`` (set in ``nbgrader_config.py``, so plain
``nbgrader generate_feedback`` does it too): it removes every hidden-test
region from the cells with nbgrader's own ``ClearHiddenTests`` and the course's
delimiters (exactly what the release lacks), drops what the hidden tests printed
(lines such as ``Cost after iteration 2: 0.69...`` from their reference runs mean
nothing to a learner) and reduces every error to its one-line message, which the course's
tests write for learners. A public test's failure keeps its few lines (failed
checks, what to look at): they are public. ``feedback_page.FeedbackPage`` then
adds the summary at the top and the page's layout.
"""
from typing import Any
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List
from traitlets.config import Config

HIDDEN_NOTE = "# (hidden tests ran here; their results are below)"
# Errors whose whole message is public (public_tests.messages.PublicTestFailure).
PUBLIC_ERRORS = ("PublicTestFailure",)


def strip_hidden(source: str, note: str | None = None, config: Config | None = None) -> str:
    """``source`` without the hidden-test regions nbgrader removes from the release.

    Args:
        source: a cell's source.
        note: if given, the line (indented like the region's begin line) put where each region was.
        config: the course's traitlets configuration, whose ``ClearHiddenTests`` delimiters
            apply (default: nbgrader's, ``BEGIN HIDDEN TESTS`` / ``END HIDDEN TESTS``).

    Returns:
        str. nbgrader's RuntimeError for a region that is never closed or is nested.
    """
    cell = new_code_cell(source)
    _remove_regions(ClearHiddenTests(config=config), cell, note)
    return cell.source


def _remove_regions(clear, cell, note):
    """Remove ``cell``'s hidden regions with nbgrader's ``clear`` (its delimiters, its checks);
    True when there was one. (``_remove_hidden_test_region`` is what nbgrader's own
    ``preprocess_cell`` calls; nbgrader is pinned in requirements.txt.)"""
    if note is not None:  # the note goes above each begin line, which nbgrader removes with its region
        cell.source = "\n".join(
            f"{line[: len(line) - len(line.lstrip())]}{note}\n{line}"
            if clear.begin_test_delimeter in line else line for line in cell.source.split("\n"))
    return clear._remove_hidden_test_region(cell)


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden tests, their printed lines and every traceback from the feedback.

    A ``ClearHiddenTests``: the regions are found with nbgrader's own code and the
    course's ``c.ClearHiddenTests`` delimiters, exactly as generate_assignment
    removes them from the release.
    """

    # nbconvert's HTML exporter configures display_data_priority for every
    # preprocessor it runs; NbGraderPreprocessor declares it without
    # config=True, which made traitlets warn on every feedback run.
    display_data_priority = List(["text/html", "application/pdf", "text/latex", "image/svg+xml",
                                  "image/png", "image/jpeg", "text/plain"]).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type != "code":
            return cell, resources
        hidden = _remove_regions(self, cell, HIDDEN_NOTE)
        if hidden:
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines = str(output.get("evalue", "")).split("\n")
                public = not hidden and output.get("ename") in PUBLIC_ERRORS
                output["traceback"] = lines if public else \
                    [f"{output.get('ename', 'Error')}: {lines[0]}"]
                output["evalue"] = lines[0]
        return cell, resources
