"""The grading pieces one by one, on small inputs (fast)."""
import ast
import zipfile

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dnn_course.admin.collect import CollectError, collect
from dnn_course.preprocessors.execute import GuardedExecute
from dnn_course.preprocessors.feedback import HIDDEN_NOTE, HideHiddenTests
from dnn_course.course.mistakes import MUTANTS, mutate
from dnn_course.grading.results import notebook_problem
from dnn_course.preprocessors.tamper import remove_importable_extras
from dnn_course.preprocessors.verify import CASES, judge, run_learner
from dnn_course.course.prelude import namespace
from dnn_course.preprocessors.verify_runner import definitions_only, run_definitions


def _meta(cell, **kw):
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": False,
                                 "schema_version": 3, "task": False, **kw}
    return cell


def _run(cells, **limits):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    GuardedExecute(**limits).preprocess(nb, {"metadata": {"path": "."}})
    return [[(o.get("ename"), o.get("text", "")) for o in c.outputs] for c in nb.cells]


def test_dead_kernel_is_a_result_and_grading_goes_on(tmp_path, monkeypatch):
    """os._exit in a cell: that cell says the kernel died; set-up is replayed; the rest runs."""
    monkeypatch.chdir(tmp_path)
    out = _run([new_code_cell("x = 41"), _meta(new_code_cell("def f(): return 1"), solution=True, grade_id="f"),
                _meta(new_code_cell("import os; os._exit(1)"), grade=True, grade_id="t", points=1),
                new_code_cell("print(x + 1)")], test_cell_timeout=10, timeout=10)
    assert out[2][-1][0] == "KernelDied"
    assert out[3] == [(None, "42\n")]


def test_loop_ignoring_sigint_is_stopped(tmp_path, monkeypatch):
    """A loop that ignores the interrupt times out, its kernel is replaced, later cells run."""
    monkeypatch.chdir(tmp_path)
    out = _run([new_code_cell("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass"),
                new_code_cell("print('after')")], timeout=4, after_timeout=4)
    assert out[0][-1][0] == "CellTimeoutError"
    assert out[1] == [(None, "after\n")]


def test_submission_time_limit(tmp_path, monkeypatch):
    """Cells after the submission's time budget are not run and say why."""
    monkeypatch.chdir(tmp_path)
    out = _run([new_code_cell("import time; time.sleep(3)"), new_code_cell("print('late')")],
               submission_timeout=2, timeout=10)
    assert out[1] and out[1][0][0] == "SubmissionTimeout", out


def test_importable_extras_are_removed(tmp_path):
    """numpy.py, packages and .pth files go; images and data stay."""
    for name in ("numpy.py", "notes.txt", "x.pth"):
        (tmp_path / name).write_text("")
    (tmp_path / "dnn_app_utils").mkdir()
    (tmp_path / "dnn_app_utils" / "__init__.py").write_text("")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "cat.png").write_bytes(b"")
    assert remove_importable_extras(tmp_path) == ["dnn_app_utils/", "numpy.py", "x.pth"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images", "notes.txt"]


def test_feedback_filter_removes_hidden_tests_and_tracebacks():
    """Hidden regions become one note; an error keeps only its one-line message."""
    cell = new_code_cell("# checks\nvisible()\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="wrong W1\nmore",
                                           traceback=["File x", "secret()", "AssertionError"])]
    nb = new_notebook(cells=[cell])
    HideHiddenTests().preprocess(nb, {})
    assert "secret" not in nb.cells[0].source and HIDDEN_NOTE in nb.cells[0].source
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: wrong W1"]


@pytest.mark.parametrize("text, reason", [
    ("{not json", "not valid JSON"),
    ('{"cells": 3}', "not a valid Jupyter notebook"),
])
def test_notebook_problems(tmp_path, text, reason):
    """A damaged notebook file gets a reason a learner can act on."""
    path = tmp_path / "n.ipynb"
    path.write_text(text)
    assert reason in notebook_problem(path)


def _nb_bytes(tag):
    cell = new_code_cell(tag)
    cell.id = tag
    return nbformat.writes(new_notebook(cells=[cell]))


def test_collect_from_folder_and_zip(tmp_path):
    """Students are named by folder or by file name; a different existing one is kept."""
    lms = tmp_path / "lms"
    (lms / "bob").mkdir(parents=True)
    (lms / "alice_12345_dnn_app.ipynb").write_text(_nb_bytes("a"))
    (lms / "bob" / "whatever.ipynb").write_text(_nb_bytes("b"))
    root = tmp_path / "course"
    assert collect(lms, root, "dnn_app", "dnn_app.ipynb") == (["alice", "bob"], [], [])
    assert (root / "submitted" / "alice" / "dnn_app" / "dnn_app.ipynb").read_text() == _nb_bytes("a")
    assert collect(lms, root, "dnn_app", "dnn_app.ipynb") == ([], ["alice", "bob"], [])
    (lms / "alice_12345_dnn_app.ipynb").write_text(_nb_bytes("changed"))
    assert collect(lms, root, "dnn_app", "dnn_app.ipynb")[2] == ["alice"]
    assert (root / "submitted" / "alice" / "dnn_app" / "dnn_app.ipynb").read_text() == _nb_bytes("a")
    archive = tmp_path / "dl.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("carol.ipynb", _nb_bytes("c"))
    assert collect(archive, root, "dnn_app", "dnn_app.ipynb")[0] == ["carol"]


def test_collect_refuses_unsafe_zip(tmp_path):
    """A zip that climbs out of its folder is refused."""
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../etc/x.ipynb", "{}")
    with pytest.raises(CollectError, match="unsafe path"):
        collect(archive, tmp_path / "course", "dnn_app", "dnn_app.ipynb")


def test_runner_keeps_only_definitions():
    """Top-level statements of a solution cell (e.g. patching numpy) are dropped; constants a
    correct solution may use (names bound to literals) are kept."""
    tree = definitions_only("import numpy\nnumpy.allclose = None\ndef f():\n    return 1\nprint('x')\n"
                            "KEYS = ('W1', 'b1')\nEVERY = 100\nnp = None\nA = B = [1, {'x': 2.5}]\n"
                            "C = numpy.seterr(all='ignore')\nnumpy.e = 3")
    assert [type(n).__name__ for n in tree.body] == ["Import", "FunctionDef"] + ["Assign"] * 4
    # a name bound in the learner's namespace only: it can change their function, nothing of numpy's
    assert [ast.unparse(n) for n in tree.body[2:]] == ["KEYS = ('W1', 'b1')", "EVERY = 100", "np = None",
                                                       "A = B = [1, {'x': 2.5}]"]


def test_runner_keeps_aliases_and_runs_each_statement_alone(capsys):
    """A correct cell may name a helper afresh beside the function (``forward =
    linear_activation_forward``): the re-run keeps such bindings (no call in them), and one that
    fails there (a notebook variable it lacks) costs only itself, not the definitions after it."""
    source = ("forward, backward = linear_activation_forward, linear_activation_backward\n"
              "relu_step = lambda A, W, b, name='relu': forward(A, W, b, name)\n"
              "EVERY: int = 10 * 10\n"
              "data = train_x\n"
              "quiet = np.seterr(all='ignore')\n"
              "def aliases():\n    return forward, backward, relu_step, EVERY\n")
    kept = [ast.unparse(n).split(" =")[0].split(":")[0] for n in definitions_only(source).body]
    assert kept == ["forward, backward", "relu_step", "EVERY", "data", "def aliases()"]
    ns = namespace("__main__")
    run_definitions("two_layer_model", source, ns)
    forward, backward, relu_step, every = ns["aliases"]()
    assert (forward, backward, every) == (ns["linear_activation_forward"], ns["linear_activation_backward"], 100)
    assert callable(relu_step) and "data" not in ns and "quiet" not in ns
    assert "two_layer_model: NameError: name 'train_x' is not defined" in capsys.readouterr().err


@pytest.mark.parametrize("first", ["%%time", "%%capture shown", "%matplotlib inline", "%time x = 1"])
def test_runner_reads_the_cell_as_the_kernel_does(first):
    """A magic atop a solution cell runs in the kernel: the re-run keeps the cell's definitions
    (a %%time or %%capture cell's body is its own code), not a SyntaxError costing every case."""
    tree = definitions_only(f"{first}\nimport copy\nEVERY = 100\ndef f():\n    return copy, EVERY\n")
    assert [ast.unparse(n).splitlines()[0] for n in tree.body] == ["import copy", "EVERY = 100", "def f():"]
    assert definitions_only("%%bash\necho 'def f(): pass'\n").body == []


def test_runner_keeps_constants_built_by_pure_builtins():
    """A constant built with a builtin or a string's method (``KEYS = tuple("W1 b1".split())``, a
    comprehension over range) is kept like a literal; a call that could run the learner's code (a
    builtin the cell rebinds, a ``key=`` function) or patch numpy is not."""
    source = ("KEYS = tuple('W1 b1 W2 b2'.split())\nNAMES = [f'W{l}' for l in range(1, 3)]\nN = len(NAMES)\n"
              "LAST = sorted(NAMES, key=lambda k: k)\nPATCHED = setattr(np, 'allclose', None)\n"
              "SEEDED = np.random.seed(1)\ndef f():\n    return KEYS, NAMES, N\n")
    assert [ast.unparse(n).split(" =")[0] for n in definitions_only(source).body] == ["KEYS", "NAMES", "N", "def f():\n    return (KEYS, NAMES, N)"]
    ns = namespace("__main__")
    run_definitions("two_layer_model", source, ns)
    assert ns["f"]() == (("W1", "b1", "W2", "b2"), ["W1", "W2"], 2)
    rebinds = "def len(x):\n    return 0\nN = len('ab')\n"
    assert [type(n).__name__ for n in definitions_only(rebinds).body] == ["FunctionDef"]


def test_verification_passes_the_reference_and_catches_a_mistake(reference, monkeypatch):
    """The independent re-run agrees with the reference and disagrees with a wrong solution."""
    import conftest
    monkeypatch.setenv("DNN_APP_DATA", str(conftest.course_data_dir()))
    from dnn_course.course.solutions import solution_sources

    src = solution_sources()
    cases = [c for cs in CASES.values() for c in cs]
    out = run_learner(src, cases, timeout=120)
    assert [judge(c, out.get(c.id)) for c in cases] == [None] * len(cases)
    wrong = dict(src, L_layer_model=mutate(src["L_layer_model"], MUTANTS["L_layer_model"]["missing-update"]))
    out = run_learner(wrong, cases, timeout=120)
    failed = {c.function for c in cases if judge(c, out.get(c.id))}
    assert failed == {"L_layer_model"}
