"""A scratch course for a module's ``dnn-course`` tests: the course data in the environment, the
working folder and environment put back afterwards (tests/dnn_course/admin/test_regrade.py,
tests/dnn_course/grading/test_late.py)."""
import contextlib
import os

import pytest

from conftest import course_data_dir
from dnn_course.cli import main


def cli(root, *args):
    """``dnn-course --root ROOT ARGS...``; its exit code."""
    return main(["--root", str(root), *args])


@contextlib.contextmanager
def cli_course(tmp_path_factory, course_template, name):
    """A copy of the course template in a new folder named after ``name``, with DNN_APP_DATA set;
    the working folder and the environment as they were after the block.

    Args:
        tmp_path_factory: pytest's.
        course_template: the run's ``course_template``.
        name: the folder's prefix.

    Yields:
        Path: the course folder.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    here = os.getcwd()
    try:
        yield course_template.copy(tmp_path_factory.mktemp(name) / "course")
    finally:
        os.chdir(here)
        mp.undo()
