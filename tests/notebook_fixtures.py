"""Helpers for tests/notebook/test_notebook.py: the nbgrader configuration, regenerating
the release, running notebooks, and the course data (one setting: DNN_APP_DATA,
read by conftest.course_data_dir).

Kept out of conftest.py on purpose; test_notebook.py imports what it needs.
"""
import os
import shutil
from pathlib import Path

import nbformat

from dnn_course.course.paths import ASSIGNMENT, COURSE_ROOT

from conftest import course_data_dir  # noqa: F401 (re-exported for test_notebook.py)
from dnn_app_utils.data import DATA_ENV
CONFIG_FILE = COURSE_ROOT / "nbgrader_config.py"
SOURCE_DIR = COURSE_ROOT / "source" / ASSIGNMENT
RELEASE_DIR = COURSE_ROOT / "release" / ASSIGNMENT
# What generate_assignment never copies (nbgrader's CourseDirectory.ignore).
IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                                 "datasets", "*.h5")


def nbgrader_config():
    """The course's nbgrader_config.py, loaded as nbgrader loads it."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()


def generate_release(dest):
    """generate_assignment in a scratch course folder; the release is copied to ``dest``.

    Never touches the real course folder or its gradebook.
    """
    from dnn_course.course.assignment import build_release

    return build_release(COURSE_ROOT, db_url=f"sqlite:///{Path(dest).resolve()}.db", out=dest)


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
    """Environment for a kernel: the course data, and one BLAS thread.

    A plain python3 kernel runs the helpers' maths as written, at BLAS's own
    thread count (importing dnn_app_utils sets none): OpenBLAS's two threads
    stall for minutes on a busy machine, so BLAS is told one thread here.
    """
    env = dict(os.environ)
    env[DATA_ENV] = str(data_dir)
    env.setdefault("DNN_APP_BLAS_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env
