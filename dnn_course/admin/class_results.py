"""A whole class's results in a few gradebook queries, for reports and LMS exports.

``read_result`` (results.py) asks the gradebook about one student at a time,
which is fine for grading but means tens of thousands of queries for a big
class. ``read_class`` asks three questions (the students, every grade of the
assignment, its maximum) and reads each autograded notebook once, as plain
JSON, for the failed tests' reasons, tampering notes and the time grading
took to run it (recorded by the grader, ``execute.grading_time``: never the
cells' timestamps, which a cell left as the learner ran it keeps from the
learner's run). The results are the same ``SubmissionResult`` objects, with
the same reasons and summaries.
"""
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, Student, SubmittedAssignment,
                          SubmittedNotebook)

from dnn_course.course.findings import findings_of
from dnn_course.course.paths import NOTEBOOK
from dnn_course.grading.results import SubmissionResult, cell_errors, failed_test, notebook_problem
from dnn_course.preprocessors.execute import grading_time


@dataclass
class Person:
    first_name: str = ""
    last_name: str = ""
    lms_user_id: str = ""

    @property
    def name(self) -> str:
        """First and last name, as one line (empty when the gradebook has neither)."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass
class ClassResults:
    assignment: str
    max_score: float
    results: list[SubmissionResult]                                      # in student order
    people: dict[str, Person] = field(default_factory=dict)              # student id -> Person
    seconds: dict[str, float | None] = field(default_factory=dict)       # student id -> grading's run time (None: unknown)
    notes: dict[str, list[str]] = field(default_factory=dict)            # student id -> tampering notes
    order: list[str] = field(default_factory=list)                       # test grade ids in notebook order


def read_autograded(path: str | Path) -> tuple[dict[str, tuple[str, str]], list[str], list[str],
                                                float | None, dict[str, dict[str, str | None]]]:
    """What one autograded notebook says beyond the gradebook.

    Args:
        path: ``autograded/<student>/<assignment>/<notebook>``.

    Returns:
        ``(errors, order, notes, seconds, findings)``: grade id -> (one-line reason,
        error name) of the error its cell raised (``results.cell_errors``), grade ids
        in notebook order, tampering notes, the seconds grading took to run the
        notebook, as the grader recorded them (None if not recorded), and grade id ->
        the failed cell's finding record (``course.findings.findings_of``). All empty when
        the file is missing or unreadable.
    """
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, [], [], None, {}
    cells = nb.get("cells", [])
    order = [gid for gid in (c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells) if gid]
    _, seconds = grading_time(nb.get("metadata", {}))
    notes = list(nb.get("metadata", {}).get("dnn_course", {}).get("tampering", []))
    return cell_errors(cells), order, notes, seconds, findings_of(nb.get("metadata", {}))


def _query(gb: Gradebook, assignment: str) -> tuple[dict[str, Person], dict[str, list[tuple[str, float, float]]],
                                                      float]:
    """(people, {student: [(grade id, score, max score)]}, max score): three queries."""
    people = {sid: Person(first or "", last or "", lms or "") for sid, first, last, lms in
              gb.db.query(Student.id, Student.first_name, Student.last_name, Student.lms_user_id)}
    grades: dict[str, list[tuple[str, float, float]]] = {}
    rows = (gb.db.query(SubmittedAssignment.student_id, GradeCell.name, Grade.score, GradeCell.max_score)
            .select_from(Grade)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(GradeCell, Grade.cell_id == GradeCell.id)
            .filter(Assignment.name == assignment))
    for student, name, score, max_score in rows:
        grades.setdefault(student, []).append((name, score or 0.0, max_score or 0.0))
    found = gb.db.query(Assignment).filter(Assignment.name == assignment).one_or_none()
    return people, grades, (found.max_score if found else 0.0)


def read_class(gb: Gradebook, root: str | Path, assignment: str, students: Iterable[str]) -> ClassResults:
    """Every student's result, as ``read_result`` gives it, in a few queries.

    Args:
        gb: an open nbgrader ``Gradebook``.
        root: the course folder.
        assignment: the assignment's name.
        students: student ids (those with a folder in submitted/).

    Returns:
        A ``ClassResults``. A submission whose notebook changed after it was
        graded, or that has no grades, is checked as ``read_result`` checks it.
    """
    root = Path(root)
    people, grades, max_score = _query(gb, assignment)
    out = ClassResults(assignment, max_score, [], people)
    position: dict[str, int] = {}
    for student in students:
        submitted = root / "submitted" / student / assignment / NOTEBOOK
        graded_nb = root / "autograded" / student / assignment / NOTEBOOK
        problem = None
        if not submitted.exists():
            problem = f"no {NOTEBOOK} in submitted/{student}/{assignment}/"
        elif student not in grades or not graded_nb.exists() \
                or submitted.stat().st_mtime > graded_nb.stat().st_mtime:
            problem = notebook_problem(submitted)
        if problem or student not in grades:
            out.results.append(SubmissionResult.not_graded(
                student, max_score, problem or "not graded yet: run dnn-course grade"))
            continue
        errors, order, notes, seconds, findings = read_autograded(graded_nb)
        for gid in order:
            position.setdefault(gid, len(position))
        in_order = sorted(grades[student], key=lambda g: (position.get(g[0], len(position)), g[0]))
        tests = [failed_test(name, score, top, errors, findings) for name, score, top in in_order]
        failed = [t for t in tests if t.reason]
        summary = "all tests passed" if not failed else f"{len(failed)} of {len(tests)} tests failed"
        if notes:
            summary += "; tampering: " + " ".join(notes)
            out.notes[student] = notes
        out.seconds[student] = seconds
        out.results.append(SubmissionResult(student, "graded", sum(t.score for t in tests),
                                            sum(t.max_score for t in tests), summary, tests))
    tested = {name for rows in grades.values() for name, _, _ in rows}
    out.order = [g for g in sorted(position, key=lambda g: position[g]) if g in tested]
    return out
