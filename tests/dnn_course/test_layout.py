"""The package layout (issue 16): small modules, no import cycles, the entry points others rely on."""
import ast
import subprocess
import sys
from pathlib import Path

from dnn_course.course.paths import COURSE_ROOT

MAX_LINES = 400
PACKAGES = ("dnn_course", "dnn_app_utils", "public_tests")
# dnn_course's top level: the command and its entry points; everything else lives in sub-packages.
TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py"}
# Lowest first: a module imports only from its own layer and those before it
# (dnn_course's sub-packages by name; "dnn_course" is its top level, the command).
LAYERS = ("dnn_app_utils", "public_tests", "course", "sandbox", "preprocessors", "grading",
          "scale", "admin", "classroom", "demo", "dnn_course")
# The package folders whose public functions must carry type hints (issue 27 point 9), each
# its own modules only (not its sub-packages, which are listed on their own).
TYPED_PACKAGES = ("dnn_app_utils", "public_tests", "dnn_course", "dnn_course/course", "dnn_course/sandbox",
                  "dnn_course/preprocessors", "dnn_course/grading", "dnn_course/scale", "dnn_course/admin",
                  "dnn_course/classroom", "dnn_course/demo")


def modules():
    """(path relative to the course folder, dotted name) of every module of the packages."""
    for package in PACKAGES:
        for path in sorted((COURSE_ROOT / package).rglob("*.py")):
            rel = path.relative_to(COURSE_ROOT)
            parts = rel.with_suffix("").parts
            yield rel, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_is_at_most_400_lines():
    long = {str(rel): n for rel, _ in modules()
            if (n := len((COURSE_ROOT / rel).read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these modules (at most {MAX_LINES} lines each): {long}"


def test_every_dnn_course_module_opens_with_a_docstring():
    bare = [str(rel) for rel, _ in modules() if rel.parts[0] == "dnn_course"
            and not ast.get_docstring(ast.parse((COURSE_ROOT / rel).read_text()))]
    assert not bare, f"add a one-line docstring atop: {bare}"


def _public_defs(body, in_class=False):
    """(function node, is a method) of the public functions and methods in a module or class
    body, also under if/try at its level; not those nested in functions or private classes."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not node.name.startswith("_"):
                yield node, in_class
        elif isinstance(node, ast.ClassDef):
            if not node.name.startswith("_"):
                yield from _public_defs(node.body, in_class=True)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for part in ("body", "orelse", "handlers", "finalbody"):
                for child in getattr(node, part, []):
                    yield from _public_defs(child.body if isinstance(child, ast.ExceptHandler) else [child],
                                            in_class)


def unannotated(path, shown):
    """``shown:line name: what lacks a hint`` for each public function or method of the module at
    ``path`` with a parameter (but a method's self or cls) or return value lacking a type hint."""
    missing = []
    for fn, method in _public_defs(ast.parse(Path(path).read_text()).body):
        a = fn.args
        params = a.posonlyargs + a.args
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
        if method and not static and params and params[0].arg in ("self", "cls"):
            params = params[1:]
        params += a.kwonlyargs + [v for v in (a.vararg, a.kwarg) if v is not None]
        bare = [p.arg for p in params if p.annotation is None] + (["return"] if fn.returns is None else [])
        if bare:
            missing.append(f"{shown}:{fn.lineno} {fn.name}: {', '.join(bare)}")
    return missing


def typed_modules():
    """The public modules (no ``_name`` module) of TYPED_PACKAGES, relative to the course folder."""
    for folder in TYPED_PACKAGES:
        assert (COURSE_ROOT / folder / "__init__.py").is_file(), f"{folder} is not a package"
        for path in sorted((COURSE_ROOT / folder).glob("*.py")):
            if path.name == "__init__.py" or not path.name.startswith("_"):
                yield path.relative_to(COURSE_ROOT)


def test_public_functions_have_type_hints():
    """Every parameter and return value of a public function or method says its type (mypy,
    run by make lint, checks them)."""
    missing = [m for rel in typed_modules() for m in unannotated(COURSE_ROOT / rel, rel)]
    assert not missing, "add type hints:\n" + "\n".join(missing)


def test_type_hint_check_sees_what_lacks_a_hint(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f(a: int, b, *args, c: int, **kw) -> int:\n    pass\n"
                    "def g(a: int):\n    pass\n"
                    "def _h(a):\n    pass\n"
                    "class C:\n"
                    "    def __init__(self, a):\n        pass\n"
                    "    def m(self, a: int) -> None:\n        def inner(x):\n            pass\n"
                    "    @classmethod\n    def k(cls, a) -> None:\n        pass\n"
                    "    @staticmethod\n    def s(self) -> None:\n        pass\n"
                    "class _P:\n    def m(self, a):\n        pass\n"
                    "if True:\n    def t(a) -> None:\n        pass\n")
    assert unannotated(path, "m.py") == ["m.py:1 f: b, args, kw", "m.py:3 g: return", "m.py:14 k: a",
                                         "m.py:17 s: self", "m.py:23 t: a"]


WHERE_USED = "imported where used"  # a module-level comment with these words explains them all


def unexplained_imports(path, shown):
    """``shown:line`` of each import inside a function of the module at ``path`` that says not why it
    is there: no comment on its line, the line above or its try/except lines, and no module-level
    comment saying the module's imports are ``WHERE_USED`` (and why)."""
    lines = Path(path).read_text().splitlines()
    if any(line.startswith("#") and WHERE_USED in line for line in lines):
        return []
    found = []

    def visit(node, in_function, try_lines):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, True, ())
            elif isinstance(child, ast.Try):
                visit(child, in_function, try_lines + (child.lineno, *(h.lineno for h in child.handlers)))
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                near = (child.lineno, child.lineno - 1, *try_lines)
                if not any("#" in lines[n - 1] for n in near if n >= 1):
                    found.append(f"{shown}:{child.lineno}")
            else:
                visit(child, in_function, try_lines)

    visit(ast.parse("\n".join(lines)), False, ())
    return found


def test_every_import_inside_a_function_says_why():
    """Imports belong atop the module (issue 27 point 6); one inside a function is there for
    start-up time (the command line, the kernel) or an optional package, and says so."""
    found = [m for folder in TYPED_PACKAGES for path in sorted((COURSE_ROOT / folder).glob("*.py"))
             for m in unexplained_imports(path, path.relative_to(COURSE_ROOT))]
    assert not found, f"move these imports atop their module, or say why they wait: {found}"


def test_import_check_sees_an_unexplained_import(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import os\n\n\ndef f():\n    import json\n\n\ndef g():\n"
                    "    import io  # start-up time\n    # jupyter_client is slow to import\n    import sys\n"
                    "    try:\n        import h5py\n    except ImportError:  # optional\n        pass\n")
    assert unexplained_imports(path, "m.py") == ["m.py:5"]
    path.write_text(path.read_text() + f"# The optional packages are {WHERE_USED}: they are slow.\n")
    assert unexplained_imports(path, "m.py") == []


def _imports(rel, name):
    """The dnn_course modules that module ``name`` imports (anywhere in it)."""
    package = name if rel.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse((COURSE_ROOT / rel).read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                if not list(COURSE_ROOT.joinpath(*base.split(".")).glob(f"{alias.name}.*.so")):
                    yield base, f"{base}.{alias.name}"  # (a compiled module imports nothing of ours)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, alias.name


def import_graph():
    """module -> the modules of PACKAGES it imports (anywhere in it, also inside functions)."""
    names = {name: rel for rel, name in modules()}
    return {name: {sub if sub in names else base for base, sub in _imports(rel, name)
                   if sub in names or base in names} - {name}
            for name, rel in names.items()}


def import_cycles(graph):
    """Every import cycle of a graph (module -> the modules it imports), each as a path that
    leads back to its first module."""
    done, path, cycles = set(), [], []

    def visit(node):
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        path.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        path.pop()
        done.add(node)

    for name in sorted(graph):
        visit(name)
    return cycles


def test_no_package_has_an_import_cycle():
    """dnn_course, dnn_app_utils and public_tests, and between them. Also imports inside
    functions: a cycle there still ties the two modules together."""
    assert not import_cycles(import_graph())


def test_cycle_check_sees_a_package_importing_its_own_module_back():
    """As public_tests had: __init__ re-exported cell.run_test_cell, cell imported names of __init__
    (``from . import L_LAYER``); the graph holds a package's edges to its modules and back."""
    graph = import_graph()
    assert "public_tests.cell" in graph["public_tests"]
    assert "public_tests.run" in graph["public_tests.cell"]
    graph["public_tests.cell"].add("public_tests")
    assert ["public_tests", "public_tests.cell", "public_tests"] in import_cycles(graph)


def _layer(name):
    """The LAYERS index of a module: its dnn_course sub-package, else its package."""
    parts = name.split(".")
    if parts[0] == "dnn_course":
        return LAYERS.index(parts[1] if len(parts) > 2 else "dnn_course")
    return LAYERS.index(parts[0])


def test_layers_import_only_downwards():
    """Each layer imports only itself and the layers below it (LAYERS, lowest first): grading
    runs the preprocessors, never the other way round; the course's basics import no command."""
    upward = sorted((a, b) for a, bs in import_graph().items() for b in bs
                    if _layer(b) > _layer(a))
    assert not upward, f"move what these import into a lower layer: {upward}"


def test_no_package_imports_another_packages_private_module():
    """``_name`` modules are their package's own business (dnn_app_utils' fast path is one)."""
    private = {(a, b) for a, bs in import_graph().items() for b in bs
               if b.split(".")[0] != a.split(".")[0] and any(part.startswith("_") and part != "__init__"
                                                             for part in b.split("."))}
    assert not private, sorted(private)


def _private_uses(rel, names):
    """(line, name, its module) of each private name the module at ``rel`` takes from a module of
    ``names``: ``from pkg.mod import _x``, or ``mod._x`` on a module it imported."""
    tree = ast.parse((COURSE_ROOT / rel).read_text())
    modules_bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in names:
                    modules_bound[alias.asname or alias.name] = full
                elif alias.name.startswith("_") and node.module in names:
                    yield node.lineno, full, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in names:
                    modules_bound[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules_bound and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            module = modules_bound[node.value.id]
            yield node.lineno, f"{module}.{node.attr}", module


def test_no_package_uses_another_packages_private_names():
    """A ``_name`` in a module is its package's business: another package asks for a public
    function (the classroom service once used the worker pool's ``_pool`` and ``_grade``)."""
    names = {name: rel for rel, name in modules()}
    found = sorted(f"{rel}:{line} uses {what}" for name, rel in names.items()
                   for line, what, module in _private_uses(rel, names)
                   if module.rpartition(".")[0] != (name if rel.name == "__init__.py"
                                                    else name.rpartition(".")[0]))
    assert not found, found


def test_dnn_course_top_level_holds_only_the_command():
    """Modules live in the sub-packages; no second path to one of them (the 0.1 shims are gone)."""
    top = {p.name for p in (COURSE_ROOT / "dnn_course").glob("*.py")}
    assert top == TOP_LEVEL, f"move into a sub-package: {sorted(top - TOP_LEVEL)}"


def test_nbgrader_config_is_plain_json_naming_importable_classes():
    """nbgrader's formgrader writes the configuration as JSON on every Manage Assignments load
    (with class objects in it, it logged "Formgrader config is not serializable" each time): the
    preprocessors and the feedback exporter are import strings, each naming the class meant."""
    import json

    from nbconvert.preprocessors import Preprocessor
    from traitlets.utils.importstring import import_item

    from dnn_course.course.nbapi import load_config
    from dnn_course.preprocessors.execute import GuardedExecute
    from dnn_course.preprocessors.feedback_math import OfflineMathHTMLExporter

    config = load_config(COURSE_ROOT)
    json.dumps(config)
    named = (config.Autograde.sanitize_preprocessors + config.Autograde.autograde_preprocessors
             + config.GenerateFeedback.preprocessors)
    assert all(isinstance(n, str) and issubclass(import_item(n), Preprocessor) for n in named), named
    assert import_item(config.Autograde.autograde_preprocessors[0]) is GuardedExecute
    assert import_item(config.GenerateFeedback.exporter_class) is OfflineMathHTMLExporter


def test_the_kernelspec_command_runs():
    """The installed kernelspec starts ``python -P -m dnn_course.sandbox``; so does the Makefile's
    ``--install``: the package must stay runnable by that name."""
    from dnn_course.sandbox.kernelspec import kernelspec

    argv = kernelspec()["argv"]
    module = argv[argv.index("-m") + 1]
    assert module == "dnn_course.sandbox"
    run = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "--install" in run.stdout and "-f CONNECTION_FILE" in run.stdout


def test_the_verification_runner_is_found_by_an_isolated_interpreter():
    """verify.py starts ``python -P -m RUNNER`` in a scratch folder: the module it names must be
    found there with no working folder to help, and be this copy's (the one the grader and the
    kernel import: under -I a PYTHONPATH copy lost to an installed one)."""
    from dnn_course.preprocessors.verify import RUNNER, SAFE_FLAG

    run = subprocess.run([sys.executable, SAFE_FLAG, "-c", "import importlib.util as u; "
                          f"print(u.find_spec({RUNNER!r}).origin)"],
                         capture_output=True, text=True, timeout=60, cwd="/")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(COURSE_ROOT / "dnn_course" / "preprocessors" / "verify_runner.py")


def test_the_console_script_and_python_m_agree():
    """``dnn-course`` (the console script) and ``python -m dnn_course`` are one command: the script
    names ``cli.main`` and both print the same help, in fresh interpreters where a
    DeprecationWarning at import is an error."""
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "dnn-course"]
    assert script.value == "dnn_course.cli:main"
    runs = [subprocess.run([sys.executable, "-W", "error::DeprecationWarning", *how, "--help"],
                           capture_output=True, text=True, timeout=60)
            for how in (["-m", "dnn_course"], ["-c", "import sys; from dnn_course.cli import main; "
                                                     "sys.exit(main())"])]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert runs[0].stdout == runs[1].stdout and "install-kernel" in runs[0].stdout


def test_the_wheel_holds_every_sub_package():
    """pyproject.toml finds the packages: a fixed list would ship dnn_course without its
    sub-packages (an editable install hides that)."""
    import tomllib

    from setuptools import find_packages

    find = tomllib.loads((COURSE_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(find_packages(str(COURSE_ROOT), include=find["packages"]["find"]["include"]))
    packages = {name for rel, name in modules() if rel.name == "__init__.py"}
    assert found == packages
