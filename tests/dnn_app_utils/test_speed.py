"""The fast path is installed only on request: importing the helpers changes no setting of
the process, ``speed.install()`` does (BLAS threads, kernels, the layers' two functions)
and ``uninstall()`` undoes it; the grading kernel installs it before any cell runs."""
import json
import subprocess
import sys

import numpy as np
import pytest

from dnn_app_utils import layers, speed
from dnn_course.sandbox.launch import kernel_argv

BLAS_THREADS = ("import json, numpy, threadpoolctl\n"
                "def blas():\n"
                "    return [i['num_threads'] for i in threadpoolctl.threadpool_info()"
                " if i['user_api'] == 'blas']\n")


def _python(code, **env):
    import os

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_importing_the_helpers_leaves_blas_threads_alone():
    """Every module of the package imported, BLAS runs as many threads as before, and
    the layers compute the maths as written."""
    out = _python(BLAS_THREADS + (
        "from threadpoolctl import threadpool_limits\n"
        "threadpool_limits(2, user_api='blas')\n"   # a known, non-1 starting point
        "before = blas()\n"
        "import dnn_app_utils, dnn_app_utils.speed, dnn_app_utils._fast, dnn_app_utils._threads\n"
        "from dnn_app_utils import *\n"
        "print(json.dumps([before, blas(), dnn_app_utils.speed.installed(),\n"
        "                  linear_forward.__module__]))\n"), DNN_APP_BLAS_THREADS="1")
    before, after, installed, module = json.loads(out)
    assert before == after and 2 in after
    assert installed is False and module == "dnn_app_utils.layers"


def test_install_sets_one_blas_thread_and_uninstall_restores_them():
    out = _python(BLAS_THREADS + (
        "from threadpoolctl import threadpool_limits\n"
        "threadpool_limits(2, user_api='blas')\n"
        "from dnn_app_utils import speed\n"
        "speed.install(); speed.install()\n"          # twice: still restores the original
        "inside = blas()\n"
        "speed.uninstall()\n"
        "print(json.dumps([inside, blas()]))\n"))
    inside, after = json.loads(out)
    assert set(inside) == {1} and 2 in after


def test_install_swaps_the_layers_functions_and_uninstall_puts_them_back(fast_path):
    import dnn_app_utils

    assert speed.installed()
    assert layers.linear_forward is speed.linear_forward
    assert dnn_app_utils.linear_backward is speed.linear_backward
    assert dnn_app_utils.model.update_parameters is speed.update_parameters
    try:
        speed.uninstall()
        assert not speed.installed()
        assert layers.linear_forward is speed.PLAIN["linear_forward"]
        assert dnn_app_utils.linear_backward is speed.PLAIN["linear_backward"]
        assert speed.status().startswith("numpy as written")
    finally:
        speed.install()


def test_the_fast_twins_reject_bad_input_as_the_maths_does(fast_path):
    """Same checks, same messages: a learner's mistake reads the same in grading."""
    W, b = np.ones((3, 4)), np.zeros((3, 1))
    for fn in (speed.linear_forward, speed.PLAIN["linear_forward"]):
        with pytest.raises(ValueError, match=r"linear_forward: W has shape \(3, 4\), so A needs 4 rows"):
            fn(np.ones((5, 2)), W, b)
    for fn in (speed.linear_backward, speed.PLAIN["linear_backward"]):
        with pytest.raises(ValueError, match="linear_backward: dZ"):
            fn(np.ones((2, 2)), (np.ones((4, 2)), W, b))
    for fn in (speed.update_parameters, speed.PLAIN["update_parameters"]):
        params = {"W1": W, "b1": b}
        with pytest.raises(ValueError, match=r"update_parameters: db1 has shape \(3,\) but b1"):
            fn(params, {"dW1": W, "db1": np.ones(3)}, 0.1)
        assert params["W1"] is W                 # checked before anything is updated


def test_a_bad_thread_setting_is_named_and_changes_nothing(fast_path, monkeypatch):
    monkeypatch.setenv("DNN_APP_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="DNN_APP_BLAS_THREADS must be a whole number"):
        speed.install()
    assert speed.installed()          # the session's install is untouched


def test_the_grading_kernel_loads_the_fast_path_before_any_cell():
    """The sandbox kernel's argv names the extension; IPython loads it at start."""
    argv = kernel_argv("kernel.json", [])
    ext = [a for a in argv if a.startswith("--ext=")]
    assert ext == ["--ext=dnn_app_utils.speed"]
    out = _python("import IPython, sys\n"
                  f"IPython.start_ipython(argv=['--quick', {ext[0]!r}, '-c',\n"
                  "    'import dnn_app_utils.speed as s; print(s.installed(), s.status())'])\n")
    assert out.startswith("True "), out


def test_the_course_config_installs_it_for_its_own_runs_only():
    """Validate and `dnn-course check` (nbgrader's Execute) load the extension; grading's guard
    does not pass it twice (its sandbox kernel loads it); the learner's config never names it."""
    from dnn_course.course.paths import COURSE_ROOT
    from notebook_fixtures import nbgrader_config

    c = nbgrader_config()
    assert list(c.Execute.extra_arguments) == ["--ext=dnn_app_utils.speed"]
    assert list(c.GuardedExecute.extra_arguments) == []
    learner = (COURSE_ROOT / "learner" / "etc" / "jupyter" / "nbgrader_config.json").read_text()
    assert "speed" not in learner and "extra_arguments" not in learner
