"""Run a learner's two functions on given inputs, in a process of their own.

Started by ``verify.py`` as ``python -P -m dnn_course.preprocessors.verify_runner JOB_DIR``.
Reads ``JOB_DIR/job.json`` (the solution cells' sources and the cases) and
``JOB_DIR/inputs.npz``; writes ``JOB_DIR/out-<case>.npz`` per case as it goes,
so a case that hangs or kills the process costs only itself and the rest.
Only the definitions, imports and names bound without running the learner's code
(``KEYS = ("W1", "b1")``, ``forward = linear_activation_forward``) of the solution cells are run, one statement
at a time, read as the kernel reads the cell (IPython's magics, ``%%time``): any other
top-level statement (e.g. patching numpy) is dropped before anything else.
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


# What the value of a kept binding may hold: names, attributes, literals, operators and
# comprehensions, and calls only to builtins that build or measure a value (below) or to a
# method of a string literal ("W1 b1".split()). A lambda is kept like a def (its body runs
# only when the learner's function calls it).
_PLAIN = (ast.Name, ast.Attribute, ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.BinOp,
          ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Subscript, ast.Slice, ast.IfExp, ast.Starred,
          ast.JoinedStr, ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
          ast.comprehension, ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
PURE_BUILTINS = frozenset({"tuple", "list", "dict", "set", "frozenset", "range", "str", "int", "float",
                           "len", "zip", "enumerate", "sorted", "reversed", "min", "max", "sum", "abs", "round"})


def _pure_call(node, rebound):
    """A call a kept binding may make: a builtin of PURE_BUILTINS the cell does not rebind, or a
    string literal's method, with no keyword argument (``key=`` could call the learner's code)."""
    f = node.func
    builtin = isinstance(f, ast.Name) and f.id in PURE_BUILTINS and f.id not in rebound
    text = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Constant) and isinstance(f.value.value, str)
    return (builtin or text) and not node.keywords


def _calls_nothing(node, rebound=frozenset()):
    """True when evaluating the expression ``node`` runs nothing the learner wrote or patched
    (``rebound``: the names the cell binds, which may hide a builtin)."""
    if isinstance(node, ast.Lambda):
        return all(_calls_nothing(d, rebound) for d in node.args.defaults + node.args.kw_defaults if d is not None)
    if isinstance(node, ast.Call):
        return _pure_call(node, rebound) and all(_calls_nothing(a, rebound) for a in node.args)
    return isinstance(node, _PLAIN) and all(_calls_nothing(child, rebound) for child in ast.iter_child_nodes(node))


def _bound_names(tree):
    """Every name the cell binds anywhere: assigned, defined, imported, a loop or function's own."""
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
              for a in n.posonlyargs + n.args + n.kwonlyargs + [x for x in (n.vararg, n.kwarg) if x]}
    names |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
              for a in n.names}
    return frozenset(names)


def _names_only(target):
    """True for a target that binds names only: ``a``, ``a, b``, ``[a, (b, c)]``."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_names_only(t) for t in target.elts)
    return isinstance(target, ast.Name)


def _plain_binding(node, rebound=frozenset()):
    """True for ``NAME = <value>`` whose value runs nothing of the learner's: a constant (``EVERY =
    100``, ``KEYS = tuple("W1 b1".split())``) or an alias (``forward = linear_activation_forward``) a
    learner may set beside the function. It binds a name of the learner's namespace only, so it
    can change their function and nothing else."""
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and isinstance(node.target, ast.Name) and _calls_nothing(node.value, rebound)
    return (isinstance(node, ast.Assign) and all(_names_only(t) for t in node.targets)
            and _calls_nothing(node.value, rebound))


# Cell magics that run their body as the cell's own code, in the notebook's namespace.
PYTHON_CELL_MAGICS = ("time", "capture")


def _cell_magic_body(tree):
    """The body of a ``%%time`` or ``%%capture`` cell, as IPython transformed it, or None."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_cell_magic" and len(call.args) == 3):
        return None
    name, _, body = (a.value if isinstance(a, ast.Constant) else None for a in call.args)
    return body if name in PYTHON_CELL_MAGICS and isinstance(body, str) else None


def python_tree(source: str) -> ast.Module:
    """The cell as the kernel runs it: IPython's syntax made Python (``%matplotlib inline``
    becomes a call, dropped like any), and a ``%%time`` or ``%%capture`` cell its own body."""
    try:  # imported here: IPython's input transformer, only for cells that need it
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return ast.parse(source)
    tree = ast.parse(TransformerManager().transform_cell(source))
    body = _cell_magic_body(tree)
    return tree if body is None else python_tree(body)


def definitions_only(source: str) -> ast.Module:
    """The source with every top-level statement but def, import and plain bindings removed."""
    tree = python_tree(source)
    rebound = _bound_names(tree)
    tree.body = [node for node in tree.body if isinstance(node, KEEP) or _plain_binding(node, rebound)]
    return tree


def run_definitions(name: str, source: str, ns: dict[str, Any]) -> None:
    """Run ``definitions_only(source)`` in ``ns`` one statement at a time, as the kernel ran the cell.

    A statement that fails (e.g. an alias of a notebook variable, not defined here) is told on
    stderr and the rest still run: a function that needs what it bound fails when called.

    Args:
        name: the cell's grade id, for the messages.
        source: the solution cell's source.
        ns: the namespace the learner's functions live in.
    """
    try:
        body = definitions_only(source).body
    except (SyntaxError, ValueError) as e:  # a cell that does not even compile: every case fails
        print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)
        return
    for node in body:
        try:
            exec(compile(ast.Module(body=[node], type_ignores=[]), f"<{name}>", "exec"), ns)
        except Exception as e:  # noqa: BLE001 -- the learner's statement: told, then the next one
            print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)


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
        run_definitions(name, source, ns)
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
