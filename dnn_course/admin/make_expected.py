"""Instructor tool: regenerate public_tests/expected.json and reference_trace.json.

    python -m dnn_course.admin.make_expected [--output PATH] [--trace-output PATH]

The reference solutions are read from the source notebook (this tool lives in
dnn_course because learners never get that package); each is called exactly as
the public tests call the student's function, and its results are written as
plain JSON data (``public_tests/expected.py`` reads it). For the one diagnostic
call of each function
(``public_tests.explain.DIAGNOSTIC_CALL``) the reference's calls to the helper
library are recorded too and written as numbers (``public_tests.trace_data``),
so the public test can name the first wrong step without any reference code.
"""
import argparse
import contextlib
import io
import json
import sys
from pathlib import Path

from public_tests import PLANS, call, make_inputs
from public_tests import trace_data
from public_tests.diagnose import reference_run
from public_tests.explain import DIAGNOSTIC_CALL

from dnn_course.course.paths import COURSE_ROOT
from dnn_course.course.solutions import load_solutions

OUTPUT = COURSE_ROOT / "public_tests" / "expected.json"
TRACE_OUTPUT = COURSE_ROOT / "public_tests" / "reference_trace.json"

def build_expected(solutions):
    """Run each reference solution on the public tests' calls; return plain data."""
    data = {}
    for name, plan in PLANS.items():
        inputs = make_inputs(name)
        entries = []
        for _, learning_rate, num_iterations in plan:
            with contextlib.redirect_stdout(io.StringIO()):
                parameters, costs = call(solutions[name], inputs, learning_rate, num_iterations)
            entries.append({
                "learning_rate": learning_rate,
                "num_iterations": num_iterations,
                "parameters": {k: v.tolist() for k, v in parameters.items()},
                "costs": [float(c) for c in costs],
            })
        data[name] = entries
    return data


def build_traces(solutions):
    """Record each reference solution's helper calls in its public test's diagnostic call.

    Args:
        solutions: namespace holding the reference ``two_layer_model`` and ``L_layer_model``.

    Returns:
        dict: {function name: trace_data.StoredTrace} (numbers and names only).
    """
    traces = {}
    for name, plan in PLANS.items():
        n = DIAGNOSTIC_CALL[name]
        _, learning_rate, num_iterations = plan[n - 1]
        with contextlib.redirect_stdout(io.StringIO()):
            calls, output = reference_run(solutions[name], make_inputs(name),
                                          learning_rate, num_iterations)
        traces[name] = trace_data.StoredTrace(calls, output, learning_rate, num_iterations, n)
    return traces


def _json(obj, indent=0):
    """JSON text for obj: objects one key a line, each list of numbers on one line."""
    pad = " " * (indent + 2)
    if isinstance(obj, dict):
        items = ",\n".join(f"{pad}{json.dumps(k)}: {_json(v, indent + 2)}" for k, v in obj.items())
        return "{\n" + items + "\n" + " " * indent + "}"
    if isinstance(obj, list) and any(isinstance(x, (dict, list)) for x in obj):
        items = ",\n".join(f"{pad}{_json(x, indent + 2)}" for x in obj)
        return "[\n" + items + "\n" + " " * indent + "]"
    return json.dumps(obj)


def render(data):
    """The text of expected.json for data (floats keep their full repr, so they read back bit for bit).

    Args:
        data: what ``build_expected`` returns.

    Returns:
        str: the file's text (ends with a newline).
    """
    return _json(data) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"where to write (default: {OUTPUT})")
    parser.add_argument("--trace-output", type=Path, default=TRACE_OUTPUT,
                        help=f"where to write the reference traces (default: {TRACE_OUTPUT})")
    args = parser.parse_args(argv)
    solutions = load_solutions()
    args.output.write_text(render(build_expected(solutions)))
    print(f"wrote {args.output}")
    args.trace_output.write_text(trace_data.dumps(build_traces(solutions)), encoding="utf-8")
    print(f"wrote {args.trace_output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
