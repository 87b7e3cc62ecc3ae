"""Where things live in the course folder (the repository root)."""
import os
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[2]  # dnn_course/course/paths.py -> the course folder
ASSIGNMENT = "dnn_app"
NOTEBOOK = "dnn_app.ipynb"
# A folder or file as the functions here take it: a str or a path object.
StrPath = str | os.PathLike[str]


def source_notebook(root: StrPath = COURSE_ROOT) -> Path:
    """The source notebook of the course at ``root``, the instructor's, solutions and hidden tests in it."""
    return Path(root) / "source" / ASSIGNMENT / NOTEBOOK


def release_notebook(root: StrPath = COURSE_ROOT) -> Path:
    """The release notebook of the course at ``root``, the learners'."""
    return Path(root) / "release" / ASSIGNMENT / NOTEBOOK
