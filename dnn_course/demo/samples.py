"""Sample submissions for the demo and the tests, made from the release.

Each is the released notebook with its solution cells filled in some way:
right, with a catalogued mistake, left blank, raising, never ending; plus
one file that is not valid JSON.
"""
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from dnn_course.course.mistakes import MUTANTS, mutate
from dnn_course.course.facts import L_LAYER_MODEL, TWO_LAYER_MODEL
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK, StrPath, release_notebook
from dnn_course.course.solutions import solution_sources

# (student id, function, mistake) for the demo's mistakes.
DEMO_MISTAKES = (
    ("demo-wrong-sign-dA2", TWO_LAYER_MODEL, "wrong-sign-dA2"),
    ("demo-stale-weights", TWO_LAYER_MODEL, "stale-weights"),
    ("demo-hard-coded-rate", L_LAYER_MODEL, "hard-coded-learning-rate"),
    ("demo-cost-every-iteration", L_LAYER_MODEL, "cost-every-iteration"),
)

HEADER = {
    TWO_LAYER_MODEL: "def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, "
                       "num_iterations=3000, print_cost=False):",
    L_LAYER_MODEL: "def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, "
                     "num_iterations=3000, print_cost=False):",
}


def _body(function, lines):
    inner = "".join(f"    {line}\n" for line in lines)
    return f"{HEADER[function]}\n    # YOUR CODE STARTS HERE\n{inner}    # YOUR CODE ENDS HERE"


RAISES = {f: _body(f, ['raise RuntimeError("I could not get this to work")']) for f in HEADER}
NEVER_ENDS = {f: _body(f, ["while True:", "    pass"]) for f in HEADER}


def _filled(sources, release=None):
    """The release notebook with each solution cell's source from ``sources``."""
    nb = nbformat.read(str(release or release_notebook()), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in sources:
            cell.source = sources[gid]
    return nb


def sample_notebooks(release: StrPath | None = None) -> dict[str, NotebookNode | str]:
    """student id -> notebook (NotebookNode) or raw text (the invalid one)."""
    right = solution_sources()
    samples = {"demo-correct": _filled(right, release)}
    for student, function, mistake in DEMO_MISTAKES:
        wrong = dict(right, **{function: mutate(right[function], MUTANTS[function][mistake])})
        samples[student] = _filled(wrong, release)
    samples["demo-blank"] = _filled({}, release)
    samples["demo-raises"] = _filled(RAISES, release)
    samples["demo-never-ends"] = _filled(NEVER_ENDS, release)
    text = nbformat.writes(samples["demo-correct"])
    samples["demo-invalid-json"] = text[: len(text) // 2]
    return samples


def write_samples(root: StrPath, only: Iterable[str] | None = None, release: StrPath | None = None) -> list[str]:
    """Write the samples into submitted/<student>/<assignment>/; return the student ids."""
    written = []
    for student, nb in sample_notebooks(release).items():
        if only and student not in only:
            continue
        path = Path(root) / "submitted" / student / ASSIGNMENT / NOTEBOOK
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nb if isinstance(nb, str) else nbformat.writes(nb), encoding="utf-8")
        written.append(student)
    return written


