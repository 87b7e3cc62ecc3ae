"""What autograding one correct submission costs, against running its notebook.

    python bench/grading_cost.py [--repeats 3]

Needs the course data (DNN_APP_DATA, default ../shared/datasets). In one run,
in a scratch course, with the rounds interleaved so a slow spell of the machine
lands on every case alike, it measures:

* the learner's own run: the correct submission executed top to bottom
  (nbclient, the plain python3 kernel, the default environment); this is also
  the submitted notebook, with its outputs, as a learner hands it in;
* one autograde of it (``grading.grade_one``, forced), as grading runs by
  default: the cells tagged skip-when-grading keep the learner's outputs;
* the same with ``--full-run`` (every cell runs again, as before);

and, for each autograde, where the time goes: each nbgrader step (sanitize
steps, the execution guard, verification, saving grades) and, inside the
execution guard, the kernel's start, the set-up cells, the solution and test
cells and the cells left as they were. Prints medians and ratios and writes
JSON to bench/results/ (git-ignored).
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from dnn_course.course.nbapi import make_api  # noqa: E402
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK  # noqa: E402

STUDENT = "bench-correct"


def _timed_steps(log):
    """Wrap nbgrader's preprocessors and the guard's cells with timers writing into ``log``."""
    from nbconvert.preprocessors import Preprocessor

    from dnn_course.preprocessors import execute

    def wrap(cls, name, key):
        original = getattr(cls, name)

        def timed(self, *args, **kwargs):
            t = time.monotonic()
            try:
                return original(self, *args, **kwargs)
            finally:
                log[key(self, args)] += time.monotonic() - t
        setattr(cls, name, timed)
        return original

    def cell_kind(self, args):
        cell, index = args[0], args[2]
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code":
            return "guard: markdown"
        if index in getattr(self, "_skip", ()):
            return "guard: cells left as the learner ran them"
        if meta.get("solution"):
            return "guard: solution cells"
        if meta.get("grade"):
            return "guard: test cells"
        return "guard: other cells (set-up, trainings, plots)"

    saved = [(Preprocessor, "__call__",
              wrap(Preprocessor, "__call__", lambda self, a: f"step: {type(self).__name__}")),
             (execute.GuardedExecute, "preprocess_cell",
              wrap(execute.GuardedExecute, "preprocess_cell", cell_kind))]
    return saved


def _restore(saved):
    for cls, name, original in saved:
        setattr(cls, name, original)


def learner_run(root):
    """Run the submission top to bottom like a learner; write it, outputs and all."""
    from nbclient import NotebookClient

    path = root / "submitted" / STUDENT / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    work = Path(tempfile.mkdtemp(prefix="learner-"))
    shutil.copytree(root / "release" / ASSIGNMENT, work, dirs_exist_ok=True)
    t = time.monotonic()
    NotebookClient(nb, kernel_name="python3", timeout=900,
                   resources={"metadata": {"path": str(work)}}).execute()
    seconds = time.monotonic() - t
    shutil.rmtree(work, ignore_errors=True)
    nbformat.write(nb, str(path))
    return seconds


def autograde(root, full_run):
    from dnn_course.grading.submission import grade_one

    log = defaultdict(float)
    saved = _timed_steps(log)
    try:
        api = make_api(root, full_run=full_run)
        t = time.monotonic()
        result = grade_one(api, root, ASSIGNMENT, STUDENT, force=True)
        seconds = time.monotonic() - t
    finally:
        _restore(saved)
    guard = log.get("step: GuardedExecute", 0.0)
    cells = sum(v for k, v in log.items() if k.startswith("guard:"))
    log["guard: kernel start and shutdown"] = guard - cells
    return seconds, result.score, dict(log)


def main(argv=None):
    from dnn_course.course.assignment import course_copy
    from dnn_course.demo.samples import write_samples

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="interleaved rounds (default 3)")
    args = p.parse_args(argv)
    if args.repeats < 1:
        p.error("--repeats must be 1 or more")
    os.environ.setdefault("DNN_APP_DATA", str((ROOT.parent / "shared" / "datasets").resolve()))
    scratch = Path(tempfile.mkdtemp(prefix="grading-cost-"))
    root = course_copy(scratch / "course")
    write_samples(root, only=["demo-correct"])
    (root / "submitted" / "demo-correct").rename(root / "submitted" / STUDENT)
    runs = defaultdict(list)
    parts = {"skipping": defaultdict(list), "full run": defaultdict(list)}
    for round_ in range(args.repeats):
        runs["learner's run"].append(learner_run(root))
        order = [("skipping", False), ("full run", True)]
        for name, full in (order if round_ % 2 == 0 else order[::-1]):
            seconds, score, log = autograde(root, full)
            if score != 20:
                sys.exit(f"{name}: the correct submission scored {score}, not 20")
            runs[f"autograde, {name}"].append(seconds)
            for k, v in log.items():
                parts[name][k].append(v)
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in runs.items()),
              flush=True)
    med = {k: statistics.median(v) for k, v in runs.items()}
    base = med["learner's run"]
    print(f"\nmedians of {args.repeats} (s), ratio to the learner's own run:")
    for k, v in med.items():
        print(f"  {k:<22} {v:7.2f}   {v / base:5.2f}x")
    for name, log in parts.items():
        print(f"\nwhere an autograde ({name}) spends its time (median s):")
        for k, v in sorted(log.items(), key=lambda kv: -statistics.median(kv[1])):
            if statistics.median(v) >= 0.01:
                print(f"  {k:<50} {statistics.median(v):7.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"grading-cost-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"runs": runs, "medians": med,
                                "parts": {k: dict(v) for k, v in parts.items()}}, indent=2))
    print(f"\n{path}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
