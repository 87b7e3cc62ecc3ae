"""The reference solutions, read from the source notebook (the one truth).

They are never shipped in a package: students have the release, whose solution
regions are stubs. Instructor tools and tests load them from ``source/``.
"""
import nbformat

from dnn_course.course.facts import MODELS
from dnn_course.course.paths import source_notebook

SOLUTION_IDS = MODELS
PRELUDE = "import numpy as np\nfrom dnn_app_utils import *\n"


def solution_sources(notebook=None):
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


def load_solutions(notebook=None):
    """Return a namespace dict holding ``two_layer_model`` and ``L_layer_model``."""
    ns = {"__name__": "dnn_course_reference"}
    exec(compile(PRELUDE, "<prelude>", "exec"), ns)
    for gid, src in solution_sources(notebook).items():
        exec(compile(src, f"<source notebook: {gid}>", "exec"), ns)
    return ns
