"""The learner's environment, installed from a copy of release/ alone (session fixture ``learner_venv``).

Built once per test run (``shared_setup.once_per_run``): copy release/ to a temporary folder, make a fresh
venv there (no system site packages) and run ``pip install -r requirements.txt``
from that folder, as the README tells learners. PyPI (or the machine's pip
mirror) must be reachable; pip's own cache is reused.
"""
import os
import shutil
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from dnn_course.course.paths import COURSE_ROOT
from shared_setup import once_per_run

INSTALL_TIMEOUT = 1800        # seconds; a cold pip cache on a slow line needs minutes
# Variables that would let the outer environment leak into the learner's.
LEAKY = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "CONDA_PREFIX",
         "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "PIP_REQUIRE_VIRTUALENV")


@dataclass(frozen=True)
class LearnerVenv:
    """A learner's environment: ``folder`` is the copy of release/, ``venv`` the environment."""

    folder: Path
    venv: Path
    home: Path                 # JupyterLab's and IPython's user folders, outside folder and venv
    env: dict
    install_seconds: float

    @property
    def bin(self):
        return _scripts(self.venv)

    @property
    def python(self):
        return _scripts(self.venv) / ("python.exe" if os.name == "nt" else "python")

    def run(self, *args, timeout=600, **kwargs):
        """Run a command of the venv (e.g. ``run("jupyter", "--paths")``) with its environment.

        Args:
            *args: the command; a first word naming one of the venv's scripts runs that script.
            timeout: seconds before the command is killed.
            **kwargs: passed to subprocess.run (e.g. ``cwd``).

        Returns:
            The CompletedProcess, output captured as text.
        """
        first = self.bin / args[0]
        argv = [str(first) if first.exists() else args[0], *map(str, args[1:])]
        kwargs.setdefault("cwd", self.folder)
        return subprocess.run(argv, env=self.env, capture_output=True, text=True,
                              timeout=timeout, **kwargs)


def _scripts(venv_dir):
    return Path(venv_dir) / ("Scripts" if os.name == "nt" else "bin")


def learner_env(venv_dir, home):
    """os.environ without the outer venv: venv_dir's scripts first on PATH, Jupyter's user
    folders under ``home`` (so this machine's ~/.jupyter cannot change what is tested).

    Args:
        venv_dir: the learner's venv.
        home: a folder for Jupyter's, IPython's and matplotlib's user files.

    Returns:
        The environment (dict).
    """
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    outer = Path(sys.prefix).resolve()
    path = [p for p in env.get("PATH", "").split(os.pathsep)
            if p and not Path(p).resolve().is_relative_to(outer)]
    env["PATH"] = os.pathsep.join([str(_scripts(venv_dir))] + path)
    for name, sub in (("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"),
                      ("MPLCONFIGDIR", "matplotlib")):
        env[name] = str(Path(home) / sub)
    # One BLAS thread, as data_env gives the other notebook runs: on CI's 2 cores the other
    # xdist worker grades meanwhile, and OpenBLAS's 2 spinning threads then run the learner's
    # plain-numpy trainings about 5 times slower (2-layer 21 s -> 118 s, L-layer 31 s -> 144 s
    # beside one busy process, 3 December 2026). What the notebook shows does not depend on it.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return env


def install_learner_venv(dest, release=COURSE_ROOT / "release"):
    """Copy ``release`` to dest/release, make dest/venv and pip-install the requirements there.

    Args:
        dest: an empty folder.
        release: the release folder to install from.

    Returns:
        LearnerVenv. Fails the test (with pip's last lines) when the install fails.
    """
    dest = Path(dest)
    folder = dest / "release"
    shutil.copytree(release, folder, ignore=shutil.ignore_patterns(
        ".ipynb_checkpoints", "__pycache__", "datasets", "*.h5"))
    venv_dir, home = dest / "venv", dest / "home"
    home.mkdir()
    venv.create(venv_dir, with_pip=True, system_site_packages=False)
    env = learner_env(venv_dir, home)
    start = time.monotonic()
    done = subprocess.run([str(_scripts(venv_dir) / "python"), "-m", "pip", "install",
                           "-r", "requirements.txt"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=INSTALL_TIMEOUT)
    seconds = time.monotonic() - start
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        pytest.fail(f"pip install -r requirements.txt failed in a copy of release/:\n{tail}")
    print(f"learner install: pip install -r requirements.txt took {seconds:.0f} s")
    return LearnerVenv(folder, venv_dir, home, env, seconds)


@pytest.fixture(scope="session")
def learner_venv(tmp_path_factory):
    """The learner's environment, installed once per run (shared by the xdist workers) from a
    copy of release/ alone."""
    return once_per_run(tmp_path_factory, "learner-venv", install_learner_venv)
