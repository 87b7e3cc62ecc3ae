"""Per-learner extensions (``extensions.csv``) and due dates, read with their time zone.

``extensions.csv`` in the course folder (git-ignored, like the gradebook) has
one row per extension given: student, assignment, until (ISO 8601 with its
time zone), reason, given (when, UTC). Rows are only ever appended; a later row
for the same learner and assignment replaces the earlier one, an empty
``until`` withdraws it. The gradebook mirrors the one in force
(nbgrader's ``SubmittedAssignment.extension``) once the learner is graded.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook

from dnn_course.course.paths import StrPath

FILE_NAME = "extensions.csv"
HEADER = ["student", "assignment", "until", "reason", "given"]


class DeadlineError(ValueError):
    """Bad input for a due date or an extension; the message names the fix."""


@dataclass(frozen=True)
class Extension:
    """One learner's extended deadline (``until``: naive UTC, as nbgrader stores times)."""

    student: str
    assignment: str
    until: datetime | None
    reason: str
    given: str


def parse_when(text: str, what: str = "the date") -> datetime:
    """A date and time with its time zone, as naive UTC (nbgrader's form).

    Args:
        text: ISO 8601 with an offset, e.g. ``2026-12-01T17:00+01:00`` or ``...Z``.
        what: how the message names it ("the due date", "--until").

    Returns:
        datetime: naive, in UTC.

    Raises:
        DeadlineError: unreadable, or without a time zone.
    """
    raw = (text or "").strip()
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise DeadlineError(f"{what} {text!r} is not a date and time; write it as "
                            "2026-12-01T17:00+01:00 (ISO 8601 with its time zone)") from None
    if when.tzinfo is None:
        raise DeadlineError(f"{what} {text!r} has no time zone, so it could mean different "
                            "times; add one, e.g. 2026-12-01T17:00+01:00 or 2026-12-01T16:00Z")
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def utc_text(when: datetime | None) -> str:
    """A naive UTC time as ISO 8601 with ``+00:00`` (empty for None)."""
    return "" if when is None else when.replace(tzinfo=timezone.utc).isoformat()


def extensions_path(root: StrPath) -> Path:
    """The course's extensions file."""
    return Path(root) / FILE_NAME


def read_extensions(root: StrPath, assignment: str | None = None) -> dict[tuple[str, str], Extension]:
    """The extensions in force: (student, assignment) -> Extension.

    Args:
        root: the course folder.
        assignment: keep only this assignment's.

    Returns:
        dict; withdrawn extensions (empty ``until``) are left out.

    Raises:
        DeadlineError: a row that cannot be read, named by line.
    """
    path = extensions_path(root)
    if not path.exists():
        return {}
    found = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            try:
                until = parse_when(row["until"], "until") if row.get("until") else None
                ext = Extension(row["student"], row["assignment"], until, row.get("reason") or "",
                                row.get("given") or "")
            except (KeyError, TypeError, DeadlineError) as err:
                raise DeadlineError(f"{path}, line {number}: {err}; fix or remove that row "
                                    f"(columns: {', '.join(HEADER)})") from None
            if assignment is None or ext.assignment == assignment:
                found[(ext.student, ext.assignment)] = ext
    return {key: ext for key, ext in found.items() if ext.until is not None}


def add_extension(root: StrPath, student: str, assignment: str, until: datetime | None,
                  reason: str) -> Extension:
    """Append one extension (or its withdrawal, ``until`` None) to the file.

    Args:
        root: the course folder.
        student, assignment: whose and for what.
        until: the new deadline, naive UTC; None withdraws the extension.
        reason: why (kept in the file and the grade history).

    Returns:
        Extension: the row written.
    """
    path = extensions_path(root)
    new = not path.exists()
    given = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    ext = Extension(student, assignment, until, reason, given)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(HEADER)
        writer.writerow([student, assignment, utc_text(until), reason, given])
    return ext


IMPORT_COLUMNS = ("student", "until", "reason")  # and optionally "assignment"


def read_import(path: StrPath, assignment: str) -> list[Extension]:
    """The extensions in a CSV file to import (``dnn-course extend --from FILE``), all checked.

    The file has a header row with the columns student, until (ISO 8601 with its
    time zone) and reason, and optionally assignment (default: ``assignment``).

    Args:
        path: the CSV file.
        assignment: the assignment of rows without one.

    Returns:
        list of Extension (``given`` empty: set when written).

    Raises:
        DeadlineError: the file cannot be read, a column is missing, or a row has no
            student, a date without its time zone, or no reason; named by line.
    """
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            columns = set(rows[0]) if rows else set()
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise DeadlineError(f"cannot read {path}: {err}") from None
    missing = [c for c in IMPORT_COLUMNS if c not in columns]
    if not rows or missing:
        raise DeadlineError(f"{path} needs a header row and one row per extension, with the columns "
                            f"{', '.join(IMPORT_COLUMNS)} (and optionally assignment)"
                            + (f"; missing: {', '.join(missing)}" if rows else ""))
    found = []
    for number, row in enumerate(rows, 2):
        student = (row.get("student") or "").strip()
        reason = (row.get("reason") or "").strip()
        where = f"{path}, line {number}"
        if not student:
            raise DeadlineError(f"{where}: no student")
        if not reason:
            raise DeadlineError(f"{where}: no reason for {student} (it is kept with the extension)")
        until = parse_when(row.get("until") or "", f"{where}: until")
        found.append(Extension(student, (row.get("assignment") or "").strip() or assignment,
                               until, reason, ""))
    return found


def known_students(root: StrPath, db_url: str, assignment: str) -> set[str]:
    """Learners the course knows: in the gradebook, or with a folder in submitted/."""
    known = {p.parent.name for p in (Path(root) / "submitted").glob(f"*/{assignment}")}
    with Gradebook(db_url) as gb:
        known |= {s.id for s in gb.students}
    return known
