"""Regrade preview benchmark: ``dnn-course regrade --preview`` over a generated class.

    python bench/regrade.py [--size 200] [--workers 2]

Needs the course data (DNN_APP_DATA, default ../shared/datasets). Builds a
scratch course (``course_copy``), submits ``--size`` notebooks in the mix of
``bench/scale.py`` (correct ones, catalogued mistakes, a blank one),
grades it once (untimed: the class as a preview finds it), loosens one hidden check's
tolerance in the scratch source (``--edit points``: raises one check's points) as an
instructor's edit would, and times ``admin.regrade.preview`` with ``--workers``
(``--old``: then the path before the preview skipped work, ``--run-all --verify-all``,
on the same class, for a same-run ratio and a check that both give the same answer). Prints the time, seconds per submission and the load average around the run; the goal is 200
submissions in at most 3 minutes on 2 cores. Writes JSON to bench/results/.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MIX = ["demo-correct", "demo-wrong-sign-dA2", "demo-correct", "demo-hard-coded-rate",
       "demo-correct", "demo-cost-every-iteration", "demo-blank", "demo-correct"]


def make_class(root, size):
    """Write ``size`` submissions into ``root``'s submitted/ in the fixed mix."""
    import nbformat

    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
    from dnn_course.demo.samples import sample_notebooks

    samples = sample_notebooks()
    for i in range(size):
        folder = Path(root) / "submitted" / f"learner-{i:04d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(samples[MIX[i % len(MIX)]], str(folder / NOTEBOOK))


EDITS = ("tolerance", "points")


def edit_source(root, edit="tolerance"):
    """The edit the preview evaluates: two_layer_model's course-data check gets atol=1e-4
    ("tolerance", as in tests/dnn_course/admin/test_regrade.py), or L_layer_model's no-globals
    check is worth 3 points, not 1 ("points")."""
    import nbformat

    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

    grade_id = {"tolerance": "two_layer_model_hidden_course_data",
                "points": "L_layer_model_hidden_no_globals"}[edit]
    path = Path(root) / "source" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            if edit == "points":
                cell.metadata["nbgrader"]["points"] = 3
            else:
                assert "globals())" in cell.source
                cell.source = cell.source.replace("globals())", "globals(), atol=1e-4)")
    nbformat.write(nb, str(path))


def grade(root, workers):
    """Grade the class once with the released source, as a course would have before the edit."""
    from dnn_course.course.context import Course
    from dnn_course.course.paths import ASSIGNMENT
    from dnn_course.grading.batch import grade_all, submitted_students
    from dnn_course.scale.parallel import grade_parallel

    course = Course(root)
    students = submitted_students(root, ASSIGNMENT)
    if workers > 1:
        grade_parallel(ASSIGNMENT, root, students, workers, progress=False, course=course)
    else:
        grade_all(ASSIGNMENT, root, students, progress=False, course=course)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=200)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--edit", choices=EDITS, default="tolerance")
    p.add_argument("--old", action="store_true",
                   help="also time the path before this change (--run-all --verify-all) on the same "
                        "graded class, right after, for a same-run ratio")
    args = p.parse_args(argv)
    from dnn_course.admin.regrade import preview, summary
    from dnn_course.course.assignment import course_copy
    from dnn_course.course.context import Course
    from dnn_course.course.paths import ASSIGNMENT

    scratch = Path(tempfile.mkdtemp(prefix="dnn-bench-regrade-"))
    try:
        root = course_copy(scratch / "course")
        make_class(root, args.size)
        graded_at = time.monotonic()  # the class as the preview finds it: graded with the release
        grade(root, args.workers)
        grading = time.monotonic() - graded_at
        edit_source(root, args.edit)
        load_before = os.getloadavg()
        started = time.monotonic()
        changes, total = preview(Course(root), ASSIGNMENT, workers=args.workers)
        seconds = time.monotonic() - started
        load_after = os.getloadavg()
        old = None
        if args.old:
            old_started = time.monotonic()
            old_changes, _ = preview(Course(root), ASSIGNMENT, workers=args.workers,
                                     verify_all=True, run_all=True)
            old = {"seconds": round(time.monotonic() - old_started, 1), "load_after": os.getloadavg(),
                   "same_answer": old_changes == changes}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"size": args.size, "workers": args.workers, "cores": os.cpu_count(), "edit": args.edit,
              "grading_seconds": round(grading, 1), "old_path": old,
              "ratio_old_to_new": round(old["seconds"] / seconds, 2) if old else None,
              "seconds": round(seconds, 1), "per_submission": round(seconds / args.size, 2),
              "load_before": load_before, "load_after": load_after,
              "summary": summary(changes, total), "when": datetime.now().isoformat(timespec="seconds")}
    print(json.dumps(result, indent=2))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"regrade-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
