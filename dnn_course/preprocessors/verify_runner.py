"""Run a learner's two functions on given inputs, in a process of their own.

Started by ``verify.py`` as ``python -I -m dnn_course.preprocessors.verify_runner JOB_DIR``.
Reads ``JOB_DIR/job.json`` (the solution cells' sources and the cases) and
``JOB_DIR/inputs.npz``; writes ``JOB_DIR/out-<case>.npz`` per case as it goes,
so a case that hangs or kills the process costs only itself and the rest.
Only the definitions, imports and literal constants (``KEYS = ("W1", "b1")``) of
the solution cells are run: any other top-level statement (e.g. patching numpy)
is dropped before anything else.
Nothing here decides a grade: the grader compares these outputs itself.
"""
import ast
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from dnn_app_utils import load_data, speed
from dnn_course.course.paths import StrPath
from dnn_course.course.prelude import namespace
from public_tests.hidden import pair_problem, WELL_FORMED
from public_tests.hidden_cases import course_inputs

KEEP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.ImportFrom)


def _literal_constant(node):
    """True for ``NAME = <literal>`` (a number, string, tuple, list, dict or set of them):
    a constant a learner may define beside the function, which changes nothing else."""
    if not isinstance(node, ast.Assign) or not all(isinstance(t, ast.Name) for t in node.targets):
        return False
    try:
        ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def definitions_only(source: str) -> ast.Module:
    """The source with every top-level statement but def, import and constants removed."""
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if isinstance(node, KEEP) or _literal_constant(node)]
    return tree


def data_globals() -> dict[str, Any]:
    """The notebook's data globals (train_x, train_y, ...), as its cells define them.

    Every case but the "runs" ones is run with them, as in the notebook, where
    only the no-globals test removes them.
    """
    train_x_orig, train_y, test_x_orig, test_y, _ = load_data()
    return {"train_x_orig": train_x_orig, "test_x_orig": test_x_orig, "train_y": train_y, "test_y": test_y,
            "train_x": train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0,
            "test_x": test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0}


def main(job_dir: StrPath) -> None:
    speed.install()            # grading's fast path: the learner's numbers, sooner
    job_dir = Path(job_dir)
    job = json.loads((job_dir / "job.json").read_text())
    arrays = dict(np.load(job_dir / "inputs.npz", allow_pickle=False))
    ns = namespace("__main__")
    for name, source in job["sources"].items():
        try:
            exec(compile(definitions_only(source), f"<{name}>", "exec"), ns)
        except Exception as e:  # a cell that does not even compile: every case fails
            print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)
    course, data = None, None
    for case in job["cases"]:
        out: dict[str, Any] = {"error": np.array(""), "form": np.array("")}
        try:
            fn = ns[case["function"]]
            if case["compare"] == "runs":
                for k in DATA_NAMES:
                    ns.pop(k, None)
            else:
                if data is None:
                    try:
                        data = data_globals()
                    except Exception:  # noqa: BLE001 -- no course data: run without them
                        data = {}
                ns.update(data)
            if case["inputs"] == "course":
                course = course or course_inputs()
                X, Y = course
            else:
                X, Y = arrays[case["inputs"] + "/X"], arrays[case["inputs"] + "/Y"]
            X0, Y0 = X.copy(), Y.copy()
            dims = list(case["layers_dims"]) if case["dims_type"] == "list" else tuple(case["layers_dims"])
            if case["seed_before"] is not None:
                np.random.seed(case["seed_before"])
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
                result = fn(X, Y, dims, learning_rate=case["learning_rate"],
                            num_iterations=case["num_iterations"], print_cost=case["print_cost"])
            out["inputs_changed"] = np.array(not (np.array_equal(X, X0) and np.array_equal(Y, Y0)))
            if case["inputs"] == "course":
                course = (X0, Y0)
            out["form"] = np.array(pair_problem(result) or "")
            out["form_parameters"] = np.array(pair_problem(result, ("parameters",)) or "")
            out["form_runs"] = np.array(pair_problem(result, WELL_FORMED) or "")
            if not str(out["form_parameters"]):
                out.update({f"param/{k}": np.asarray(v, dtype=float) for k, v in result[0].items()})
            if not str(out["form"]):
                out["costs"] = np.array([float(np.squeeze(c)) for c in result[1]], dtype=float)
            out["printed"] = np.array(printed.getvalue())
        except BaseException as e:  # noqa: BLE001 -- the learner's error is the result
            out["error"] = np.array(f"{type(e).__name__}: {e}"[:500])
        np.savez(job_dir / f"out-{case['id']}.npz", **out)


DATA_NAMES = ("train_x", "train_y", "test_x", "test_y", "train_x_orig", "test_x_orig")


if __name__ == "__main__":
    main(sys.argv[1])
