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
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from nbformat.v4 import new_output
from traitlets import Integer

from nbgrader.preprocessors import NbGraderPreprocessor

from dnn_course.course.facts import (L_LAYER_DIMS, L_LAYER_MODEL as DEEP, N_X, THREADS_ENV, TWO_LAYER_DIMS,
                                     TWO_LAYER_MODEL as TWO)

RUNNER = "dnn_course.preprocessors.verify_runner"  # started as python -I -m RUNNER JOB_DIR
# What a case checks, as its test cell does: "all" (parameters, costs, and the
# costs printed when print_cost=True), "parameters" (parameters only, the pair's form
# included) or "runs" (without the notebook's globals it runs and returns a
# well-formed pair for its layers_dims; no comparison with the reference: the
# cell compares the function with itself, with and without the globals).
COMPARES = ("all", "parameters", "runs")


@dataclass(frozen=True)
class Case:
    id: str
    function: str
    inputs: object       # "course", "public-2", "public-L", or ("random", seed, n, m, threshold)
    layers_dims: tuple
    learning_rate: float
    num_iterations: int
    print_cost: bool = False
    compare: str = "all"
    dims_type: str = "tuple"  # the type layers_dims is given as: "tuple" or "list"
    seed_before: int | None = None  # numpy's global seed set just before the call
    keeps_inputs: bool = False  # the cell also checks that X and Y are left unchanged

    @property
    def dims(self):
        return list(self.layers_dims) if self.dims_type == "list" else tuple(self.layers_dims)

    @property
    def key(self):
        """A name for the case's inputs (a file key in the runner's inputs)."""
        return self.inputs if isinstance(self.inputs, str) else "-".join(map(str, self.inputs))


def _pair(seed, n, m, threshold=0.5):
    """The hidden tests' random data: _random_data(seed, n, m, threshold) in the notebook."""
    rs = np.random.RandomState(seed)
    return rs.randn(n, m), (rs.rand(1, m) > threshold).astype(float)


def _public(name):
    """The public test's (X, Y) for ``name``."""
    from public_tests import make_inputs

    return make_inputs(name)[:2]


def inputs_of(case):
    """The (X, Y) of a case other than the course data."""
    if isinstance(case.inputs, tuple):
        return _pair(*case.inputs[1:])
    return _public(TWO if case.inputs == "public-2" else DEEP)


def _case(id, function, inputs, dims, lr, iters, **kw):
    return Case(id, function, inputs, tuple(dims), lr, iters,
                dims_type="list" if isinstance(dims, list) else "tuple", **kw)


def _random(seed, n, m, threshold=0.5):
    return ("random", seed, n, m, threshold)


# The hidden test cells' calls, written out again here; tests/dnn_course/preprocessors/test_verify_cases.py
# runs the cells with a recording stand-in and checks both lists are equal.
SHAPES = {TWO: (((5, 3, 1), 8, 2), ((3, 6, 1), 12, 3), ((20, 2, 1), 5, 4)),
          DEEP: (([5, 4, 1], 8, 2), ([4, 6, 3, 1], 12, 3), ([20, 3, 2, 2, 1], 5, 4))}
HYPER_DATA = {TWO: ((5, 6, 9, 0.4), (6, 4, 1)), DEEP: ((6, 6, 9, 0.4), [6, 5, 3, 1])}
HYPER_CALLS = ((0.1, 3, True, None), (0.5, 1, True, None), (0.02, 250, True, None),
               (0.0075, 3, False, None), (0.0075, 2, False, 123), (0.0075, 2, False, 7))
COURSE = {TWO: ((TWO_LAYER_DIMS, 3), ((N_X, 3, 1), 2)),
          DEEP: ((list(L_LAYER_DIMS), 3), ([N_X, 10, 1], 2))}
NO_GLOBALS = {TWO: ((8, 7, 11), (7, 5, 1)), DEEP: ((9, 7, 11), [7, 5, 4, 1])}


def _cases():
    c = {}
    for name, key, dims, plan in ((TWO, "public-2", (10, 4, 1), [(0.0075, 2), (0.1, 3)]),
                                  (DEEP, "public-L", [10, 5, 6, 1], [(0.0075, 2), (0.02, 3)])):
        course_dims = TWO_LAYER_DIMS if name == TWO else list(L_LAYER_DIMS)
        c[f"correct_{name}"] = [_case(f"{name}-public-{i}", name, key, dims, lr, it)
                                for i, (lr, it) in enumerate(plan)] + \
            [_case(f"{name}-course-short", name, "course", course_dims, 0.0075, 2 if name == TWO else 1)]
    for name in (TWO, DEEP):
        other = list if name == TWO else tuple
        c[f"{name}_hidden_shapes"] = [
            _case(f"{name}-shape-{i}-{type(given).__name__}", name, _random(seed, dims[0], m), given,
                  0.0075, 3, compare="parameters")
            for i, (dims, m, seed) in enumerate(SHAPES[name]) for given in (dims, other(dims))]
        data, dims = HYPER_DATA[name]
        c[f"{name}_hidden_hyperparameters"] = [
            _case(f"{name}-hyper-{i}", name, _random(*data), dims, lr, it, print_cost=pc, seed_before=seed,
                  keeps_inputs=True)
            for i, (lr, it, pc, seed) in enumerate(HYPER_CALLS)]
        c[f"{name}_hidden_course_data"] = [
            _case(f"{name}-course-{i}", name, "course", dims, 0.0075, it, compare="parameters")
            for i, (dims, it) in enumerate(COURSE[name])]
        data, dims = NO_GLOBALS[name]
        c[f"{name}_hidden_no_globals"] = [_case(f"{name}-noglobals", name, _random(*data), dims, 0.03, 4,
                                                compare="runs", seed_before=0)]
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

        X, Y = course_inputs() if case.inputs == "course" else inputs_of(case)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            params, costs = load_solutions()[case.function](
                X, Y, case.dims, learning_rate=case.learning_rate,
                num_iterations=case.num_iterations, print_cost=case.print_cost)
        _reference_cache[case.id] = ({k: np.asarray(v) for k, v in params.items()},
                                     np.array([float(np.squeeze(c)) for c in costs]),
                                     printed.getvalue())
    return _reference_cache[case.id]


def run_learner(sources, cases, timeout, runner_prefix=(), sandbox_env=None):
    """Run the learner's functions on the cases in a fresh process; case id -> output dict
    (``sandbox_env``: the sandbox's settings for the launcher in ``runner_prefix``)."""
    with tempfile.TemporaryDirectory(prefix="dnn-verify-") as tmp:
        arrays = {}
        for case in cases:
            if case.inputs != "course":
                arrays[case.key + "/X"], arrays[case.key + "/Y"] = inputs_of(case)
        np.savez(Path(tmp) / "inputs.npz", **arrays)
        job = {"sources": sources, "cases": [asdict(case) | {"inputs": case.key, "layers_dims": list(case.layers_dims)}
                                             for case in cases]}
        (Path(tmp) / "job.json").write_text(json.dumps(job))
        cmd = [*runner_prefix, sys.executable, "-I", "-m", RUNNER, tmp]
        try:
            subprocess.run(cmd, cwd=tmp, timeout=timeout, capture_output=True,
                           env={**os.environ, **(sandbox_env or {}), THREADS_ENV: "1"})
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
    """None when the learner's output passes what the case's test cell checks, else what differs."""
    from public_tests.hidden import PAIR, PARAMETERS, differences, printing_problem

    if out is None:
        return f"{_describe(case)} did not finish (time limit, or the process stopped)"
    if str(out.get("error", "")):
        return f"{_describe(case)} raised {out['error']}"
    if case.compare == "runs":
        form = str(out.get("form_runs", ""))
        return f"{_describe(case)} returned a badly formed result: {form}" if form else None
    parts = PAIR if case.compare == "all" else PARAMETERS
    form = str(out.get("form" if parts == PAIR else "form_parameters", ""))
    if form:
        return f"{_describe(case)} returned a badly formed result: {form}"
    ref_params, ref_costs, ref_printed = reference_output(case)
    costs = [float(c) for c in out["costs"]] if "costs" in out else []
    got = ({k[len("param/"):]: v for k, v in out.items() if k.startswith("param/")}, costs)
    want = (ref_params, [float(c) for c in ref_costs])
    failures = differences(got, want, parts)
    if failures:
        return f"{_describe(case)}: {failures[0].path} differs"
    if case.compare == "all":
        printing = printing_problem(str(out["printed"]).splitlines(), ref_printed.splitlines(),
                                    case.print_cost, case.num_iterations)
        if printing:
            return f"{_describe(case)}: {printing}"
    if case.keeps_inputs and bool(out["inputs_changed"]):
        return f"{_describe(case)} changed X or Y"
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
        from dnn_course.sandbox.settings import SandboxSettings

        root = course_root_for(self.config, resources.get("metadata", {}).get("path"))
        assignment = resources.get("nbgrader", {}).get("assignment") or ASSIGNMENT
        # the re-run (in the sandbox) and the reference here read the data grading found
        with course_data_env(root, assignment):
            outputs = run_learner(solution_sources_of(nb), cases, self.timeout, runner_prefix(),
                                  SandboxSettings(parent=self).env())
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
