"""The reference solutions, read from the source notebook (the one truth).

They are never shipped in a package: students have the release, whose solution
regions are stubs. Instructor tools and tests load them from ``source/``.
"""
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import nbformat

from dnn_course.course.facts import MODELS
from dnn_course.course.paths import StrPath, source_notebook
from dnn_course.course.prelude import namespace

SOLUTION_IDS = MODELS


def solution_sources(notebook: StrPath | None = None) -> dict[str, str]:
    """Map grade id -> source of each solution cell of the source notebook."""
    nb = nbformat.read(str(notebook or source_notebook()), as_version=4)
    found = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in SOLUTION_IDS:
            found[gid] = cell.source
    missing = [g for g in SOLUTION_IDS if g not in found]
    if missing:
        raise LookupError(f"{notebook or source_notebook()} has no solution cell {missing}")
    return found


def load_solutions(notebook: StrPath | None = None) -> dict[str, Callable[..., Any] | Any]:
    """Return a namespace dict holding ``two_layer_model`` and ``L_layer_model``."""
    ns = namespace("dnn_course_reference")
    for gid, src in solution_sources(notebook).items():
        exec(compile(src, f"<source notebook: {gid}>", "exec"), ns)
    return ns


@lru_cache(maxsize=None)
def graded_points(notebook: StrPath | None = None) -> dict[str, float]:
    """The points of every graded test cell, as the notebook's nbgrader metadata gives them.

    Args:
        notebook: the notebook's path (None: the source notebook).

    Returns:
        dict: grade id -> points (read once per notebook per process).
    """
    nb = nbformat.read(str(notebook or source_notebook()), as_version=4)
    points = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            points[meta["grade_id"]] = float(meta.get("points") or 0)
    return points
