"""Graders start the submissions expected to take longest first (order.py)."""
import shutil

import nbformat

from dnn_course.grading.order import expected_work, longest_first
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK, release_notebook
from dnn_course.demo.samples import _filled, write_samples
from dnn_course.course.solutions import solution_sources


def course(tmp_path):
    """A course folder with the release notebook and the demo's samples submitted."""
    root = tmp_path / "course"
    (root / "release" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(release_notebook(), root / "release" / ASSIGNMENT / NOTEBOOK)
    write_samples(root, only={"demo-correct", "demo-blank", "demo-raises", "demo-invalid-json",
                              "demo-wrong-sign-dA2"})
    half = _filled({"two_layer_model": solution_sources()["two_layer_model"]})
    path = root / "submitted" / "demo-half" / ASSIGNMENT / NOTEBOOK
    path.parent.mkdir(parents=True)
    nbformat.write(half, str(path))
    return root


def test_filled_in_first_blank_and_broken_last(tmp_path):
    """Two changed cells before one, one before none; ties keep the given order."""
    root = course(tmp_path)
    given = ["demo-blank", "demo-correct", "demo-half", "demo-invalid-json", "demo-raises",
             "demo-wrong-sign-dA2", "no-such-student"]
    work = {s: expected_work(root, ASSIGNMENT, s) for s in given}
    assert work == {"demo-blank": 0, "demo-correct": 2, "demo-half": 1, "demo-invalid-json": 0,
                    "demo-raises": 2, "demo-wrong-sign-dA2": 2, "no-such-student": 0}, work
    assert longest_first(root, ASSIGNMENT, given) == [
        "demo-correct", "demo-raises", "demo-wrong-sign-dA2", "demo-half",
        "demo-blank", "demo-invalid-json", "no-such-student"]


def test_graded_submission_costs_nothing_unless_forced(tmp_path):
    """A matching receipt means grade_one will skip it: last, unless --force."""
    from dnn_course.grading.receipts import digest as _digest, receipt_path as _receipt

    root = course(tmp_path)
    submitted = root / "submitted" / "demo-correct" / ASSIGNMENT / NOTEBOOK
    receipt = _receipt(root, ASSIGNMENT, "demo-correct")
    receipt.parent.mkdir(parents=True)
    receipt.write_text(_digest(submitted) + "\n")
    out = root / "autograded" / "demo-correct" / ASSIGNMENT / NOTEBOOK
    out.parent.mkdir(parents=True)
    shutil.copy(submitted, out)
    given = ["demo-correct", "demo-half"]
    assert longest_first(root, ASSIGNMENT, given) == ["demo-half", "demo-correct"]
    assert longest_first(root, ASSIGNMENT, given, force=True) == given


def test_without_a_release_notebook_the_order_is_kept(tmp_path):
    root = course(tmp_path)
    (root / "release" / ASSIGNMENT / NOTEBOOK).unlink()
    given = ["demo-blank", "demo-correct"]
    assert longest_first(root, ASSIGNMENT, given) == given
