"""The cheap grading batch and a loopback Dask cluster, shared by the scale tests and others.

The cheap batch: solutions that are right (or carry one catalogued mistake) but refuse
the notebook's two 2500-iteration trainings, which no test cell needs, so each grades
in seconds while still scoring 20/20 or losing named points.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from dnn_course.course.mistakes import MUTANTS, mutate
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.course.solutions import solution_sources
from dnn_course.demo.samples import sample_notebooks

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SKIP_LONG = ('    if num_iterations >= 2500:  # the test batch skips the long trainings\n'
             '        raise RuntimeError("not in the test batch")\n')


def missing(what):
    """Fail in CI, skip elsewhere, when a tool the test needs is absent."""
    (pytest.fail if IN_CI else pytest.skip)(what)


def _fast(source):
    """A solution that refuses the 2500-iteration trainings (no test cell runs them)."""
    marker = "# YOUR CODE STARTS HERE\n"
    if marker in source:
        return source.replace(marker, marker + SKIP_LONG, 1)
    header, rest = source.split("\n", 1)
    return header + "\n" + SKIP_LONG + rest


def fast_samples():
    """student -> notebook: the cheap batch (see the module docstring)."""
    right = solution_sources()
    wrong_2 = mutate(right["two_layer_model"], MUTANTS["two_layer_model"]["wrong-sign-dA2"])
    wrong_l = mutate(right["L_layer_model"], MUTANTS["L_layer_model"]["hard-coded-learning-rate"])
    base = sample_notebooks()["demo-blank"]
    out = {}
    for student, sources in (("fast-correct", {k: _fast(v) for k, v in right.items()}),
                             ("fast-wrong-sign-dA2", {"two_layer_model": _fast(wrong_2),
                                                      "L_layer_model": _fast(right["L_layer_model"])}),
                             ("fast-hard-coded-rate", {"two_layer_model": _fast(right["two_layer_model"]),
                                                       "L_layer_model": _fast(wrong_l)})):
        nb = nbformat.from_dict(base)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in sources:
                cell.source = sources[gid]
        out[student] = nb
    return out


def write(root, student, nb):
    """Submit ``nb`` as ``student``'s notebook in the course at ``root``."""
    path = Path(root) / "submitted" / student / ASSIGNMENT / NOTEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask():
    """Skip (fail in CI) when dask's distributed is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        missing("dask and distributed are not installed: pip install -r requirements.txt")


@pytest.fixture
def dask_cluster():
    """A loopback Dask scheduler and two workers (``Cluster``), stopped after the test."""
    cluster = Cluster()
    yield cluster
    cluster.close()


class Cluster:
    """A Dask scheduler and workers as loopback subprocesses."""

    def __init__(self, workers=2, nanny=False):
        _dask()
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self.logs = Path(tempfile.mkdtemp(prefix="dnn-dask-"))
        env = {**os.environ, "DNN_APP_THREADS": "1"}
        self.scheduler = self._start([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                      "--host", "127.0.0.1", "--port", str(port),
                                      "--no-dashboard"], env, "scheduler")
        self.workers = [self._start([sys.executable, "-m", "distributed.cli.dask_worker",
                                     self.address, "--host", "127.0.0.1", "--nthreads", "1",
                                     "--no-dashboard"] + ([] if nanny else ["--no-nanny"]),
                                    env, f"worker{i}") for i in range(workers)]
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=60)

    def _start(self, cmd, env, name):
        log = open(self.logs / f"{name}.log", "w")
        return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def close(self):
        for p in self.workers + [self.scheduler]:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.workers + [self.scheduler]:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(self.logs, ignore_errors=True)
