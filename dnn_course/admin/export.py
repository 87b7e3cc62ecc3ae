"""Grades out of the course: a table on screen, CSV and JSON files, LMS gradebook imports.

The JSON gives each failed test the step its feedback names and its failure
signature (mistake_groups.test_signature), as the class report groups them.
``write_canvas`` and ``write_moodle`` write the files Canvas's gradebook
import and Moodle's assignment "upload grading worksheet" read, matched by
the LMS ids ``dnn-course collect`` stores on the gradebook's students.
Each takes ``late`` (student -> (penalty, seconds late), ``grading.late.penalties``):
the CSV and JSON carry the raw score, the penalty and the final score; the LMS
files carry the final one. ``export_plugin.py`` runs them as nbgrader's ExportPlugin.
"""
import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from dnn_course.admin.class_results import Person
from dnn_course.admin.mistake_groups import test_signature
from dnn_course.grading.results import NOT_GRADED, SubmissionResult

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
Late = Mapping[str, tuple[float, float]]  # student -> (penalty, seconds late): grading.late.penalties
LmsRows = tuple[list[tuple[SubmissionResult, Person]], list[str], list[str]]


def score_text(result: SubmissionResult) -> str:
    """How every page and table shows a submission's score.

    Args:
        result: a ``SubmissionResult``.

    Returns:
        ``"<score> / <max>"`` for a graded submission, ``"not graded"`` otherwise
        (never a score: a submission that was not graded has none).
    """
    if result.status != "graded" or result.score is None:
        return NOT_GRADED
    return f"{result.score:g} / {result.max_score:g}"


def table(results: Iterable[SubmissionResult]) -> str:
    """A plain-text score table with one row per submission.

    Args:
        results: ``SubmissionResult`` objects.

    Returns:
        The table's lines, joined.
    """
    rows = [("student", "score", "status", "reason")]
    for r in results:
        rows.append((r.student, score_text(r), r.status, r.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def write_csv(results: Iterable[SubmissionResult], path: str | Path, late: Late | None = None) -> Path:
    """One row per submission: student, score (final), max_score, status, reason, raw, penalty, hours_late.

    A submission that was not graded has an empty score (its status says
    "not graded"), never 0.

    Args:
        results: ``SubmissionResult`` objects.
        path: the CSV file to write.
        late: student -> (penalty, seconds late); default none.

    Returns:
        The path.
    """
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "status", "reason", "raw", "penalty",
                    "hours_late"])
        for r in results:
            penalty, seconds = (late or {}).get(r.student, (0.0, 0.0))
            graded = bool(_grade(r))
            w.writerow([r.student, _grade(r, late), f"{r.max_score:g}", r.status, r.reason,
                        _grade(r), f"{penalty:g}" if graded else "",
                        f"{seconds / 3600:.2f}" if graded else ""])
    return path


def write_json(results: Sequence[SubmissionResult], path: str | Path, assignment: str,
               late: Late | None = None) -> Path:
    """Every submission with its per-test scores and reasons.

    A submission that was not graded has ``"score": null`` and its status.

    Args:
        results: ``SubmissionResult`` objects.
        path: the JSON file to write.
        assignment: the assignment name.
        late: student -> (penalty, seconds late): adds ``raw``, ``penalty``,
            ``seconds_late``; ``score`` is the final score.

    Returns:
        The path.
    """
    path = Path(path)
    submissions = [r.as_dict() for r in results]
    for sub, r in zip(submissions, results):
        penalty, seconds = (late or {}).get(sub["student"], (0.0, 0.0))
        if sub["score"] is not None:
            sub.update(raw=sub["score"], penalty=penalty, seconds_late=seconds,
                       score=round(sub["score"] - penalty, 3))
        for t, test in zip(sub["tests"], r.tests):
            if test.reason:
                t.update(test_signature(test))
    data = {"assignment": assignment, "submissions": submissions}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def lms_rows(results: Iterable[SubmissionResult], people: Mapping[str, Person]) -> LmsRows:
    """Pair each result with its learner's LMS id.

    Args:
        results: ``SubmissionResult`` objects.
        people: student id -> ``class_results.Person``.

    Returns:
        ``(rows, missing, blank)``: (result, person) for every learner with an
        LMS id; the student ids without one; the ids whose grade is left blank
        because their submission is not graded (the LMS keeps what it has).
    """
    rows, missing, blank = [], [], []
    for r in results:
        person = people.get(r.student) or Person()
        if not (person.lms_user_id or "").strip():
            missing.append(r.student)
            continue
        rows.append((r, person))
        if r.status != "graded":
            blank.append(r.student)
    return rows, missing, blank


def _grade(r: SubmissionResult, late: Late | None = None) -> str:
    """The score as a file cell (final, when ``late`` gives penalties): empty when not graded
    (an LMS keeps what it has)."""
    if r.status != "graded" or r.score is None:
        return ""
    return f"{round(r.score - (late or {}).get(r.student, (0.0, 0.0))[0], 3):g}"


def write_canvas(results: Iterable[SubmissionResult], people: Mapping[str, Person], path: str | Path, column: str,
                 points_possible: float, late: Late | None = None) -> tuple[Path, list[str], list[str]]:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, <column>.

    The second row is ``Points Possible``; Canvas matches learners by ``ID``
    (the LMS user id) and the assignment by the column's title: give it
    "<name> (<Canvas assignment id>)" as Canvas's own export does to update an
    existing assignment; another title creates a new one on import.

    Args:
        results: ``SubmissionResult`` objects.
        people: student id -> ``class_results.Person``.
        path: the CSV file to write.
        column: the assignment column's title.
        points_possible: the assignment's maximum score.
        late: student -> (penalty, seconds late): the final score is written.

    Returns:
        ``(path, missing, blank)`` as ``lms_rows`` says.
    """
    rows, missing, blank = lms_rows(results, people)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CANVAS_HEADER + [column])
        w.writerow(["Points Possible", "", "", "", "", f"{points_possible:g}"])
        for r, person in rows:
            name = ", ".join(p for p in (person.last_name, person.first_name) if p) or r.student
            w.writerow([name, person.lms_user_id.strip(), "", "", "", _grade(r, late)])
    return path, missing, blank


def moodle_identifier(lms_user_id: str) -> str:
    """``"Participant <n>"``, as Moodle's grading worksheet names each learner.

    Args:
        lms_user_id: the stored id: ``"555"`` or already ``"Participant 555"``.

    Returns:
        The Identifier cell.
    """
    text = lms_user_id.strip()
    return text if text.lower().startswith("participant ") else f"Participant {text}"


def write_moodle(results: Iterable[SubmissionResult], people: Mapping[str, Person], path: str | Path,
                 max_score: float, now: datetime | None = None,
                 late: Late | None = None) -> tuple[Path, list[str], list[str]]:
    """Moodle's assignment grading worksheet, for "Upload grading worksheet".

    Moodle needs the Identifier ("Participant <n>", from the worksheet it
    lets you download), Grade and "Last modified (grade)" columns; it skips a
    row whose grade was changed in Moodle after that time unless told to
    overwrite, so the time written is the export's.

    Args:
        results: ``SubmissionResult`` objects.
        people: student id -> ``class_results.Person``.
        path: the CSV file to write.
        max_score: the assignment's maximum score.
        now: the time to write (default: now, UTC).
        late: student -> (penalty, seconds late): the final score is written.

    Returns:
        ``(path, missing, blank)`` as ``lms_rows`` says.
    """
    rows, missing, blank = lms_rows(results, people)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S%z")
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(MOODLE_HEADER)
        for r, person in rows:
            w.writerow([moodle_identifier(person.lms_user_id), person.name or r.student,
                        _grade(r, late), f"{max_score:g}", stamp])
    return path, missing, blank
