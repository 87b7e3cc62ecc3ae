"""Where things live in the course folder (the repository root)."""
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[2]  # dnn_course/course/paths.py -> the course folder
ASSIGNMENT = "dnn_app"
NOTEBOOK = "dnn_app.ipynb"


def source_notebook(root=COURSE_ROOT):
    return Path(root) / "source" / ASSIGNMENT / NOTEBOOK


def release_notebook(root=COURSE_ROOT):
    return Path(root) / "release" / ASSIGNMENT / NOTEBOOK
