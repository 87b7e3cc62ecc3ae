"""Cells the grade cannot depend on: left as the learner ran them, not re-run.

The instructor tags cells in the source notebook with ``skip-when-grading``
(the two 2500-iteration trainings and the cells that only use their results).
When grading, such a cell is skipped only if all of these hold:
  - the submission's cell has the tagged cell's id and exactly its source, and
    no nbgrader grade or solution metadata (the tag itself is read from the
    source notebook, never from the submission);
  - no cell the learner can change (solution cells, their own cells, unlocked
    cells) reads, as a global, any name a skipped cell assigns, nor uses
    ``globals()``, ``eval``, ``exec`` or the like, which could reach one unseen.
Test cells are the instructor's and are restored from the gradebook before
grading; the suite checks that their scores are the same with and without
skipping. A skipped cell keeps the learner's own outputs (text and images only),
under a label saying they come from the learner's run.

``plan_skips`` decides; ``KeepOwnOutputs`` (first of nbgrader's sanitize steps)
keeps the submitted outputs before nbgrader clears them; ``GuardedExecute``
(``execute.py``) does the skipping. ``c.GuardedExecute.skip_marked_cells = False``
runs every cell (``dnn-course grade --full-run`` sets it; ``DNN_COURSE_FULL_RUN=1``
overrides it in ``nbgrader_config.py``).
"""
import ast
import re
import symtable
from collections.abc import Mapping
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from dnn_course.course.paths import StrPath

SKIP_TAG = "skip-when-grading"
OWN_OUTPUTS = "dnn_course_own_outputs"  # cell metadata, only between sanitize and execute
LABEL = "From your own run; not re-run during grading."
# Names through which code can reach globals without naming them.
DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "compile", "__import__",
                     "get_ipython", "__builtins__", "builtins", "sys", "importlib", "inspect",
                     "gc", "ctypes", "__main__", "__dict__", "getattr", "setattr", "delattr"})
KEPT_MIME = ("image/png", "text/plain")
# `%matplotlib inline` and the like, as IPython writes them out: harmless.
_MATPLOTLIB_MAGIC = re.compile(r"^\s*get_ipython\(\)\.run_line_magic\('matplotlib', '[\w ]*'\)\s*$",
                               re.MULTILINE)


def marked_cells(source_nb: NotebookNode) -> dict[str, str]:
    """The source notebook's cells tagged ``skip-when-grading``.

    Args:
        source_nb: the instructor's notebook (nbformat v4).
    Returns:
        dict: cell id -> the cell's source.
    """
    return {c.get("id"): c.source for c in source_nb.cells
            if c.cell_type == "code" and SKIP_TAG in c.get("metadata", {}).get("tags", [])
            and c.get("id")}


def read_marked_cells(path: StrPath) -> dict[str, str]:
    """``marked_cells`` of the notebook at ``path``; {} if it cannot be read."""
    try:
        return marked_cells(nbformat.read(str(path), as_version=4))
    except (OSError, ValueError, nbformat.ValidationError):
        return {}


def _python(source):
    """The cell as plain Python (IPython's magics turned into calls), or None."""
    try:  # IPython inside the try: any failure, its import too, means "cannot tell"
        from IPython.core.inputtransformer2 import TransformerManager

        return _MATPLOTLIB_MAGIC.sub("pass", TransformerManager().transform_cell(source))
    except Exception:  # noqa: BLE001 (any failure means: cannot tell)
        return None


def _tables(table):
    yield table
    for child in table.get_children():
        yield from _tables(child)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _loads(node):
    """Names read by a top-level statement itself (not inside the functions,
    lambdas or classes it defines, which run later: see ``global_names``)."""
    if isinstance(node, _SCOPES):
        parts = list(getattr(node, "decorator_list", []))
        if isinstance(node, ast.ClassDef):
            parts += node.bases + [k.value for k in node.keywords]
        else:
            parts += node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
        return set().union(*(_loads_in(p) for p in parts)) if parts else set()
    return _loads_in(node)


def _loads_in(node):
    found = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            found.add(n.id)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            found.add(n.target.id)
        if isinstance(n, _SCOPES) and n is not node:
            found |= _loads(n)
            continue
        stack.extend(ast.iter_child_nodes(n))
    return found


def _assigns(stmt):
    """Names a simple top-level statement surely sets once it has run."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {n.id for t in targets for n in ast.walk(t)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    return set()


def global_names(source: str) -> tuple[set[str], set[str] | None] | None:
    """The globals a cell reads and assigns, found without running it.

    A name the cell reads at top level after setting it itself (``costs =
    ...; print(costs)``) is not a read; inside functions, every global a
    function reads counts (it runs later, whenever it is called).

    Args:
        source: the cell's source.
    Returns:
        (reads, writes): sets of names, writes None after a star import (its
        names are unknown); or None when the cell cannot be analysed (a syntax
        error, or a name in ``DYNAMIC``).
    """
    code = _python(source)
    if code is None:
        return None
    try:
        top = symtable.symtable(code, "<cell>", "exec")
        module = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    star = any(isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
               for node in ast.walk(module))
    reads, writes = set(), set()
    for table in _tables(top):
        for sym in table.get_symbols():
            name = sym.get_name()
            if name in DYNAMIC:
                return None
            at_top = table is top
            if not at_top and sym.is_referenced() and sym.is_global():
                reads.add(name)
            if (sym.is_assigned() or sym.is_imported()) and (at_top or sym.is_declared_global()):
                writes.add(name)
            if at_top and sym.is_namespace():  # def / class at top level assign their name
                writes.add(name)
    done: set[str] = set()
    for stmt in module.body:
        reads |= _loads(stmt) - done
        done |= _assigns(stmt)
    return reads, (None if star else writes)


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _trusted(cell):
    """A test or read-only cell: nbgrader restores its source from the gradebook."""
    meta = _nbgrader(cell)
    return bool((meta.get("grade") or meta.get("locked")) and not meta.get("solution"))


def plan_skips(nb: NotebookNode, marked: Mapping[str, str]) -> set[int]:
    """Which cells of a submission grading may leave as the learner ran them.

    Args:
        nb: the submission after nbgrader's sanitize steps (test cells restored).
        marked: ``marked_cells`` of the source notebook.
    Returns:
        set of cell indices to skip (empty when in doubt).
    """
    if not marked:
        return set()
    candidates: dict[int, tuple[set[str], set[str]]] = {}
    for index, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if (cell.cell_type == "code" and cell.get("id") in marked
                and cell.source == marked[cell.get("id")]
                and not (meta.get("grade") or meta.get("solution"))):
            names = global_names(cell.source)
            if names is not None and names[1] is not None:
                candidates[index] = (names[0], names[1])  # (reads, writes)
    learner_reads = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or index in candidates or _trusted(cell):
            continue
        names = global_names(cell.source)
        if names is None:
            return set()
        learner_reads[index] = names[0]
    skip = set(candidates)
    changed = True
    while changed:  # a candidate that must run reads like any other running cell
        changed = False
        reads = set().union(*learner_reads.values()) if learner_reads else set()
        for index in sorted(skip):
            if candidates[index][1] & reads:
                skip.discard(index)
                learner_reads[index] = candidates[index][0]
                changed = True
    return skip


def _kept(output):
    """A submitted output worth showing again: text and images, never HTML or scripts."""
    kind = output.get("output_type")
    if kind == "stream":
        return new_output("stream", name=output.get("name", "stdout"), text=output.get("text", ""))
    if kind in ("display_data", "execute_result"):
        data = {k: v for k, v in output.get("data", {}).items() if k in KEPT_MIME}
        return new_output("display_data", data=data) if data else None
    if kind == "error":
        return new_output("error", ename=str(output.get("ename", "")),
                          evalue=str(output.get("evalue", "")),
                          traceback=[f"{output.get('ename', '')}: {output.get('evalue', '')}"])
    return None


def label_output() -> NotebookNode:
    """The note placed above a skipped cell's kept outputs."""
    return new_output("display_data", data={"text/plain": LABEL,
                                            "text/html": f"<p><em>{LABEL}</em></p>"})


def own_outputs(cell: NotebookNode) -> list[NotebookNode]:
    """A skipped cell's outputs for the graded notebook: the label, then what was kept."""
    return [label_output()] + list(cell.get("metadata", {}).get(OWN_OUTPUTS, []))


def forget_own_outputs(cell: NotebookNode) -> None:
    """Remove the kept outputs from a cell's metadata (they never reach the gradebook)."""
    cell.get("metadata", {}).pop(OWN_OUTPUTS, None)


class KeepOwnOutputs(NbGraderPreprocessor):
    """Keep each code cell's submitted outputs (text and images) before nbgrader
    clears them, for the cells grading will leave as the learner ran them."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type == "code":
            meta = cell.setdefault("metadata", {})
            meta.pop(OWN_OUTPUTS, None)  # never trust a submitted copy
            if not _nbgrader(cell):
                kept = [o for o in map(_kept, cell.get("outputs", [])) if o is not None]
                if kept:
                    meta[OWN_OUTPUTS] = kept
        return cell, resources
