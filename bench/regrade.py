"""Regrade preview benchmark: ``dnn-course regrade --preview`` over a generated class.

    python bench/regrade.py [--size 200] [--workers 2]

Needs the course data (DNN_APP_DATA, default ../shared/datasets). Builds a
scratch course (``course_copy``), submits ``--size`` notebooks in the mix of
``bench/scale.py`` (correct ones, catalogued mistakes, a blank one), raises
one hidden check's points in the scratch source (as an instructor's edit would), and
times ``admin.regrade.preview`` with ``--workers``. The class is not graded
before: the preview's cost is grading every submission in its scratch copy;
reading the old scores from the gradebook takes milliseconds. Prints the time,
seconds per submission and the load average around the run; the goal is 200
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


def edit_source(root):
    """The edit the preview evaluates: L_layer_model's no-globals check is worth 3 points, not 1."""
    import nbformat

    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

    path = Path(root) / "source" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "L_layer_model_hidden_no_globals":
            cell.metadata["nbgrader"]["points"] = 3
    nbformat.write(nb, str(path))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=200)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    from dnn_course.admin.regrade import preview, summary
    from dnn_course.course.assignment import course_copy
    from dnn_course.course.context import Course
    from dnn_course.course.paths import ASSIGNMENT

    scratch = Path(tempfile.mkdtemp(prefix="dnn-bench-regrade-"))
    try:
        root = course_copy(scratch / "course")
        make_class(root, args.size)
        edit_source(root)
        load_before = os.getloadavg()
        started = time.monotonic()
        changes, total = preview(Course(root), ASSIGNMENT, workers=args.workers)
        seconds = time.monotonic() - started
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"size": args.size, "workers": args.workers, "cores": os.cpu_count(),
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
