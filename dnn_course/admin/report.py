"""The class report: one self-contained HTML page of what the class got wrong.

``write_report`` turns a ``ClassResults`` (class_results.py) into
``exports/<assignment>-report.html``: summary figures and the score histogram,
each test cell's pass rate, the mistakes grouped by the step their feedback
names and by failure signature (mistake_groups.py), submissions that could
not be graded, tampering notes, grading times, every submission with a
link to its feedback page and to its grade history (a section at the end, as
``dnn-course history LEARNER`` prints it). The page is the template
``dnn_course/templates/report.html`` (autoescaped: every name and reason shows as text);
charts are embedded PNGs (report_plots.py), no script runs, nothing is fetched (its Content-Security-Policy,
``course/csp.py``, refuses both); the page fits 1280 px.
"""
import os
import statistics
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dnn_course.admin import report_plots as plots
from dnn_course.admin.class_results import ClassResults
from dnn_course.admin.export import score_text
from dnn_course.admin.mistake_groups import group_mistakes
from dnn_course.course import history
from dnn_course.course.pages import render as render_template
from dnn_course.course.paths import NOTEBOOK
from dnn_course.grading.late import late_counts
from dnn_course.grading.results import SubmissionResult


def _fmt_seconds(s: float | None) -> str:
    return "" if s is None else f"{s:.1f} s"


def _feedback_links(cls: ClassResults, root: Path, out_dir: Path) -> dict[str, str]:
    """Each student with a feedback page -> the page's address, relative to ``out_dir``."""
    stem = Path(NOTEBOOK).stem + ".html"
    links = {}
    for r in cls.results:
        page = root / "feedback" / r.student / cls.assignment / stem
        if page.is_file():
            rel = os.path.relpath(page, out_dir)
            links[r.student] = "/".join(quote(p) for p in Path(rel).parts)
    return links


def _summary(cls: ClassResults, root: Path, graded: list[SubmissionResult]) -> dict[str, Any]:
    scores = [r.score for r in graded if r.score is not None]  # all of them: graded
    figures = [("submissions", len(cls.results)), ("graded", len(graded)),
               ("not graded", len(cls.results) - len(graded)),
               ("median score", f"{statistics.median(scores):g} / {cls.max_score:g}" if scores else "-"),
               ("full marks", sum(r.max_score > 0 and r.score is not None and r.score >= r.max_score for r in graded))]
    counts = late_counts(root, cls.assignment)
    figures += [("late", counts[0]), ("extensions", counts[1])] if counts else []
    return {"figures": figures,
            "score_chart": plots.score_histogram(scores, cls.max_score) if scores else None}


def _tests(cls: ClassResults, graded: list[SubmissionResult]) -> dict[str, Any]:
    names = cls.order or sorted({t.grade_id for r in graded for t in r.tests})
    passed = {n: 0 for n in names}
    counted = {n: 0 for n in names}
    for r in graded:
        for t in r.tests:
            if t.grade_id in counted:
                counted[t.grade_id] += 1
                passed[t.grade_id] += not t.reason
    rates = [passed[n] / counted[n] if counted[n] else 0.0 for n in names]
    return {"tests": [{"name": n, "passed": passed[n], "counted": counted[n], "rate": r}
                      for n, r in zip(names, rates)],
            "rates_chart": plots.pass_rates(names, rates) if names else None}


def _mistakes(cls: ClassResults) -> dict[str, Any]:
    groups = group_mistakes(cls.results)
    if not groups:
        return {"groups": [], "mistakes_chart": None}
    position = {g: i for i, g in enumerate(cls.order)}

    def rank(gid: str) -> tuple[int, str]:
        return (position.get(gid, len(position)), gid)
    shown = [{"step": g.step, "students": g.students,
              "signatures": [{"kind": sig.kind, "students": sig.students, "example": sig.example,
                              "tests": sorted(sig.tests, key=rank)} for sig in g.signatures]}
             for g in groups]
    return {"groups": shown,
            "mistakes_chart": plots.mistake_bars([g.step for g in groups], [len(g.students) for g in groups])}


def _times(cls: ClassResults) -> dict[str, Any]:
    seconds = [s for s in cls.seconds.values() if s is not None]
    if not seconds:
        return {"times": None, "times_chart": None}
    return {"times": {"median": statistics.median(seconds), "longest": max(seconds),
                      "minutes": sum(seconds) / 60, "count": len(seconds)},
            "times_chart": plots.time_histogram(seconds)}


def _everyone(cls: ClassResults, changes: dict[str, list[history.GradeChange]]) -> list[dict[str, Any]]:
    anchor = _anchors(cls)
    rows = []
    for r in cls.results:
        person = cls.people.get(r.student)
        rows.append({"student": r.student, "name": person.name if person else "", "score": score_text(r),
                     "status": r.status, "seconds": _fmt_seconds(cls.seconds.get(r.student)),
                     "changes": len(changes.get(r.student, ())), "anchor": anchor[r.student],
                     "reason": r.reason})
    return rows


def _read_history(root: Path, assignment: str,
                  students: list[str]) -> tuple[dict[str, list[history.GradeChange]], str]:
    """student -> their grade changes for ``assignment`` (oldest first), and a problem line or ""."""
    try:
        changes = history.read(root, assignment=assignment)
    except ValueError as e:
        return {}, str(e)
    wanted: set[str] = set(students)
    found: dict[str, list[history.GradeChange]] = {}
    for c in changes:
        if c.student in wanted:
            found.setdefault(c.student, []).append(c)
    return found, ""


def _anchors(cls: ClassResults) -> dict[str, int]:
    """student -> the number in their history section's id (``history-N``): ids are learners' text."""
    return {r.student: i for i, r in enumerate(cls.results)}


def _history(cls: ClassResults, changes: dict[str, list[history.GradeChange]]) -> list[dict[str, Any]]:
    """Each learner's grade history, as ``dnn-course history LEARNER`` prints it."""
    anchor = _anchors(cls)
    return [{"anchor": anchor[r.student], "student": r.student,
             "lines": "\n".join(history.line_text(c) for c in changes[r.student])}
            for r in cls.results if changes.get(r.student)]


def render(cls: ClassResults, root: str | Path, out_dir: str | Path) -> str:
    """The report page's HTML (``dnn_course/templates/report.html``).

    Args:
        cls: a ``ClassResults``.
        root: the course folder (to find feedback pages).
        out_dir: where the page will be written (links are relative to it).

    Returns:
        The page as a string.
    """
    root, out_dir = Path(root), Path(out_dir)
    graded = [r for r in cls.results if r.status == "graded"]
    changes, history_problem = _read_history(root, cls.assignment, [r.student for r in cls.results])
    return render_template(
        "report.html", title=f"Class report: {cls.assignment}",
        when=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        feedback=_feedback_links(cls, root, out_dir), **_summary(cls, root, graded),
        **_tests(cls, graded), **_mistakes(cls), not_graded=[r for r in cls.results if r.status != "graded"],
        notes=cls.notes, **_times(cls), everyone=_everyone(cls, changes),
        history=_history(cls, changes), history_problem=history_problem) + "\n"


def write_report(cls: ClassResults, root: str | Path, out_dir: str | Path) -> Path:
    """Write ``<out_dir>/<assignment>-report.html``.

    Args:
        cls: a ``ClassResults``.
        root: the course folder.
        out_dir: the folder for the page (created if missing).

    Returns:
        The page's path.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{cls.assignment}-report.html"
    path.write_text(render(cls, root, out_dir), encoding="utf-8")
    return path
