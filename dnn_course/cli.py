"""dnn-course: release, check, collect, grade, feedback and export the assignment.

Run from anywhere; it works on the course folder this package lives in (or
--root). Exit codes: 0 done; 1 done, but something needs your attention
(a submission could not be graded, a check failed, a release was not
replaced); 2 bad usage or set-up; 130 interrupted.
"""
import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dnn_course.course.context import Course
from dnn_course.course.gradebook_db import GradebookURLError
from dnn_course.course.paths import ASSIGNMENT, COURSE_ROOT, NOTEBOOK

# Each command's modules are imported where used, inside its function, for start-up time: nbgrader,
# SQLAlchemy and Dask take seconds to import, and `dnn-course --help`, a bad
# argument or a command that needs none of them should not wait for all of them.

OK, ATTENTION, USAGE = 0, 1, 2


def _results_or_table(results):
    from dnn_course.admin.export import table

    print(table(results))
    bad = [r for r in results if r.status != "graded"]
    print(f"\n{len(results)} submissions: {len(results) - len(bad)} graded, {len(bad)} not graded.")
    return ATTENTION if bad else OK


def cmd_release(args: argparse.Namespace) -> int:
    from dnn_course.admin.learner_dist import DistError, write
    from dnn_course.course.assignment import ReleaseError, generate

    try:
        status = generate(args.root, force=args.force, db_url=args.db)
        print(f"release/{ASSIGNMENT}: {status}")
        for name, done in write(args.root, force=args.force).items():
            print(f"release/{name}: {done}")
    except (ReleaseError, DistError) as e:
        print(f"release: {e}", file=sys.stderr)
        return ATTENTION
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    from dnn_course.admin.release import check

    problems = check(args.root) + _markup_names(args)
    for p in problems:
        print(f"check: {p}", file=sys.stderr)
    if not problems:
        from dnn_course.course.course_data import find_course_data

        print(f"check: grading finds the course data in {find_course_data(args.root)}; the source "
              "notebook passes validation and the release fails it, as it should.")
    return ATTENTION if problems else OK


def _markup_names(args):
    """The lines naming gradebook names that hold markup (``course/names.py``), for check and grade."""
    from dnn_course.course.names import markup_in_gradebook, markup_warning

    try:
        return markup_warning(markup_in_gradebook(args.course.db_url, args.course.course_id))
    except GradebookURLError:  # said by the command itself where it matters
        return []


def cmd_collect(args: argparse.Namespace) -> int:
    from dnn_course.admin.collect import (CollectError, collect_download, due_date, format_report,
                                          lms_zone, record_students)
    from dnn_course.course.gradebook_db import retry_locked

    course = args.course
    course_id = course.course_id
    tz = args.timezone or course.config.Exchange.get("timezone") or "UTC"
    try:
        lms_zone(tz)
        url = course.db_url
        report = collect_download(args.source, args.root, args.assignment, NOTEBOOK, args.force,
                                  tz, due_date(url, course_id, args.assignment))
    except (CollectError, GradebookURLError) as e:
        print(f"collect: {e}", file=sys.stderr)
        return USAGE
    if report.collected:
        course.open_gradebook()
        retry_locked(lambda: record_students(report, url, course_id))
    print("\n".join(format_report(report)))
    return ATTENTION if report.skipped or report.ids("kept") else OK


def cmd_grade(args: argparse.Namespace) -> int:
    from dnn_course.grading.batch import grade_all, submitted_students

    students = args.student or submitted_students(args.root, args.assignment)
    if not students:
        print(f"grade: nothing in submitted/*/{args.assignment}/ to grade "
              "(dnn-course collect brings submissions in).", file=sys.stderr)
        return USAGE
    if args.workers < 1:
        print("grade: --workers must be 1 or more.", file=sys.stderr)
        return USAGE
    if args.scheduler and args.workers != 1:
        print("grade: give --workers or --scheduler, not both (the cluster's workers do the "
              "grading with --scheduler).", file=sys.stderr)
        return USAGE
    try:  # a clear message for a bad --db before anything runs
        args.db = args.course.db_url
    except GradebookURLError as e:
        print(f"grade: {e}", file=sys.stderr)
        return USAGE
    _ensure_released(args)
    from dnn_course.course.course_data import course_data_problem

    missing = course_data_problem(args.root, args.assignment)
    if missing:  # said once here; each submission to grade is "not graded", never run
        print(f"grade: nothing will be graded: {missing}.", file=sys.stderr)
    if args.scheduler:
        from dnn_course.scale.distributed import DaskSetupError, grade_dask

        try:
            results = grade_dask(args.assignment, args.root, students, args.scheduler,
                                 force=args.force, db_url=args.db, course=args.course)
        except DaskSetupError as e:
            print(f"grade: {e}", file=sys.stderr)
            return USAGE
    elif args.workers > 1:
        from dnn_course.scale.parallel import grade_parallel

        results = grade_parallel(args.assignment, args.root, students, args.workers,
                                 force=args.force, db_url=args.db, course=args.course)
    else:
        results = grade_all(args.assignment, args.root, students, force=args.force,
                            db_url=args.db, course=args.course)
    code = _results_or_table(results)
    for line in _markup_names(args):
        print(f"grade: {line}", file=sys.stderr)
    return ATTENTION if missing else code


def _ensure_released(args):
    """nbgrader needs the assignment in the gradebook before it can grade."""
    from nbgrader.api import Gradebook, MissingEntry

    from dnn_course.course.assignment import generate

    url = args.db  # cmd_grade has prepared the URL in force
    with Gradebook(url) as gb:
        try:
            gb.find_assignment(args.assignment)
            return
        except MissingEntry:
            pass
    generate(args.root, force=False, db_url=url)


def cmd_feedback(args: argparse.Namespace) -> int:
    api = args.course.api
    outcome = api.generate_feedback(args.assignment, args.student, force=True)
    if not outcome.get("success"):
        print("feedback: " + (outcome.get("error") or outcome.get("log") or "failed"), file=sys.stderr)
        return ATTENTION
    print(f"feedback: written to feedback/<student>/{args.assignment}/")
    return OK


def _class_results(args):
    """Every submitted student's result, read from the gradebook in a few queries."""
    from dnn_course.admin.class_results import read_class
    from dnn_course.grading.batch import submitted_students

    with args.course.api.gradebook as gb:
        return read_class(gb, args.root, args.assignment,
                          submitted_students(args.root, args.assignment))


def cmd_export(args: argparse.Namespace) -> int:
    from dnn_course.admin.export import write_canvas, write_moodle
    from dnn_course.admin.export_plugin import CourseExport
    from dnn_course.grading.late import penalties

    cls = _class_results(args)
    results, a = cls.results, args.assignment
    out = Path(args.out)
    with args.course.api.gradebook as gb:  # CSV and JSON as `nbgrader export` writes them
        late = penalties(gb, a)
        for path in CourseExport(config=args.course.config, to=str(out), assignment=[a]).export(gb):
            print(f"export: {path}")
    problems = []
    for lms in dict.fromkeys(args.lms or []):
        if lms == "canvas":
            path, missing, blank = write_canvas(results, cls.people, out / f"{a}-canvas.csv",
                                                args.column or a, cls.max_score, late=late)
        else:
            path, missing, blank = write_moodle(results, cls.people, out / f"{a}-moodle.csv",
                                                cls.max_score, late=late)
        print(f"export: {path}")
        if missing:
            problems.append(f"export --lms {lms}: {len(missing)} student(s) have no LMS id, so "
                            f"{path.name} leaves them out: {', '.join(missing)}. Collect the "
                            "LMS download with dnn-course collect (it stores the ids) or set "
                            "lms_user_id in the gradebook, then export again.")
        if blank:
            problems.append(f"export --lms {lms}: grade left blank (not graded; the LMS keeps "
                            f"its current grade) for: {', '.join(blank)}.")
    code = _results_or_table(results)
    for p in problems:
        print(p, file=sys.stderr)
    return ATTENTION if problems else code


def cmd_report(args: argparse.Namespace) -> int:
    from dnn_course.admin.report import write_report

    cls = _class_results(args)
    if not cls.results:
        print(f"report: nothing in submitted/*/{args.assignment}/ to report on "
              "(dnn-course collect, then grade).", file=sys.stderr)
        return USAGE
    print(f"report: {write_report(cls, args.root, Path(args.out))}")
    bad = sum(r.status != "graded" for r in cls.results)
    if bad:
        print(f"report: {bad} of {len(cls.results)} submissions are not graded (listed in the report).")
    return ATTENTION if bad else OK


def cmd_install_kernel(args: argparse.Namespace) -> int:
    """``python -m dnn_course.sandbox --install`` (the one way to install the kernelspec)."""
    from dnn_course.sandbox.cli import main as sandbox_main

    return sandbox_main(["--install"])


def cmd_sandbox_status(args: argparse.Namespace) -> int:
    """``python -m dnn_course.sandbox --status``."""
    from dnn_course.sandbox.cli import main as sandbox_main

    return sandbox_main(["--status"])


def cmd_demo(args: argparse.Namespace) -> int:
    from dnn_course.demo.demo import run

    if args.db:
        print("demo: --db is not used: the demo grades in a scratch copy of the course with a "
              "gradebook of its own.", file=sys.stderr)
    return run(args.root, data_dir=args.data, synthetic=args.synthetic, out=args.out,
               only=args.sample)


def cmd_train(args: argparse.Namespace) -> int:
    from dnn_course.demo.train_demo import run

    return run(data_dir=args.data, synthetic=args.synthetic,
               require_course_data=args.require_course_data)


def _command(sub: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace], int],
             helptext: str, assignment: bool = False) -> argparse.ArgumentParser:
    """A sub-command ``name`` that runs ``func``; with ``assignment``, its optional first argument.

    Args:
        sub: the parser's sub-parsers.
        name: the command's name.
        func: what it runs, given the parsed arguments.
        helptext: one line for ``dnn-course --help``.
        assignment: take the assignment's name as an optional positional argument.

    Returns:
        argparse.ArgumentParser: the command's parser, for its other options.
    """
    s = sub.add_parser(name, help=helptext)
    if assignment:
        s.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    s.set_defaults(func=func)
    return s


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dnn-course", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", type=Path, default=COURSE_ROOT, help="the course folder")
    p.add_argument("--db", help="gradebook URL (default: the course's gradebook.db)")
    sub = p.add_subparsers(dest="command", required=True)

    s = _command(sub, "release", cmd_release, "generate release/ from source/")
    s.add_argument("--force", action="store_true", help="replace a release that differs")

    _command(sub, "check", cmd_check, "source passes validation, release fails it")

    s = _command(sub, "collect", cmd_collect, "import notebooks from an LMS folder or .zip")
    s.add_argument("source", type=Path, help="folder or .zip of student notebooks")
    s.add_argument("--assignment", default=ASSIGNMENT)
    s.add_argument("--force", action="store_true", help="replace different existing submissions")
    s.add_argument("--timezone", help="the LMS's time zone, for the times in file names and zips "
                   "(default: nbgrader's Exchange.timezone, else UTC)")

    s = _command(sub, "grade", cmd_grade, "autograde submitted/<student>/<assignment>/", assignment=True)
    s.add_argument("--student", action="append", help="only this student (repeatable)")
    s.add_argument("--force", action="store_true", help="grade again what is already graded")
    s.add_argument("--workers", type=int, default=1, metavar="N",
                   help="grade N submissions at once on this machine (default 1)")
    s.add_argument("--full-run", action="store_true",
                   help="run every cell, also the trainings that grading otherwise leaves "
                   "as the learner ran them (cells tagged skip-when-grading)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786)")

    s = _command(sub, "feedback", cmd_feedback, "write feedback HTML for graded submissions", assignment=True)
    s.add_argument("--student")

    s = _command(sub, "export", cmd_export, "write grades as CSV and JSON (and LMS grade imports)",
                 assignment=True)
    s.add_argument("--out", default="exports", help="folder for the files (default: exports/)")
    s.add_argument("--lms", action="append", choices=("canvas", "moodle"),
                   help="also write <assignment>-<lms>.csv for that LMS's grade import (repeatable)")
    s.add_argument("--column", help="Canvas: the assignment column's title, e.g. 'DNN app (1234)' "
                   "to update Canvas assignment 1234 (default: the assignment's name)")

    s = _command(sub, "report", cmd_report, "class report (HTML): scores, pass rates, mistakes by step",
                 assignment=True)
    s.add_argument("--out", default="exports", help="folder for the page (default: exports/)")

    from dnn_course.admin import deadlines_cli, regrade  # due, extend, late, history, regrade

    deadlines_cli.register(sub)
    regrade.register(sub)
    from dnn_course.classroom.cli import add_parser as add_classroom

    add_classroom(sub)

    _command(sub, "install-kernel", cmd_install_kernel,
             "install the grading sandbox's kernelspec into this environment")
    _command(sub, "sandbox-status", cmd_sandbox_status, "which grading protections this host offers")

    for name, func, helptext in (("demo", cmd_demo, "grade sample submissions in a scratch copy "
                                  "of the course (yours is not touched), show scores"),
                                 ("train", cmd_train, "train both models, print the course's numbers")):
        s = _command(sub, name, func, helptext)
        s.add_argument("--data", help="folder with the course's h5 files (default: $DNN_APP_DATA, "
                       "else ./datasets)")
        s.add_argument("--synthetic", action="store_true", help="use the generated stand-in dataset")
        if name == "train":
            s.add_argument("--require-course-data", action="store_true",
                           help="fail instead of falling back to the synthetic data")
        else:
            s.add_argument("--out", type=Path, help="an empty or new folder for the demo's scratch "
                           "copy of the course (default: a new temporary folder); kept afterwards")
            s.add_argument("--sample", action="append", metavar="STUDENT",
                           help="grade only this sample learner, e.g. demo-correct (repeatable; "
                           "default: all nine)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.root = args.root.resolve()
    if not (args.root / "nbgrader_config.py").is_file():
        print(f"dnn-course: {args.root} is not a course folder (no nbgrader_config.py); "
              "use --root.", file=sys.stderr)
        return USAGE
    os.chdir(args.root)
    # loaded once, on first use, for the whole command; --full-run is its
    # c.GuardedExecute.skip_marked_cells = False, which the grading workers get too
    args.course = Course(args.root, args.db, full_run=getattr(args, "full_run", False))
    try:
        return args.func(args)
    except GradebookURLError as e:  # a bad --db, found when a command first needs the gradebook
        print(f"{args.command}: {e}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("Interrupted; run the same command again to carry on.", file=sys.stderr)
        return 130
