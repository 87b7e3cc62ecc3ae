"""The main job: release the assignment, grade sample submissions, show scores.

Everything happens in a scratch copy of the course (``assignment.course_copy``:
the config, source/, the committed release/, a gradebook of its own), never in
the instructor's course: its submitted/, autograded/, feedback/, exports/ and
gradebook stay as they were, so a real class graded afterwards holds only its
own learners. The copy is a new folder under the system's temporary folder
(or ``--out``); it is kept, so its report and feedback pages can be opened,
and the demo says where it is and how to remove it.

Sample submissions (a correct one, typical mistakes, a blank copy of the
release, one that raises, one that never ends, one that is not valid JSON)
go into the copy's submitted/demo-*/. Without the course data it grades on
the synthetic stand-in and says so.
"""
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path

from dnn_app_utils.data import DATA_ENV

from dnn_course.admin.class_results import read_class
from dnn_course.admin.export import table, write_csv, write_json
from dnn_course.admin.report import write_report
from dnn_course.course.assignment import ReleaseError, course_copy, default_db_url
from dnn_course.course.course_data import CourseDataMissing, find_course_data
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, StrPath
from dnn_course.demo.samples import sample_notebooks, write_samples
from dnn_course.demo.train_demo import choose_data
from dnn_course.grading.batch import grade_all
from dnn_course.grading.results import TestResult

SUMMARY_WIDTH = 300  # characters of a failed test's reason in the demo's summary lines


class DemoError(Exception):
    """The demo cannot start; the message says why and what to do."""


def summary_line(student: str, test: TestResult) -> str:
    """One line of the demo's summary: a failed test's reason, cut at a word with " ...".

    Args:
        student: the student id.
        test: a failed ``TestResult``.

    Returns:
        ``"  <student> / <grade id>: <reason>"``, the reason shortened to
        ``SUMMARY_WIDTH`` characters at a word boundary (``textwrap.shorten``).
    """
    reason = textwrap.shorten(test.reason, SUMMARY_WIDTH, placeholder=" ...")
    return f"  {student} / {test.grade_id}: {reason}"


def scratch_folder(out: StrPath | None = None) -> Path:
    """The demo's course folder: ``out`` (absent or empty), else a new temporary folder.

    Args:
        out: the folder asked for with ``--out``, or None.

    Returns:
        Path of an empty folder.

    Raises:
        DemoError: ``out`` is a file or a folder that is not empty.
    """
    if out is None:
        return Path(tempfile.mkdtemp(prefix="dnn-course-demo-"))
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DemoError(f"--out {out} is not an empty folder: give a new or empty folder "
                        "(the demo's course copy goes there)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _course_data(root, data_dir, synthetic):
    """(load_data argument, is_course_data): where the instructor's course finds the data."""
    if data_dir is None and not synthetic and not os.environ.get(DATA_ENV):
        try:  # where grading looks: source/<assignment>/datasets/, datasets/
            data_dir = find_course_data(root, ASSIGNMENT)
        except CourseDataMissing:
            pass  # choose_data falls back to the synthetic stand-in, and says so
    return choose_data(data_dir, synthetic)


def run(root: StrPath, data_dir: str | None = None, synthetic: bool = False, out: StrPath | None = None,
        only: Iterable[str] | None = None) -> int:
    """Run the demo in a scratch copy of the course at ``root``.

    Args:
        root: the instructor's course folder (only read).
        data_dir: the course data folder (default: where grading finds it).
        synthetic: grade on the synthetic stand-in dataset.
        out: the folder for the copy (absent or empty; default: a new temporary one).
        only: sample student ids to grade (default: all).

    Returns:
        0 when done; 2 when it could not start (the reason printed).
    """
    start = time.perf_counter()
    known = list(sample_notebooks()) if only else []
    unknown = [s for s in only or [] if s not in known]
    try:
        if unknown:
            raise DemoError(f"no sample named {', '.join(unknown)}; the samples are: "
                            f"{', '.join(known)}")
        demo_root = scratch_folder(out)
    except DemoError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 2
    source, is_course = _course_data(root, data_dir, synthetic)
    os.environ[DATA_ENV] = str(source)  # the grading kernels read the same data
    print(f"Data for grading: {'course data in ' + str(source) if is_course else 'SYNTHETIC stand-in (not the course data)'}")
    print(f"Demo course folder (a scratch copy; your course {root} is not touched): {demo_root}")
    try:
        course_copy(demo_root, root)
    except ReleaseError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 2
    db_url = default_db_url(demo_root)

    print(f"\n1. Release: release/{ASSIGNMENT}, copied from your course (it matches source/)")
    students = write_samples(demo_root, only=only)
    print(f"2. Sample submissions in submitted/: {', '.join(students)}")
    print("3. Grading (every test cell runs; the trainings are left as each learner ran them,"
          " see docs/grading.md)")
    results = grade_all(ASSIGNMENT, demo_root, students, force=True, db_url=db_url)
    api = make_api(demo_root, db_url)
    for s in students:
        api.generate_feedback(ASSIGNMENT, s, force=True)
    print("4. Feedback in feedback/<student>/" + ASSIGNMENT + "/")
    exports = demo_root / "exports"
    exports.mkdir(exist_ok=True)
    write_csv(results, exports / f"{ASSIGNMENT}-grades.csv")
    write_json(results, exports / f"{ASSIGNMENT}-grades.json", ASSIGNMENT)
    print(f"5. Grades in exports/{ASSIGNMENT}-grades.csv and .json\n")
    print(table(results))
    print("\nOne failed test of each submission, preferring one that names the wrong step")
    print("(all of them: exports/*.json and feedback/):")
    for r in results:
        failed = sorted((t for t in r.tests if t.reason), key=lambda t: "First step" not in t.reason)
        if failed:
            print(summary_line(r.student, failed[0]))
    if not is_course:
        print("\nThese scores come from the SYNTHETIC stand-in dataset, not the course data.")
    with api.gradebook as gb:
        report = write_report(read_class(gb, demo_root, ASSIGNMENT, students), demo_root, exports)
    print(f"\nDemo finished in {time.perf_counter() - start:.0f} s.")
    print(f"6. Class report (open it in a browser): {report}")
    print(f"\nThe demo's course folder is kept for its pages: {demo_root}\n"
          f"Remove it when done (rm -r {demo_root}); your course was not changed.")
    print("\nYour own class: `. .venv/bin/activate` (puts dnn-course on your PATH), then "
          "dnn-course collect DOWNLOAD, grade, feedback, export, report (README: For instructors).")
    return 0
