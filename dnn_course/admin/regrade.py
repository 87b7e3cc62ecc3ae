"""``dnn-course regrade``: what an edited source notebook's tests would do to the class, then doing it.

``--preview`` grades every submission with the edited tests in a scratch copy
of the course (its own gradebook, made by ``generate_assignment`` from the
edited source; the real gradebook, autograded/ and history are only read) and
lists each learner whose final score would change, which tests changed and
the finding of each, and the manual grades the regrade would keep or replace;
also as an HTML page (``regrade_page.py``). ``--apply`` releases the edited
assignment into the real gradebook (nbgrader's cell checksums updated, so the
edit takes effect: jupyter/nbgrader#1069) and grades everyone again; manual
grades and comments stay unless ``--replace-manual``. Each changed score goes
into the grade history as a ``regrade``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from dnn_course.admin.regrade_plan import (Change, Scores, graded_reasons, late_learners, repointed,
                                           scored_by_points, test_cells, unchanged_by_edit, write_trusted)
from dnn_course.course.context import Course
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.grading.receipts import is_graded

# What loads nbgrader (seconds), nbformat, numpy or jinja2 waits inside the function that needs it: cli
# imports this module to build its parser, for every command (`dnn-course --help` too).

OK, ATTENTION, USAGE = 0, 1, 2
HISTORY_KIND_ENV = "DNN_COURSE_HISTORY_KIND"  # read by grading.late.RecordGrade


class RegradeError(RuntimeError):
    """The edited source cannot be released (it does not validate); nothing was written."""


def final_scores(db_url: str, assignment: str) -> Scores:
    """Every scored learner's final score, and each test's automatic and manual scores.

    Args:
        db_url: the gradebook.
        assignment: the assignment name.

    Returns:
        student -> (final score, {grade id: auto score}, {grade id: manual score}); empty
        when the gradebook has no such assignment.
    """
    from nbgrader.api import Gradebook, MissingEntry  # heavy: nbgrader (see above)

    from dnn_course.grading.results import scored  # heavy: nbgrader (see above)

    out: Scores = {}
    with Gradebook(db_url) as gb:
        try:
            subs = gb.find_assignment(assignment).submissions
        except MissingEntry:
            return out
        for sub in subs:
            if not scored(sub):
                continue
            grades = {g.name: g.auto_score or 0.0 for nb in sub.notebooks for g in nb.grades}
            manual = {g.name: g.manual_score for nb in sub.notebooks for g in nb.grades
                      if g.manual_score is not None}
            final = sum(n.score - (n.late_submission_penalty or 0) for n in sub.notebooks)
            out[sub.student_id] = (round(final, 3), grades, manual)
    return out


def scratch_course(root: str | Path, db_url: str, assignment: str, dest: str | Path) -> str:
    """A copy of the course to grade with the edited source: config, source/, submitted/,
    extensions, a new gradebook with the assignment (due date and learners copied).

    Args:
        root: the course folder.
        db_url: its gradebook (for the due date and the learners).
        assignment: the assignment name.
        dest: the folder for the copy (created).

    Returns:
        The copy's gradebook URL.

    Raises:
        RegradeError: generate_assignment refuses the edited source.
    """
    from nbgrader.api import Gradebook  # heavy: nbgrader (see above)

    from dnn_course.course.assignment import IGNORE  # heavy: nbformat (see above)

    root, dest = Path(root), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(root / "source", dest / "source", ignore=IGNORE)
    shutil.copytree(root / "submitted", dest / "submitted", ignore=IGNORE)
    if (root / "extensions.csv").exists():
        shutil.copy2(root / "extensions.csv", dest / "extensions.csv")
    url = f"sqlite:///{dest / 'gradebook.db'}"
    with Gradebook(db_url) as gb:
        due = gb.find_assignment(assignment).duedate
        people = [(s.id, s.first_name, s.last_name) for s in gb.students]
    outcome = make_api(dest, url).generate_assignment(assignment, force=True, create=True)
    if not outcome.get("success"):
        log = (outcome.get("error") or outcome.get("log") or "no details").strip().splitlines()
        raise RegradeError("the edited source notebook does not release (nbgrader "
                           f"generate_assignment): {log[-1] if log else 'no details'}. Fix "
                           f"source/{assignment}/{NOTEBOOK}, then preview again; nothing was written.")
    with Gradebook(url) as gb:
        gb.update_or_create_assignment(assignment, duedate=due)
        for sid, first, last in people:
            gb.update_or_create_student(sid, first_name=first, last_name=last)
    return url


def compare(old: Scores, new: Scores, reasons: dict[str, dict[str, str]], replace_manual: bool = False,
            manual_in_new: bool = False) -> list[Change]:
    """The learners whose final score or test scores differ.

    Args:
        old, new: ``final_scores`` of the real and the scratch gradebook.
        reasons: student -> {grade id: finding} from the scratch grading.
        replace_manual: the regrade would drop manual grades.
        manual_in_new: ``new`` is the real gradebook after --apply (its final
            scores count the manual grades kept already).

    Returns:
        list of Change, by student.
    """
    changes = []
    for student in sorted(set(old) | set(new)):
        o_final, o_auto, manual = old.get(student, (None, {}, {}))
        n_final, n_auto, _ = new.get(student, (None, {}, {}))
        tests: list[tuple[str, float | None, float | None, str]] = []
        kept: list[tuple[str, float, str]] = []
        for gid in sorted(set(o_auto) | set(n_auto)):
            o = manual.get(gid, o_auto.get(gid))
            n = n_auto.get(gid)
            if gid in manual:
                if n != o_auto.get(gid) or replace_manual:
                    kept.append((gid, manual[gid], "replaced" if replace_manual else "kept"))
                if not replace_manual:
                    if n_final is not None and n is not None and not manual_in_new:
                        n_final = round(n_final - n + manual[gid], 3)
                    n = manual[gid]
            if n != o:
                tests.append((gid, o, n, reasons.get(student, {}).get(gid, "")))
        if tests or kept or o_final != n_final:
            changes.append(Change(student, o_final, n_final, tests, kept))
    return changes


def summary(changes: list[Change], total: int) -> str:
    """One line: "7 learners gain 2 points, 1 learner loses 2 points, 12 unchanged".

    Args:
        changes: what ``compare`` returned.
        total: the number of graded learners.

    Returns:
        The line, without a full stop.
    """
    groups: dict[float, list[str]] = {}
    for c in changes:
        if c.delta:
            groups.setdefault(c.delta, []).append(c.student)
    parts = []
    for delta in sorted(groups, reverse=True):
        n = len(groups[delta])
        verb = ("gains" if n == 1 else "gain") if delta > 0 else ("loses" if n == 1 else "lose")
        parts.append(f"{n} learner{'s' if n > 1 else ''} {verb} {abs(delta):g} point"
                     f"{'' if abs(delta) == 1 else 's'}")
    moved = sum(len(v) for v in groups.values())
    parts.append(f"{total - moved} unchanged")
    return ", ".join(parts)


def preview(course: Course, assignment: str, workers: int = 1, replace_manual: bool = False,
            keep: str | Path | None = None, verify_all: bool = False,
            run_all: bool = False) -> tuple[list[Change], int]:
    """Grade the class with the edited source in a scratch copy and compare.

    Args:
        course: the command's ``context.Course``.
        assignment: the assignment name.
        workers: grading processes.
        replace_manual: show manual grades as replaced rather than kept.
        keep: a folder for the scratch copy (kept); default a temporary one, removed.
        verify_all: re-check every passing cell outside the kernel; by default a cell that
            passed before and is unchanged keeps its verification (``regrade_plan.write_trusted``).
        run_all: run every submission; by default those the edit cannot change keep their
            scores (``regrade_plan.unchanged_by_edit``: only a loosened tolerance, cells they passed),
            and those whose new scores follow from an edit of points alone get them without
            running (``regrade_plan.scored_by_points``: 0 or full marks on each re-pointed cell, on time).

    Returns:
        (list of Change, number of graded learners).
    """
    from dnn_course.admin.class_results import read_class  # heavy: nbgrader (see above)
    from dnn_course.course.course_data import course_data_problem, find_course_data  # heavy: numpy (see above)
    from dnn_course.grading.batch import grade_all, submitted_students  # heavy: nbgrader (see above)

    missing = course_data_problem(course.root, assignment)
    if missing:  # the scratch copy would find no data either: every score would be "not graded"
        raise RegradeError(f"nothing was graded: {missing}")
    old = final_scores(course.db_url, assignment)
    if keep and Path(keep).exists():
        raise RegradeError(f"--keep {keep} exists: give a new folder for the scratch course")
    dest = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="dnn-regrade-"))
    os.environ.setdefault("DNN_APP_DATA", str(find_course_data(course.root)))
    try:
        url = scratch_course(course.root, course.db_url, assignment, dest)
        if not verify_all:
            write_trusted(course.root, course.db_url, url, assignment, old, dest)
        scratch = Course(dest, url)
        before, after = test_cells(course.db_url, assignment), test_cells(url, assignment)
        graded = {s for s in old if is_graded(course.root, assignment, s)}
        same = set() if run_all else unchanged_by_edit(before, after, old, graded)
        computed = {} if run_all or not repointed(before, after) else scored_by_points(
            before, after, old, graded, late_learners(course.root, course.db_url, assignment))
        skip = same | set(computed)
        students = [s for s in submitted_students(dest, assignment) if s not in skip]
        if students and workers > 1:  # none to run: grade neither (an empty list means everyone)
            from dnn_course.scale.parallel import grade_parallel  # heavy: nbgrader (see above)

            grade_parallel(assignment, dest, students, workers, force=True, db_url=url,
                           progress=False, course=scratch)
        elif students:
            grade_all(assignment, dest, students, force=True, db_url=url, progress=False,
                      course=scratch)
        new = final_scores(url, assignment) | computed
        with scratch.api.gradebook as gb:
            cls = read_class(gb, dest, assignment, students)
        reasons = {r.student: {t.grade_id: t.reason for t in r.tests} for r in cls.results} | \
            graded_reasons(course.root, assignment, computed, after, old)
    finally:
        if not keep:
            shutil.rmtree(dest, ignore_errors=True)
    return compare({s: v for s, v in old.items() if s not in same}, new, reasons, replace_manual), len(old)


def apply(course: Course, assignment: str, workers: int = 1,
          replace_manual: bool = False) -> tuple[list[Change], int]:
    """Release the edited source into the real gradebook and grade everyone again.

    Args:
        course: the command's ``context.Course``.
        assignment: the assignment name.
        workers: grading processes.
        replace_manual: drop the manual grades and comments first.

    Returns:
        (list of Change, number of graded learners).
    """
    from nbgrader.api import Gradebook  # heavy: nbgrader (see above)

    from dnn_course.course.assignment import ReleaseError, build_release, generate  # heavy: nbformat (see above)
    from dnn_course.grading.batch import grade_all, submitted_students  # heavy: nbgrader (see above)

    old = final_scores(course.db_url, assignment)
    trial = Path(tempfile.mkdtemp(prefix="dnn-regrade-check-"))
    try:  # released into a gradebook of its own first: a bad edit leaves the real one untouched
        build_release(course.root, f"sqlite:///{trial / 'gradebook.db'}", out=trial / "release")
        generate(course.root, force=True, db_url=course.db_url)
    except ReleaseError as e:
        raise RegradeError(f"the edited source notebook does not release: {e}\nnothing was "
                           "written") from None
    finally:
        shutil.rmtree(trial, ignore_errors=True)
    if replace_manual:
        with Gradebook(course.db_url) as gb:
            for sub in gb.find_assignment(assignment).submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        g.manual_score = None
                    for c in nb.comments:
                        c.manual_comment = None
            gb.db.commit()
    students = submitted_students(course.root, assignment)
    os.environ[HISTORY_KIND_ENV] = "regrade"
    try:
        if workers > 1:
            from dnn_course.scale.parallel import grade_parallel  # heavy: nbgrader (see above)

            grade_parallel(assignment, course.root, students, workers, force=True,
                           db_url=course.db_url, progress=False, course=course)
        else:
            grade_all(assignment, course.root, students, force=True, db_url=course.db_url,
                      progress=False, course=course)
    finally:
        os.environ.pop(HISTORY_KIND_ENV, None)
    return compare(old, final_scores(course.db_url, assignment), {}, replace_manual,
                   manual_in_new=True), len(old)


def print_changes(changes: list[Change], total: int, out: TextIO | None = None) -> None:
    """The preview or apply on screen: one block per learner, then the summary.

    Args:
        changes: what ``compare`` returned.
        total: the number of graded learners.
        out: where to print (default stdout).
    """
    out = out or sys.stdout
    for c in changes:
        old = "-" if c.old is None else f"{c.old:g}"
        new = "-" if c.new is None else f"{c.new:g}"
        print(f"{c.student}: {old} -> {new}", file=out)
        for gid, o, n, why in c.tests:
            print(f"    {gid}: {o if o is None else f'{o:g}'} -> {n if n is None else f'{n:g}'}"
                  + (f"  ({why})" if why else ""), file=out)
        for gid, score, what in c.manual:
            print(f"    {gid}: manual grade {score:g} {what}", file=out)
    print(f"regrade: {summary(changes, total)}.", file=out)


def cmd_regrade(args: argparse.Namespace) -> int:
    """``dnn-course regrade``: --preview the edited tests' scores, or --apply them.

    Args:
        args: the parsed command line.

    Returns:
        The exit status: 0, or 2 for bad input or an edit that does not release.
    """
    from dnn_course.admin.regrade_page import write_page  # heavy: jinja2, for the preview's page (see above)

    if args.preview == args.apply:
        print("regrade: give --preview (nothing written) or --apply.", file=sys.stderr)
        return USAGE
    if args.workers < 1:
        print("regrade: --workers must be 1 or more.", file=sys.stderr)
        return USAGE
    from dnn_course.grading.manual import record_manual  # heavy: nbgrader (see above)

    record_manual(args.root, args.course.db_url, args.assignment)  # before the regrade's own lines
    try:
        if args.preview:
            changes, total = preview(args.course, args.assignment, args.workers,
                                     args.replace_manual, args.keep, args.verify_all, args.run_all)
        else:
            changes, total = apply(args.course, args.assignment, args.workers, args.replace_manual)
    except RegradeError as e:
        print(f"regrade: {e}", file=sys.stderr)
        return USAGE
    print_changes(changes, total)
    if args.preview:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        print(f"regrade: {write_page(changes, summary(changes, total), args.assignment, out)}")
    return OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``regrade`` to ``dnn-course``'s subparsers.

    Args:
        sub: the argparse subparsers of ``cli.build_parser``.
    """
    s = sub.add_parser("regrade", help="after editing the source's tests: --preview the new "
                       "scores (nothing written), or --apply them")
    s.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    s.add_argument("--preview", action="store_true", help="grade in a scratch copy and compare")
    s.add_argument("--apply", action="store_true", help="release the edit and grade everyone again")
    s.add_argument("--replace-manual", action="store_true",
                   help="drop manual grades and comments given in the formgrader (kept by default)")
    s.add_argument("--workers", type=int, default=1, metavar="N", help="grading processes")
    s.add_argument("--out", default="exports", help="folder for the preview page (default: exports/)")
    s.add_argument("--keep", type=Path, help="keep the preview's scratch course in this new folder")
    s.add_argument("--verify-all", action="store_true",
                   help="preview: re-check every passing test cell outside the kernel, also those "
                        "that passed before and are unchanged (slower; the same answer)")
    s.add_argument("--run-all", action="store_true",
                   help="preview: run every submission, also those a loosened tolerance cannot "
                        "change and those whose scores an edit of points alone gives (slower; the "
                        "same answer)")
    s.set_defaults(func=cmd_regrade)
