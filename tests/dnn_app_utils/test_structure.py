"""How dnn_app_utils is laid out, for the learner who reads it.

* layers.py, model.py and activations.py hold the maths only, as written: the
  speed paths (threads, compiled kernels, in-place tricks) live in _fast.py,
  which speed.install() puts in place of two layer functions on request;
* every public function there gives the shape of each of its inputs;
* no module of the package imports another that imports it back, not even
  from inside a function.
"""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dnn_app_utils

PACKAGE = Path(dnn_app_utils.__file__).parent
MATHS_FILES = ("layers.py", "model.py", "activations.py")

# What a maths file may import: numpy, the argument checks, the other maths files,
# and collections.abc's abstract types for the type hints.
ALLOWED_IMPORTS = {"numpy", "._checks", ".activations", ".layers", "collections.abc"}
# Private helpers a maths file may keep: a shape check of a few lines.
TINY_CHECK_LINES = 8


def _import_names(node):
    """The modules an import statement names, relative ones with their leading dots."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = "." * node.level + (node.module or "")
    if node.module is None:       # from . import layers
        return [base + a.name for a in node.names]
    return [base]


def plumbing_problems(path):
    """What in one file is speed plumbing rather than maths (empty list: none)."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in _import_names(node):
                if name not in ALLOWED_IMPORTS:
                    problems.append(f"line {node.lineno}: imports {name}")
        elif isinstance(node, ast.FunctionDef):
            inner = [n.name for n in ast.walk(node)
                     if isinstance(n, ast.FunctionDef) and n is not node]
            if inner:
                problems.append(f"line {node.lineno}: {node.name} defines {inner} inside it")
            length = node.end_lineno - node.lineno + 1
            if node.name.startswith("_") and not (
                    node.name.startswith("_check") and length <= TINY_CHECK_LINES):
                problems.append(f"line {node.lineno}: private function {node.name} "
                                f"({length} lines) is not a tiny shape check")
        elif isinstance(node, ast.Call):
            if any(k.arg == "out" for k in node.keywords):
                problems.append(f"line {node.lineno}: writes in place (out=)")
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("empty", "matmul"):
                problems.append(f"line {node.lineno}: calls {func.attr}")
    return problems


@pytest.mark.parametrize("name", MATHS_FILES)
def test_maths_files_hold_no_speed_plumbing(name):
    assert plumbing_problems(PACKAGE / name) == []


def test_plumbing_check_sees_plumbing(tmp_path):
    """The check above fails on code like the layers.py of before the move."""
    path = tmp_path / "layers.py"
    path.write_text(
        "import numpy as np\n"
        "from ._threads import split_work, workers\n"
        "from . import _fast\n"
        "def _affine(W, A, b):\n"
        "    Z = np.empty((W.shape[0], A.shape[1]))\n"
        "    def columns(j0, j1):\n"
        "        np.matmul(W, A[:, j0:j1], out=Z[:, j0:j1])\n"
        "    split_work(columns, A.shape[1])\n"
        "    return Z + b\n")
    found = "\n".join(plumbing_problems(path))
    for what in ("imports ._threads", "imports ._fast", "private function _affine", "defines ['columns']",
                 "out=", "calls empty"):
        assert what in found


# Each formula the course teaches, as the learner reads it in the maths files.
FORMULAS = {
    "layers.py": ("Z = W @ A + b", "dW = 1 / m * (dZ @ A_prev.T)",
                  "db = 1 / m * np.sum(dZ, axis=1, keepdims=True)", "dA_prev = W.T @ dZ"),
    "model.py": ('parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]',),
    "activations.py": ("A = 1 / (1 + np.exp(-Z))", "A = np.maximum(0, Z)"),
}


@pytest.mark.parametrize("name", MATHS_FILES)
def test_maths_files_write_each_formula_in_place(name):
    lines = {line.strip() for line in (PACKAGE / name).read_text().splitlines()}
    missing = [f for f in FORMULAS[name] if not any(f in line and not line.startswith(("#", '"'))
                                                    for line in lines)]
    assert not missing, missing


def _public_functions(path):
    tree = ast.parse(Path(path).read_text())
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


@pytest.mark.parametrize("name", MATHS_FILES)
def test_public_functions_give_the_shape_of_each_input(name):
    """Each argument has an ``- name: ...`` line (names may share one) under Inputs:."""
    missing = []
    for fn in _public_functions(PACKAGE / name):
        doc = ast.get_docstring(fn) or ""
        if "Inputs:" not in doc or "Returns" not in doc:
            missing.append(f"{fn.name}: no Inputs:/Returns section")
            continue
        inputs = doc.split("Inputs:", 1)[1].split("Returns", 1)[0]
        for arg in (a.arg for a in fn.args.args):
            if not re.search(rf"^\s*- (\w+, )*{arg}(, \w+)*:", inputs, re.M):
                missing.append(f"{fn.name}: {arg}")
    assert not missing, missing


def unannotated(path):
    """Public functions of one file whose arguments or return value lack a type hint."""
    missing = []
    for fn in _public_functions(path):
        args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        bare = [a.arg for a in args if a.annotation is None]
        if bare or fn.returns is None:
            missing.append(f"{fn.name}: {', '.join(bare) or 'return'}")
    return missing


@pytest.mark.parametrize("name", sorted(p.name for p in PACKAGE.glob("*.py")))
def test_public_functions_have_type_hints(name):
    """Every public function says its types (make lint has mypy check them)."""
    assert unannotated(PACKAGE / name) == []


def test_type_hint_check_sees_a_bare_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f(a: int, b) -> int:\n    pass\ndef g(a: int):\n    pass\n"
                    "def _h(a):\n    pass\n")
    assert unannotated(path) == ["f: b", "g: return"]


def import_graph(package_dir):
    """{module: set of package modules it imports anywhere in its source}."""
    modules = {p.stem for p in Path(package_dir).glob("*.py")} - {"__init__"}
    graph = {}
    for m in modules:
        tree = ast.parse((Path(package_dir) / f"{m}.py").read_text())
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [a.name for a in node.names] if node.module is None else [node.module]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                full = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                names = [n.split(".", 1)[1] for n in full if n.startswith("dnn_app_utils.")]
            else:
                continue
            edges |= {n.split(".")[0] for n in names} & modules
        graph[m] = edges
    return graph


def cycles(graph):
    """Every import cycle, each as a list of modules that leads back to its first."""
    found = []

    def visit(m, path):
        for n in sorted(graph[m]):
            if n == path[0]:
                found.append(path + [n])
            elif n not in path and n > path[0]:     # each cycle once, from its smallest module
                visit(n, path + [n])

    for m in sorted(graph):
        visit(m, [m])
    return found


def test_no_import_cycle_in_the_package():
    assert cycles(import_graph(PACKAGE)) == []


def test_cycle_check_sees_a_cycle_inside_a_function(tmp_path):
    """As data.py and synthetic.py had: one imported the other only inside load_data."""
    (tmp_path / "data.py").write_text("def load():\n    from .synthetic import make\n")
    (tmp_path / "synthetic.py").write_text("from .data import load\n")
    assert cycles(import_graph(tmp_path)) == [["data", "synthetic", "data"]]


def test_each_module_imports_on_its_own():
    """Imported first, in a fresh interpreter, each module loads without the others loaded."""
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    for k in [k for k in sys.modules if k.startswith('dnn_app_utils')]:\n"
        "        del sys.modules[k]\n"
        "    importlib.import_module('dnn_app_utils.' + m)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
