"""Run the source notebook's graded test cells in-process against a given solution cell."""
import contextlib
import io
from unittest import mock

import nbformat

from dnn_course.course.paths import source_notebook
from dnn_course.course.prelude import namespace as prelude_namespace

FUNCTIONS = ("two_layer_model", "L_layer_model")
CONCERNS = ("hidden_shapes", "hidden_hyperparameters", "hidden_course_data", "hidden_no_globals")


def graded_cells(function):
    """grade_id -> source of the public-test cell and hidden cells of `function`, in notebook order."""
    nb = nbformat.read(str(source_notebook()), as_version=4)
    wanted = [f"correct_{function}"] + [f"{function}_{c}" for c in CONCERNS]
    found = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in wanted:
            found[gid] = cell.source
    assert list(found) == wanted, list(found)
    return found


def notebook_globals(function, course_data):
    """The notebook's own globals when the test cells of `function` run."""
    train_x, train_y, test_x, test_y, _ = course_data
    g = {"train_x": train_x, "train_y": train_y, "test_x": test_x, "test_y": test_y,
         "train_x_orig": (train_x.T * 255).reshape(-1, 64, 64, 3),
         "test_x_orig": (test_x.T * 255).reshape(-1, 64, 64, 3),
         "n_x": 12288, "n_h": 7, "n_y": 1, "learning_rate": 0.0075}
    g["layers_dims"] = (12288, 7, 1) if function == "two_layer_model" else [12288, 20, 7, 5, 1]
    return g


def namespace(function, solution_source, course_data, extra=None):
    """A namespace built the way the notebook builds it, with the solution cell run in it."""
    ns = prelude_namespace("__main__", {**notebook_globals(function, course_data), **(extra or {})})
    exec(compile(solution_source, f"<{function}>", "exec"), ns)
    return ns


def run_cells(ns, cells, records=None):
    """Execute each cell in ns; grade_id -> the error it raised (None when it passed).

    records, if a dict, gets grade_id -> the finding record the cell emitted (as it
    would display it in a kernel: public_tests.findings.emit).
    """
    outcome = {}
    for gid, source in cells.items():
        def emit(data, gid=gid):
            if records is not None:
                records[gid] = data
        try:
            with contextlib.redirect_stdout(io.StringIO()), mock.patch("public_tests.hidden.emit", emit), \
                    mock.patch("public_tests.cell.emit", emit):
                exec(compile(source, f"<{gid}>", "exec"), ns)
            outcome[gid] = None
        except Exception as exc:  # noqa: BLE001 -- a failing cell is a result
            outcome[gid] = exc
    return outcome


def failing(function, solution_source, course_data, extra=None, records=None):
    """(set of grade_ids that fail, grade_id -> error) for `function` built from solution_source;
    records, if a dict, gets the finding record each failed cell emitted (see run_cells)."""
    ns = namespace(function, solution_source, course_data, extra)
    outcome = run_cells(ns, graded_cells(function), records)
    return {g for g, e in outcome.items() if e is not None}, outcome
