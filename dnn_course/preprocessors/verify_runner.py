"""Run a learner's two functions on given inputs, in a process of their own.

Started by ``verify.py`` as ``python -I -m dnn_course.verify_runner JOB_DIR``.
Reads ``JOB_DIR/job.json`` (the solution cells' sources and the cases) and
``JOB_DIR/inputs.npz``; writes ``JOB_DIR/out-<case>.npz`` per case as it goes,
so a case that hangs or kills the process costs only itself and the rest.
Only the definitions and imports of the solution cells are run: any other
top-level statement (e.g. patching numpy) is dropped before anything else.
Nothing here decides a grade: the grader compares these outputs itself.
"""
import ast
import contextlib
import io
import json
import sys
from pathlib import Path

import numpy as np

KEEP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.ImportFrom)


def definitions_only(source):
    """The source with every top-level statement but def and import removed."""
    tree = ast.parse(source)
    tree.body = [node for node in tree.body if isinstance(node, KEEP)]
    return tree


def course_inputs():
    from dnn_app_utils import load_data

    train_x_orig, train_y, _, _, _ = load_data()
    return train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0, train_y


def main(job_dir):
    job_dir = Path(job_dir)
    job = json.loads((job_dir / "job.json").read_text())
    arrays = dict(np.load(job_dir / "inputs.npz", allow_pickle=False))
    ns = {"__name__": "__main__"}
    exec("import numpy as np\nfrom dnn_app_utils import *\n", ns)
    for name, source in job["sources"].items():
        try:
            exec(compile(definitions_only(source), f"<{name}>", "exec"), ns)
        except Exception as e:  # a cell that does not even compile: every case fails
            print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)
    course = None
    for case in job["cases"]:
        out = {"error": np.array("")}
        try:
            fn = ns[case["function"]]
            if case["inputs"] == "course":
                course = course or course_inputs()
                X, Y = course
            else:
                X, Y = arrays[case["inputs"] + "/X"], arrays[case["inputs"] + "/Y"]
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
                result = fn(X.copy(), Y.copy(), case["layers_dims"], learning_rate=case["learning_rate"],
                            num_iterations=case["num_iterations"], print_cost=case["print_cost"])
            parameters, costs = result  # anything else is reported as an error
            out.update({f"param/{k}": np.asarray(v, dtype=float) for k, v in dict(parameters).items()})
            out["costs"] = np.array([float(np.squeeze(c)) for c in costs], dtype=float)
            out["printed"] = np.array(printed.getvalue())
        except BaseException as e:  # noqa: BLE001 -- the learner's error is the result
            out["error"] = np.array(f"{type(e).__name__}: {e}"[:500])
        np.savez(job_dir / f"out-{case['id']}.npz", **out)


if __name__ == "__main__":
    main(sys.argv[1])
