"""Keep what each failed test cell found as data: its record moves from the cell's outputs to the notebook's metadata.

A failed test cell emits a ``public_tests.findings.record`` as a display output
of MIME type ``findings.MIME`` beside the error the learner reads.
``CollectFindings`` runs right after execution: it takes every such output
out of every cell (a learner's cell may display one too: it is dropped, as is
any record the submission arrived with) and keeps the test cells' records
under ``nb.metadata["dnn_course"]["findings"]``, by grade id. The feedback
page, the class report and the JSON export read them there (``course.findings``),
so no page renders the record and the sanitizer never sees it.
"""
from typing import Any

from nbformat import NotebookNode

from nbgrader.preprocessors import NbGraderPreprocessor

from dnn_course.course.findings import KEY
from public_tests.findings import MIME, read_record


def _is_test_cell(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution") \
        and isinstance(meta.get("grade_id"), str)


class CollectFindings(NbGraderPreprocessor):
    """Move the test cells' finding records from their outputs into the notebook's metadata."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Take every record output out of every cell; keep the test cells' last one each.

        Args:
            nb: the executed notebook.
            resources: nbconvert resources (unused).

        Returns:
            (nb, resources).
        """
        found = {}
        for cell in nb.cells:
            outputs = cell.get("outputs", [])
            records = [o for o in outputs if MIME in (o.get("data") or {})]
            if not records:
                continue
            cell.outputs = [o for o in outputs if MIME not in (o.get("data") or {})]
            data = read_record(records[-1]["data"][MIME])
            if data is not None and _is_test_cell(cell):
                found[cell.metadata["nbgrader"]["grade_id"]] = data
        course = nb.metadata.setdefault("dnn_course", {})
        course[KEY] = found
        return nb, resources
