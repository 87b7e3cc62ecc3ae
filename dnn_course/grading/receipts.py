"""Receipts of finished gradings: ``.dnn_course/graded/<assignment>/<student>`` holds the graded notebook's SHA-256.

A submission whose receipt matches its notebook (and whose autograded copy is
there) was graded to the end; every way of grading writes and reads them the
same way, so a batch killed half-way carries on where it stopped.
"""
import hashlib
from pathlib import Path

from dnn_course.course.paths import NOTEBOOK, StrPath


def receipt_path(root: StrPath, assignment: str, student: str) -> Path:
    """Where the receipt of one submission lives.

    Args:
        root: the course folder.
        assignment: the assignment name.
        student: the student id.

    Returns:
        Path: ``root/.dnn_course/graded/<assignment>/<student>``.
    """
    return Path(root) / ".dnn_course" / "graded" / assignment / student


def digest(path: StrPath) -> str:
    """The SHA-256 (hex) of the file at ``path``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def is_graded(root: StrPath, assignment: str, student: str) -> bool:
    """True when this exact submission was graded to the end.

    Args:
        root: the course folder.
        assignment: the assignment name.
        student: the student id.

    Returns:
        bool: the receipt matches the submitted notebook and the autograded one exists.
    """
    receipt = receipt_path(root, assignment, student)
    submitted = Path(root) / "submitted" / student / assignment / NOTEBOOK
    return (receipt.is_file() and submitted.is_file()
            and receipt.read_text().strip() == digest(submitted)
            and (Path(root) / "autograded" / student / assignment / NOTEBOOK).is_file())


def clear_receipt(root: StrPath, assignment: str, student: str) -> None:
    """Remove the receipt before grading again (a run killed half-way leaves none)."""
    receipt_path(root, assignment, student).unlink(missing_ok=True)


def write_receipt(root: StrPath, assignment: str, student: str, sha256: str) -> None:
    """Record that the submission with notebook digest ``sha256`` was graded to the end."""
    receipt = receipt_path(root, assignment, student)
    receipt.parent.mkdir(parents=True, exist_ok=True)
    receipt.write_text(sha256 + "\n")
