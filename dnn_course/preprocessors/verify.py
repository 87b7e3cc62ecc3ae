"""Check, outside the learner's reach, that each passing test cell deserves it.

A test cell scores when it runs without error, and it runs in the learner's
own kernel, where the learner's code can redefine the public tests, patch
numpy's comparisons, swallow exceptions or print "All tests passed.".
``VerifyResults`` (an autograde preprocessor, after execution) therefore
re-runs the learner's two functions on the test cells' inputs in a separate
process (``verify_runner.py``), computes the reference results here from the
source notebook's solutions, and compares them here. A test cell that passed
in the kernel but whose function gives different results here gets an error
output, so it scores 0. Verification can only lower a score, never raise it.
"""
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from nbformat.v4 import new_output
from traitlets import Integer

from nbgrader.preprocessors import NbGraderPreprocessor

RTOL, ATOL = 1e-7, 1e-12
TWO, DEEP = "two_layer_model", "L_layer_model"


@dataclass(frozen=True)
class Case:
    id: str
    function: str
    inputs: str          # "course", or the name of a generated (X, Y) pair
    layers_dims: tuple
    learning_rate: float
    num_iterations: int
    print_cost: bool = False


def _pair(seed, n, m, threshold=0.5, labels=None):
    rs = np.random.RandomState(seed)
    X = rs.randn(n, m)
    Y = np.array(labels, dtype=float).reshape(1, -1) if labels else (rs.rand(1, m) > threshold).astype(float)
    return X, Y


def _public(name):
    """The public test's (X, Y) for ``name``."""
    from public_tests import make_inputs

    return make_inputs(name)[:2]


INPUTS = {  # name -> (X, Y): the same inputs the notebook's test cells use
    "public-2": lambda: _public(TWO), "public-L": lambda: _public(DEEP),
    "s2a": lambda: _pair(2, 5, 8), "s2b": lambda: _pair(3, 3, 12), "s2c": lambda: _pair(4, 20, 5),
    "sLa": lambda: _pair(2, 6, 8), "sLb": lambda: _pair(3, 5, 7), "sLc": lambda: _pair(4, 4, 10),
    "h2": lambda: _pair(5, 6, 9, 0.4), "hL": lambda: _pair(6, 6, 9, 0.4),
    "g2": lambda: _pair(8, 7, 11), "gL": lambda: _pair(9, 7, 11),
}


def _cases():
    c = {}
    for name, key, dims, plan in ((TWO, "public-2", (10, 4, 1), [(0.0075, 2), (0.1, 3)]),
                                  (DEEP, "public-L", [10, 5, 6, 1], [(0.0075, 2), (0.02, 3)])):
        course_dims = (12288, 7, 1) if name == TWO else [12288, 20, 7, 5, 1]
        c[f"correct_{name}"] = [Case(f"{name}-public-{i}", name, key, dims, lr, it)
                                for i, (lr, it) in enumerate(plan)] + \
            [Case(f"{name}-course-short", name, "course", course_dims, 0.0075, 2 if name == TWO else 1)]
    c[f"{TWO}_hidden_shapes"] = [Case("2-shape-a", TWO, "s2a", (5, 3, 1), 0.0075, 3),
                                 Case("2-shape-b", TWO, "s2b", (3, 6, 1), 0.0075, 3),
                                 Case("2-shape-c", TWO, "s2c", (20, 2, 1), 0.0075, 3)]
    c[f"{DEEP}_hidden_shapes"] = [Case("L-shape-a", DEEP, "sLa", [6, 4, 3, 1], 0.0075, 3),
                                  Case("L-shape-b", DEEP, "sLb", [5, 1], 0.0075, 3),
                                  Case("L-shape-c", DEEP, "sLc", [4, 8, 1], 0.0075, 3)]
    for name, key, dims in ((TWO, "h2", (6, 4, 1)), (DEEP, "hL", [6, 5, 3, 1])):
        c[f"{name}_hidden_hyperparameters"] = [
            Case(f"{name}-hyper-{i}", name, key, dims, lr, it, print_cost=True)
            for i, (lr, it) in enumerate(((0.1, 3), (0.5, 1), (0.02, 250)))]
    c[f"{TWO}_hidden_course_data"] = [Case("2-course-a", TWO, "course", (12288, 7, 1), 0.0075, 3),
                                      Case("2-course-b", TWO, "course", (12288, 3, 1), 0.05, 2)]
    c[f"{DEEP}_hidden_course_data"] = [Case("L-course-a", DEEP, "course", [12288, 20, 7, 5, 1], 0.0075, 3),
                                       Case("L-course-b", DEEP, "course", [12288, 10, 1], 0.05, 2)]
    c[f"{TWO}_hidden_no_globals"] = [Case("2-noglobals", TWO, "g2", (7, 5, 1), 0.03, 4)]
    c[f"{DEEP}_hidden_no_globals"] = [Case("L-noglobals", DEEP, "gL", [7, 5, 4, 1], 0.03, 4)]
    return c


CASES = _cases()
_reference_cache = {}


def reference_output(case):
    """The reference solution's output for a case (computed once per grading process)."""
    if case.id not in _reference_cache:
        import contextlib
        import io

        from dnn_course.course.solutions import load_solutions
        from dnn_course.preprocessors.verify_runner import course_inputs

        X, Y = course_inputs() if case.inputs == "course" else INPUTS[case.inputs]()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            params, costs = load_solutions()[case.function](
                X, Y, case.layers_dims, learning_rate=case.learning_rate,
                num_iterations=case.num_iterations, print_cost=case.print_cost)
        _reference_cache[case.id] = ({k: np.asarray(v) for k, v in params.items()},
                                     np.array([float(np.squeeze(c)) for c in costs]),
                                     printed.getvalue())
    return _reference_cache[case.id]


def run_learner(sources, cases, timeout, runner_prefix=()):
    """Run the learner's functions on the cases in a fresh process; case id -> output dict."""
    with tempfile.TemporaryDirectory(prefix="dnn-verify-") as tmp:
        arrays = {}
        for case in cases:
            if case.inputs != "course":
                arrays[case.inputs + "/X"], arrays[case.inputs + "/Y"] = INPUTS[case.inputs]()
        np.savez(Path(tmp) / "inputs.npz", **arrays)
        job = {"sources": sources, "cases": [case.__dict__ | {"layers_dims": list(case.layers_dims)}
                                             for case in cases]}
        (Path(tmp) / "job.json").write_text(json.dumps(job))
        cmd = [*runner_prefix, sys.executable, "-I", "-m", "dnn_course.verify_runner", tmp]
        try:
            subprocess.run(cmd, cwd=tmp, timeout=timeout, capture_output=True,
                           env={**os.environ, "DNN_APP_THREADS": "1"})
        except subprocess.TimeoutExpired:
            pass  # the cases that finished still count; the others fail
        outputs = {}
        for case in cases:
            path = Path(tmp) / f"out-{case.id}.npz"
            if path.is_file():
                with np.load(path, allow_pickle=False) as f:
                    outputs[case.id] = {k: f[k] for k in f.files}
        return outputs


def _describe(case):
    return (f"{case.function}(layers_dims={tuple(case.layers_dims)}, learning_rate={case.learning_rate}, "
            f"num_iterations={case.num_iterations})")


def judge(case, out):
    """None when the learner's output matches the reference, else what differs."""
    if out is None:
        return f"{_describe(case)} did not finish (time limit, or the process stopped)"
    if str(out.get("error", "")):
        return f"{_describe(case)} raised {out['error']}"
    ref_params, ref_costs, ref_printed = reference_output(case)
    params = {k[len("param/"):]: v for k, v in out.items() if k.startswith("param/")}
    if sorted(params) != sorted(ref_params):
        return f"{_describe(case)} returned parameters with keys {sorted(params)}"
    for k, want in ref_params.items():
        if params[k].shape != want.shape or not np.allclose(params[k], want, rtol=RTOL, atol=ATOL):
            return f"{_describe(case)} returned different values in {k}"
    costs = out["costs"]
    if costs.shape != ref_costs.shape or not np.allclose(costs, ref_costs, rtol=RTOL):
        return f"{_describe(case)} returned different costs"
    if case.print_cost and str(out["printed"]).split() != ref_printed.split():
        return f"{_describe(case)} printed different cost lines"
    return None


def solution_sources_of(nb):
    """The learner's solution cells, by grade id."""
    found = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in (TWO, DEEP):
            found[meta["grade_id"]] = cell.source
    return found


def _passed(cell):
    return not any(o.get("output_type") == "error" for o in cell.get("outputs", []))


class VerifyResults(NbGraderPreprocessor):
    """After execution: fail every passing test cell the independent re-run contradicts."""

    timeout = Integer(300, help="Seconds for the re-run of one submission.").tag(config=True)

    def preprocess(self, nb, resources):
        graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                  and c.metadata.nbgrader.get("grade_id") in CASES and _passed(c)]
        if not graded:
            return nb, resources
        cases = [case for c in graded for case in CASES[c.metadata.nbgrader.grade_id]]
        from dnn_course.course.course_data import course_data_env, course_root_for
        from dnn_course.course.paths import ASSIGNMENT
        from dnn_course.sandbox.hook import runner_prefix

        root = course_root_for(self.config, resources.get("metadata", {}).get("path"))
        assignment = resources.get("nbgrader", {}).get("assignment") or ASSIGNMENT
        # the re-run (in the sandbox) and the reference here read the data grading found
        with course_data_env(root, assignment):
            outputs = run_learner(solution_sources_of(nb), cases, self.timeout, runner_prefix())
            for cell in graded:
                for case in CASES[cell.metadata.nbgrader.grade_id]:
                    problem = judge(case, outputs.get(case.id))
                    if problem:
                        cell.outputs.append(new_output(
                            "error", ename="VerificationError",
                            evalue=f"this test passed inside the notebook, but an independent "
                                   f"re-run outside it disagrees: {problem}. Only the function's "
                                   "own results count.",
                            traceback=[f"VerificationError: {problem}"]))
                        break
        return nb, resources
