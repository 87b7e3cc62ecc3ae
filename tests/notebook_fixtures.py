"""Helpers for tests/test_notebook.py: the nbgrader configuration, regenerating
the release, running notebooks, and the course data (one setting: DNN_APP_DATA).

Kept out of conftest.py on purpose; test_notebook.py imports what it needs.
"""
import contextlib
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from dnn_course.paths import ASSIGNMENT, COURSE_ROOT, NOTEBOOK

DATA_ENV = "DNN_APP_DATA"
SYNTHETIC = "synthetic"
DATA_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
CONFIG_FILE = COURSE_ROOT / "nbgrader_config.py"
SOURCE_DIR = COURSE_ROOT / "source" / ASSIGNMENT
RELEASE_DIR = COURSE_ROOT / "release" / ASSIGNMENT
# What generate_assignment never copies (nbgrader's CourseDirectory.ignore).
IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                 "datasets", "*.h5")


def course_data_dir():
    """The course data folder named by DNN_APP_DATA.

    Fails (never skips silently) when it is unset or lacks the files; skips,
    saying why, when it is "synthetic" (the course's numbers need real data).
    """
    value = os.environ.get(DATA_ENV, "")
    if value == SYNTHETIC:
        pytest.skip(f"{DATA_ENV}=synthetic: this test needs the course data and its numbers")
    if not value:
        pytest.fail(f"{DATA_ENV} is not set: set it to the folder holding {' and '.join(DATA_FILES)} "
                    "(make test uses ../shared/datasets), or to 'synthetic' to skip the tests "
                    "that need the course data.", pytrace=False)
    folder = Path(value).expanduser().resolve()
    missing = [n for n in DATA_FILES if not (folder / n).is_file()]
    if missing:
        pytest.fail(f"{DATA_ENV}={value} lacks {missing}: set {DATA_ENV} to the folder holding "
                    f"{' and '.join(DATA_FILES)}.", pytrace=False)
    return folder


def nbgrader_config():
    """The course's nbgrader_config.py, loaded as nbgrader loads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()


@contextlib.contextmanager
def venv_on_path():
    """Put this Python's bin folder first on PATH while nbgrader runs.

    nbgrader's gradebook runs the ``alembic`` command found on PATH; with the
    venv's python called directly (``.venv/bin/python -m pytest``) its bin folder
    is not on PATH and every gradebook operation fails.
    """
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + old
    try:
        yield
    finally:
        os.environ["PATH"] = old


def generate_release(dest, source_dir=SOURCE_DIR):
    """Run nbgrader's generate_assignment on a copy of the course folder.

    Copies nbgrader_config.py and source/<assignment> into ``dest`` (the copy's
    CourseDirectory.root is ``dest``, since the config roots the course at its
    own folder), generates there, and returns ``dest/release/<assignment>``. The
    real course folder, and its gradebook, are never touched.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    dest = Path(dest)
    (dest / "source").mkdir(parents=True, exist_ok=True)
    shutil.copy2(CONFIG_FILE, dest / CONFIG_FILE.name)
    shutil.copytree(source_dir, dest / "source" / ASSIGNMENT, ignore=IGNORED)
    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(dest)).load_config()
    assert Path(config.CourseDirectory.root) == dest.resolve()
    with venv_on_path():
        result = NbGraderAPI(config=config).generate_assignment(ASSIGNMENT, force=True, create=True)
    if not result["success"]:
        raise RuntimeError("generate_assignment failed:\n" + result.get("error", "")
                           + result.get("log", ""))
    return dest / "release" / ASSIGNMENT


def copy_assignment(src_dir, dest, data_dir=None):
    """Copy an assignment folder to dest; link dest/datasets to data_dir if given."""
    dest = Path(dest)
    shutil.copytree(src_dir, dest, ignore=IGNORED)
    if data_dir is not None:
        (dest / "datasets").symlink_to(Path(data_dir), target_is_directory=True)
    return dest


def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def cell_by_grade_id(nb, gid):
    for cell in nb.cells:
        if grade_id(cell) == gid:
            return cell
    raise LookupError(f"no cell with grade id {gid!r}")


def stream_text(cell, name="stdout"):
    return "".join(o.text for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == name)


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def data_env(data_dir):
    """Environment for a kernel: the course data, and one BLAS thread."""
    env = dict(os.environ)
    env[DATA_ENV] = str(data_dir)
    env.setdefault("DNN_APP_BLAS_THREADS", "1")
    return env


def normalized(nb):
    """A notebook as a plain dict, without what may vary between two generations."""
    d = nbformat.from_dict(nb)
    d = {k: v for k, v in d.items()}
    d["metadata"] = {k: v for k, v in d.get("metadata", {}).items() if k != "language_info"}
    return d
