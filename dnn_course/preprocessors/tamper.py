"""Submissions that changed what grades them: restore, note, never crash.

``RestoreTestCells`` runs first when nbgrader sanitizes a submission:
  - a cell whose grade id is not the assignment's (a renamed or copied test
    cell) or repeats one already seen loses its nbgrader metadata, so it runs
    as an ordinary cell and nbgrader re-adds the real test cell
    (``OverwriteCells.add_missing_cells``); plain nbgrader crashes here;
  - edited and deleted test cells are noted (nbgrader restores them).
``remove_importable_extras`` clears files a submission added that Python could
import instead of the real packages (``numpy.py``, ``public_tests.py``,
``dnn_app_utils/``); the learner's own copy in submitted/ is untouched.
Every note goes into the notebook's metadata and a visible note cell, so the
instructor's export and the learner's feedback both say what happened.
"""
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from dnn_course.course.paths import StrPath
from dnn_course.preprocessors.feedback import strip_hidden

IMPORTABLE = (".py", ".pyc", ".pyd", ".so", ".pth")


def add_notes(nb: NotebookNode, notes: list[str]) -> None:
    """Record tampering notes in the metadata and in a note cell at the top."""
    if not notes:
        return
    meta = nb.metadata.setdefault("dnn_course", {})
    meta["tampering"] = list(meta.get("tampering", [])) + list(notes)
    text = "**Grading note.** " + " ".join(meta["tampering"])
    if nb.cells and nb.cells[0].get("metadata", {}).get("dnn_course_note"):
        nb.cells[0].source = text
    else:
        cell = new_markdown_cell(text)
        cell.metadata["dnn_course_note"] = True
        nb.cells.insert(0, cell)


def tampering_notes(nb: NotebookNode) -> list[str]:
    """The tampering notes ``add_notes`` recorded in a graded notebook's metadata."""
    return list(nb.metadata.get("dnn_course", {}).get("tampering", []))


class RestoreTestCells(NbGraderPreprocessor):

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        ids = resources["nbgrader"]
        try:
            with Gradebook(ids["db_url"]) as gb:
                source = gb.find_notebook(ids["notebook"], ids["assignment"])
                known = {c.name: (c.locked, strip_hidden(c.source, config=self.config))
                         for c in source.source_cells}
                originals = {c.name: c.source for c in source.source_cells}
                tests = [c.name for c in source.grade_cells if c.name not in
                         {s.name for s in source.solution_cells}]
        except MissingEntry:
            return nb, resources
        notes, seen = [], set()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if not meta:
                continue
            gid = meta.get("grade_id")
            if gid not in known or gid in seen:
                notes.append(f"A cell carried the grade id {gid!r}, which {'repeats one' if gid in seen else 'is not one'} "
                             "of the assignment's; it ran as an ordinary cell and the original test cell was put back.")
                del cell.metadata["nbgrader"]
                continue
            seen.add(gid)
            locked, released = known[gid]
            if locked and cell.source.strip() != released.strip():
                notes.append(f"The test cell {gid} had been changed; the original was run instead.")
            elif locked:
                # The released cell lacks its hidden tests, so nbgrader's OverwriteCells
                # would warn "checksum has changed" for every hidden-test cell of every
                # submission (jupyter/nbgrader#1961) before putting them back; put the
                # original back here, and it warns only when a cell was really changed.
                cell.source = originals[gid]
        for gid in tests:
            if gid not in seen:
                notes.append(f"The test cell {gid} was missing; it was put back and run.")
        add_notes(nb, notes)
        return nb, resources


def remove_importable_extras(folder: StrPath, allowed: Iterable[str] = ()) -> list[str]:
    """Delete files and packages in ``folder`` that Python could import; return their names.

    Only for a graded copy of a submission (the caller checks it is one): the
    learner's own files in submitted/ are never touched.
    """
    removed = []
    for path in sorted(Path(folder).iterdir()):
        if path.name in allowed:
            continue
        package = path.is_dir() and any(p.suffix in IMPORTABLE for p in path.rglob("*"))
        if package or (path.is_file() and path.suffix in IMPORTABLE):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            removed.append(path.name + ("/" if package else ""))
    return removed
