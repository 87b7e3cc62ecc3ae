"""Check, outside the learner's reach, that each passing test cell deserves it.

A test cell scores when it runs without error, and it runs in the learner's
own kernel, where the learner's code can redefine the public tests, patch
numpy's comparisons, swallow exceptions or print "All tests passed.".
``VerifyResults`` (an autograde preprocessor, after execution) therefore
re-runs the learner's two functions on the test cells' cases (the one table
the hidden cells loop over, ``public_tests/hidden_cases.py``) in a separate
process (``verify_runner.py``), computes the reference results here from the
source notebook's solutions, and compares them here. A test cell that passed
in the kernel but whose function gives different results here gets an error
output, so it scores 0. Verification can only lower a score, never raise it.
"""
import ast
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Integer, Unicode

from nbgrader.preprocessors import NbGraderPreprocessor

from dnn_course.course.course_data import course_data_env, course_root_for
from dnn_course.course.facts import L_LAYER_MODEL as DEEP, THREADS_ENV, TWO_LAYER_MODEL as TWO
from dnn_course.course.paths import ASSIGNMENT
from dnn_course.course.solutions import load_solutions
from dnn_course.sandbox.hook import runner_prefix
from dnn_course.sandbox.limits import SAFE_FLAG
from dnn_course.sandbox.settings import SandboxSettings
from public_tests.hidden import ATOL, PAIR, PARAMETERS, RTOL, differences, tolerance
from public_tests.hidden_cases import CASES, COMPARES, Case, course_inputs, inputs_of  # noqa: F401 -- the table
from public_tests.printed import printing_problem

# Started as python -P -m RUNNER JOB_DIR (-I before 3.11), like the kernel: the scratch folder is not
# on sys.path, the grader's PYTHONPATH is, so the re-run runs the grader's own copy of the course.
RUNNER = "dnn_course.preprocessors.verify_runner"

# case id -> the reference's (parameters, costs, printed text)
_reference_cache: dict[str, tuple[dict[str, np.ndarray], np.ndarray, str]] = {}


def reference_output(case: Case) -> tuple[dict[str, np.ndarray], np.ndarray, str]:
    """The reference solution's output for a case (computed once per grading process)."""
    if case.id not in _reference_cache:
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


def run_learner(sources: Mapping[str, str], cases: Sequence[Case], timeout: float, runner_prefix: Sequence[str] = (),
                sandbox_env: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Run the learner's functions on the cases in a fresh process; case id -> output dict
    (``sandbox_env``: the sandbox's settings for the launcher in ``runner_prefix``)."""
    with tempfile.TemporaryDirectory(prefix="dnn-verify-") as tmp:
        arrays: dict[str, Any] = {}
        for case in cases:
            if case.inputs != "course":
                arrays[case.key + "/X"], arrays[case.key + "/Y"] = inputs_of(case)
        np.savez(Path(tmp) / "inputs.npz", **arrays)
        job = {"sources": sources, "cases": [asdict(case) | {"inputs": case.key, "layers_dims": list(case.layers_dims)}
                                             for case in cases]}
        (Path(tmp) / "job.json").write_text(json.dumps(job))
        cmd = [*runner_prefix, sys.executable, SAFE_FLAG, "-m", RUNNER, tmp]
        try:
            subprocess.run(cmd, cwd=tmp, timeout=timeout, capture_output=True,
                           env={**os.environ, **(sandbox_env or {}), THREADS_ENV: "1"})
        except subprocess.TimeoutExpired:
            pass  # the cases that finished still count; the others fail
        outputs: dict[str, dict[str, Any]] = {}
        for case in cases:
            path = Path(tmp) / f"out-{case.id}.npz"
            if path.is_file():
                with np.load(path, allow_pickle=False) as f:
                    outputs[case.id] = {k: f[k] for k in f.files}
        return outputs


def _describe(case):
    return (f"{case.function}(layers_dims={tuple(case.layers_dims)}, learning_rate={case.learning_rate}, "
            f"num_iterations={case.num_iterations})")


def cell_tolerance(source: str) -> tuple[float, float]:
    """The (rtol, atol) a hidden cell's ``check_cell(...)`` call gives, defaults for those it does not.

    Read from the cell as the gradebook holds it (the instructor's, never the learner's).
    A value that is not a literal number of 0 or more keeps the default: verification can
    only be as strict as the hidden tests' own default, never looser than the cell asks.

    Args:
        source: the test cell's source.

    Returns:
        tuple of two floats.
    """
    given: dict[str, float] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return RTOL, ATOL
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "check_cell":
            for kw in node.keywords:
                if kw.arg in ("rtol", "atol"):
                    try:
                        given[kw.arg] = tolerance(**{kw.arg: ast.literal_eval(kw.value)})[kw.arg == "atol"]
                    except (ValueError, TypeError, SyntaxError):
                        pass
    return given.get("rtol", RTOL), given.get("atol", ATOL)


def judge(case: Case, out: dict[str, Any] | None, rtol: float | None = None,
          atol: float | None = None) -> str | None:
    """None when the learner's output passes what the case's test cell checks, else what differs
    (``rtol``, ``atol``: the cell's, ``cell_tolerance``; default the hidden tests' own)."""
    rtol = RTOL if rtol is None else rtol
    atol = ATOL if atol is None else atol

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
    failures = differences(got, want, parts, rtol=rtol, atol=atol)
    if failures:
        return f"{_describe(case)}: {failures[0].path} differs"
    if case.compare == "all":
        printing = printing_problem(str(out["printed"]).splitlines(), ref_printed.splitlines(),
                                    case.print_cost, case.num_iterations, rtol, atol)
        if printing:
            return f"{_describe(case)}: {printing}"
    if case.keeps_inputs and bool(out["inputs_changed"]):
        return f"{_describe(case)} changed X or Y"
    return None


def solution_sources_of(nb: NotebookNode) -> dict[str, str]:
    """The learner's solution cells, by grade id."""
    found = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in (TWO, DEEP):
            found[meta["grade_id"]] = cell.source
    return found


def trusted_cells(path: str, student: str | None) -> set[str]:
    """The grade ids whose verification a regrade preview may take from the gradebook.

    ``path`` is the preview's JSON file (``admin/regrade.py``): ``{"changed": [grade ids whose
    source the edit changed], "passed": {student: [grade ids that scored full marks before]}}``.
    A cell that passed before, verification included, and is unchanged passes verification
    again: the learner's functions, the cell's cases and its tolerance are the same.

    Args:
        path: the file ("" for none: every passing cell is verified).
        student: the submission's student id.

    Returns:
        set of str.
    """
    if not path or not student:
        return set()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return set(data.get("passed", {}).get(student, ())) - set(data.get("changed", ()))


def _passed(cell):
    return not any(o.get("output_type") == "error" for o in cell.get("outputs", []))


class VerifyResults(NbGraderPreprocessor):
    """After execution: fail every passing test cell the independent re-run contradicts."""

    timeout = Integer(300, help="Seconds for the re-run of one submission.").tag(config=True)
    trusted_from = Unicode("", help="A regrade preview's file of cells that passed before and are "
                           "unchanged (``trusted_cells``); only its scratch course sets it.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        trusted = trusted_cells(self.trusted_from, resources.get("nbgrader", {}).get("student"))
        graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                  and c.metadata.nbgrader.get("grade_id") in CASES and _passed(c)
                  and c.metadata.nbgrader.grade_id not in trusted]
        if not graded:
            return nb, resources
        cases = [case for c in graded for case in CASES[c.metadata.nbgrader.grade_id]]

        root = course_root_for(self.config, resources.get("metadata", {}).get("path"))
        assignment = resources.get("nbgrader", {}).get("assignment") or ASSIGNMENT
        # the re-run (in the sandbox) and the reference here read the data grading found
        with course_data_env(root, assignment):
            outputs = run_learner(solution_sources_of(nb), cases, self.timeout, runner_prefix(),
                                  SandboxSettings(parent=self).env())
            for cell in graded:
                rtol, atol = cell_tolerance(cell.source)
                for case in CASES[cell.metadata.nbgrader.grade_id]:
                    problem = judge(case, outputs.get(case.id), rtol, atol)
                    if problem:
                        cell.outputs.append(new_output(
                            "error", ename="VerificationError",
                            evalue=f"this test passed inside the notebook, but an independent "
                                   f"re-run outside it disagrees: {problem}. Only the function's "
                                   "own results count.",
                            traceback=[f"VerificationError: {problem}"]))
                        break
        return nb, resources
