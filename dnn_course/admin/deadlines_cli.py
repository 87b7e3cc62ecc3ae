"""``dnn-course due``, ``extend``, ``late`` and ``history``: deadlines and the grade history from the command line.

Every command checks all its input (the date's time zone, the learner, the
course's late policy) before it writes anything; bad input is exit 2 with one
line saying what to fix. A change of due date or extension recomputes the
penalties of the graded class at once (``grading/late.py``), without running
a notebook.
"""
import argparse
import sys

from dnn_course.course import history
from dnn_course.course.late_policy import LatePolicy, PolicyError, hours_text
from dnn_course.course.paths import ASSIGNMENT

# The gradebook's modules (nbgrader.api, and course.extensions, grading.late and grading.manual,
# which load it) wait inside the commands: cli imports this module to build its parser, for every
# command (`dnn-course --help` too), and nbgrader takes seconds to import.

OK, USAGE = 0, 2


def _policy(args: argparse.Namespace, name: str) -> LatePolicy | None:
    """The course's parsed late policy, or None after saying why it does not parse."""
    from dnn_course.grading.late import configured_policy  # heavy: nbgrader (see above)

    try:
        return configured_policy(args.course.config)
    except PolicyError as e:
        print(f"{name}: {e} (c.CourseLatePenalty.policy in nbgrader_config.py); nothing was "
              "changed.", file=sys.stderr)
        return None


def _print_rows(rows: list[tuple[str, float, float, float]], name: str) -> None:
    """One line per graded learner: final score before and after, and how late."""
    moved = [r for r in rows if r[1] != r[2]]
    for student, old, new, late in rows:
        when = f"{hours_text(late)} late" if late else "on time"
        mark = f"{old:g} -> {new:g}" if old != new else f"{new:g} (unchanged)"
        print(f"{name}: {student}: {mark}, {when}")
    print(f"{name}: {len(moved)} of {len(rows)} graded learners changed.")


def _recompute(args: argparse.Namespace, name: str, policy: LatePolicy, why: str) -> int:
    """Record the formgrader's manual grades, then recompute every penalty and print the rows."""
    from dnn_course.grading.late import recompute  # heavy: nbgrader (see above)
    from dnn_course.grading.manual import record_manual  # heavy: nbgrader (see above)

    record_manual(args.root, args.course.db_url, args.assignment)

    rows = recompute(args.root, args.course.db_url, args.assignment, policy, why, f"dnn-course {name}")
    _print_rows(rows, name)
    return OK


def cmd_due(args: argparse.Namespace) -> int:
    """``dnn-course due``: show the due date, or move it and recompute the penalties.

    Args:
        args: the parsed command line (``args.course``: the course, ``args.root``: its folder).

    Returns:
        The exit status: 0, or 2 when the input needs fixing (nothing changed).
    """
    from nbgrader.api import Gradebook, MissingEntry  # heavy: nbgrader (see above)

    from dnn_course.course.extensions import DeadlineError, parse_when, utc_text  # heavy: nbgrader (see above)

    with Gradebook(args.course.db_url) as gb:
        try:
            current = gb.find_assignment(args.assignment).duedate
        except MissingEntry:
            current = None
    if not args.at:
        print(f"due: {args.assignment} is due {utc_text(current) or 'never (no due date set)'}")
        return OK
    try:
        when = parse_when(args.at, "the due date")
    except DeadlineError as e:
        print(f"due: {e}; nothing was changed.", file=sys.stderr)
        return USAGE
    policy = _policy(args, "due")
    if policy is None:
        return USAGE
    with Gradebook(args.course.db_url) as gb:
        gb.update_or_create_assignment(args.assignment, duedate=when)
    print(f"due: {args.assignment} is now due {utc_text(when)} (was {utc_text(current) or 'unset'})")
    return _recompute(args, "due", policy, f"due date moved to {utc_text(when)}")


def _extend_from(args: argparse.Namespace) -> int:
    """``extend --from FILE``: every row checked (dates, reasons, learners) before any is written."""
    from dnn_course.course.extensions import (  # heavy: nbgrader (see above)
        DeadlineError, add_extension, known_students, read_extensions, read_import, utc_text)

    try:
        read_extensions(args.root)  # a broken extensions.csv is said before anything is added to it
        rows = read_import(args.source, args.assignment)
    except DeadlineError as e:
        print(f"extend: {e}; nothing was changed.", file=sys.stderr)
        return USAGE
    unknown = sorted({r.student for r in rows
                      if r.student not in known_students(args.root, args.course.db_url, r.assignment)})
    if unknown:
        print(f"extend: {args.source} names learners the course does not know: {', '.join(unknown)}; "
              "check the spelling (nbgrader ids are case-sensitive); nothing was changed.",
              file=sys.stderr)
        return USAGE
    policy = _policy(args, "extend")
    if policy is None:
        return USAGE
    for r in rows:
        add_extension(args.root, r.student, r.assignment, r.until, r.reason)
        score = history.latest_score(args.root, r.student, r.assignment)
        history.record(args.root, history.GradeChange(
            r.student, r.assignment, "extension", score, score,
            f"extension to {utc_text(r.until)}: {r.reason}", f"dnn-course extend --from {args.source}"))
        print(f"extend: {r.student}: extension to {utc_text(r.until)}")
    return _recompute(args, "extend", policy, f"{len(rows)} extension(s) imported from {args.source}")


def cmd_extend(args: argparse.Namespace) -> int:
    """``dnn-course extend``: give or withdraw a learner's extension (or import many, ``--from FILE``) and recompute the penalties.

    Args:
        args: the parsed command line (``args.course``: the course, ``args.root``: its folder).

    Returns:
        The exit status: 0, or 2 when the input needs fixing (nothing changed).
    """
    from dnn_course.course.extensions import (  # heavy: nbgrader (see above)
        DeadlineError, add_extension, known_students, parse_when, read_extensions, utc_text)

    if args.source:
        if args.learner or args.until or args.withdraw or args.reason:
            print("extend: --from FILE takes the learners, dates and reasons from the file; give "
                  "no LEARNER, --until, --withdraw or --reason with it.", file=sys.stderr)
            return USAGE
        return _extend_from(args)
    if not args.learner:
        print("extend: give a LEARNER (or --from FILE).", file=sys.stderr)
        return USAGE
    if bool(args.until) == bool(args.withdraw):
        print("extend: give --until DATE (with its time zone) or --withdraw.", file=sys.stderr)
        return USAGE
    if not (args.reason or "").strip():
        print("extend: give --reason (it is kept with the extension and in the grade history).",
              file=sys.stderr)
        return USAGE
    try:
        until = parse_when(args.until, "--until") if args.until else None
        read_extensions(args.root)  # a broken file is said before anything is added to it
    except DeadlineError as e:
        print(f"extend: {e}; nothing was changed.", file=sys.stderr)
        return USAGE
    if args.learner not in known_students(args.root, args.course.db_url, args.assignment):
        print(f"extend: no learner {args.learner!r} in the gradebook or in submitted/; check the "
              "spelling (nbgrader ids are case-sensitive); nothing was changed.", file=sys.stderr)
        return USAGE
    policy = _policy(args, "extend")
    if policy is None:
        return USAGE
    add_extension(args.root, args.learner, args.assignment, until, args.reason.strip())
    score = history.latest_score(args.root, args.learner, args.assignment)
    what = f"extension to {utc_text(until)}" if until else "extension withdrawn"
    history.record(args.root, history.GradeChange(args.learner, args.assignment, "extension", score,
                                                  score, f"{what}: {args.reason.strip()}",
                                                  "dnn-course extend"))
    print(f"extend: {args.learner}: {what}")
    return _recompute(args, "extend", policy, f"{what} for {args.learner}")


def cmd_late(args: argparse.Namespace) -> int:
    """``dnn-course late``: recompute every late penalty with the policy in force.

    Args:
        args: the parsed command line (``args.course``: the course, ``args.root``: its folder).

    Returns:
        The exit status: 0, or 2 when the input needs fixing (nothing changed).
    """
    from dnn_course.course.extensions import (  # heavy: nbgrader (see above)
        DeadlineError, known_students, read_extensions)

    policy = _policy(args, "late")
    if policy is None:
        return USAGE
    try:  # extensions.csv may have been edited by hand: check it as `extend` would
        exts = read_extensions(args.root, args.assignment)
    except DeadlineError as e:
        print(f"late: {e}; nothing was changed.", file=sys.stderr)
        return USAGE
    unknown = sorted(s for s, _ in exts if s not in known_students(args.root, args.course.db_url,
                                                                    args.assignment))
    if unknown:
        print(f"late: extensions.csv names learners the course does not know: {', '.join(unknown)}; "
              "fix the spelling or remove those rows; nothing was changed.", file=sys.stderr)
        return USAGE
    return _recompute(args, "late", policy, "late penalties recomputed with the policy in force")


def cmd_history(args: argparse.Namespace) -> int:
    """``dnn-course history``: print every change of a learner's grade.

    Args:
        args: the parsed command line (``args.course``: the course, ``args.root``: its folder).

    Returns:
        The exit status: 0, or 2 when the input needs fixing (nothing changed).
    """
    from dnn_course.grading.manual import record_manual  # heavy: nbgrader (see above)

    try:
        record_manual(args.root, args.course.db_url, args.assignment)
        changes = history.read(args.root, args.learner, args.assignment)
    except ValueError as e:
        print(f"history: {e}", file=sys.stderr)
        return USAGE
    if not changes:
        print(f"history: no grade change recorded for {args.learner!r} in {args.assignment}.")
        return OK
    for c in changes:
        print(history.line_text(c))
    return OK


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the commands to ``dnn-course``'s subparsers.

    Args:
        sub: the argparse subparsers of ``cli.build_parser``.

    Returns:
        None.
    """
    s = sub.add_parser("due", help="show or set the assignment's due date (recomputes penalties)")
    s.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    s.add_argument("--at", help="the new due date with its time zone, e.g. 2026-12-01T17:00+01:00")
    s.set_defaults(func=cmd_due)

    s = sub.add_parser("extend", help="give a learner a later deadline (recomputes penalties)")
    s.add_argument("learner", nargs="?")
    s.add_argument("--from", dest="source", metavar="FILE",
                   help="import extensions from a CSV file: columns student, until, reason "
                        "(and optionally assignment)")
    s.add_argument("--until", help="the learner's deadline with its time zone")
    s.add_argument("--withdraw", action="store_true", help="take the learner's extension back")
    s.add_argument("--reason", help="why (kept in extensions.csv and the grade history)")
    s.add_argument("--assignment", default=ASSIGNMENT)
    s.set_defaults(func=cmd_extend)

    s = sub.add_parser("late", help="recompute every late penalty with the policy in force")
    s.add_argument("assignment", nargs="?", default=ASSIGNMENT)
    s.set_defaults(func=cmd_late)

    s = sub.add_parser("history", help="every change of a learner's grade: when, what, old, new, why")
    s.add_argument("learner")
    s.add_argument("--assignment", default=ASSIGNMENT)
    s.set_defaults(func=cmd_history)
