"""The class report: one self-contained HTML page of what the class got wrong.

``write_report`` turns a ``ClassResults`` (class_results.py) into
``exports/<assignment>-report.html``: summary figures and the score histogram,
each test cell's pass rate, the mistakes grouped by the step their feedback
names and by failure signature (mistake_groups.py), submissions that could
not be graded, tampering notes, grading times, every submission with a
link to its feedback page and to its grade history (a section at the end, as
``dnn-course history LEARNER`` prints it). Charts are embedded PNGs (report_plots.py), text is
HTML-escaped, no script runs, nothing is fetched (its Content-Security-Policy,
``course/csp.py``, refuses both); the page fits 1280 px.
"""
import os
import statistics
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from urllib.parse import quote

from dnn_course.admin import report_plots as plots
from dnn_course.admin.export import score_text
from dnn_course.admin.mistake_groups import group_mistakes
from dnn_course.course.csp import csp_meta
from dnn_course.course.paths import NOTEBOOK

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0; } h2 { margin-top: 36px; border-bottom: 2px solid #ddd; }
h3 { margin: 24px 0 6px; } h4 { margin: 14px 0 4px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e4e4;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f0f0; } table.figures { width: auto; table-layout: auto; }
table.figures td:last-child { font-weight: 600; text-align: right; }
img.plot { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.students { overflow-wrap: anywhere; } .students a, .students span { margin-right: 8px; }
.example { background: #f6f3ea; border-left: 4px solid #c9b36b; padding: 6px 10px;
           overflow-wrap: anywhere; }
.signature { margin-left: 16px; } .muted { color: #666; font-size: 13px; }
"""


def _fmt_seconds(s):
    return "" if s is None else f"{s:.1f} s"


class _Page:
    """Pieces every section needs: the results, and links to feedback pages."""

    def __init__(self, cls, root, out_dir):
        self.cls, self.root, self.out_dir = cls, Path(root), Path(out_dir)
        self.graded = [r for r in cls.results if r.status == "graded"]
        stem = Path(NOTEBOOK).stem + ".html"
        self.feedback = {}
        for r in cls.results:
            page = self.root / "feedback" / r.student / cls.assignment / stem
            if page.is_file():
                rel = os.path.relpath(page, self.out_dir)
                self.feedback[r.student] = "/".join(quote(p) for p in Path(rel).parts)
        self.anchor = {r.student: i for i, r in enumerate(cls.results)}  # ids are learners' text
        self.history, self.history_problem = _read_history(self.root, cls.assignment,
                                                           [r.student for r in cls.results])

    def many(self, students, shown=60):
        """Student links; past ``shown`` the rest fold into a <details> (no script needed)."""
        first = " ".join(self.who(s) for s in students[:shown])
        if len(students) <= shown:
            return first
        rest = " ".join(self.who(s) for s in students[shown:])
        return f"{first}<details><summary>{len(students) - shown} more</summary>{rest}</details>"

    def history_link(self, student):
        """A link to the learner's lines in the report's grade history section, or a dash."""
        n = len(self.history.get(student, ()))
        if not n:
            return "-"
        return f'<a href="#history-{self.anchor[student]}">{n} change{"s" * (n != 1)}</a>'

    def who(self, student):
        """The student id, linked to their feedback page when there is one."""
        if student in self.feedback:
            return f'<a href="{escape(self.feedback[student])}">{escape(student)}</a>'
        return f"<span>{escape(student)}</span>"


def _summary(page):
    cls, graded = page.cls, page.graded
    scores = [r.score for r in graded]
    figures = [("submissions", len(cls.results)), ("graded", len(graded)),
               ("not graded", len(cls.results) - len(graded)),
               ("median score", f"{statistics.median(scores):g} / {cls.max_score:g}" if scores else "-"),
               ("full marks", sum(r.max_score > 0 and r.score >= r.max_score for r in graded))]
    from dnn_course.grading.late import late_counts  # deadlines (#26)

    counts = late_counts(page.root, cls.assignment)
    figures += [("late", counts[0]), ("extensions", counts[1])] if counts else []
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in figures)
    chart = plots.score_histogram(scores, cls.max_score) if scores else ""
    return f'<section id="summary"><h2>Summary</h2><table class="figures">{rows}</table>{chart}</section>'


def _tests(page):
    names = page.cls.order or sorted({t.grade_id for r in page.graded for t in r.tests})
    passed = {n: 0 for n in names}
    counted = {n: 0 for n in names}
    for r in page.graded:
        for t in r.tests:
            if t.grade_id in counted:
                counted[t.grade_id] += 1
                passed[t.grade_id] += not t.reason
    rates = [passed[n] / counted[n] if counted[n] else 0.0 for n in names]
    rows = "".join(f"<tr><td>{escape(n)}</td><td>{passed[n]} of {counted[n]}</td><td>{100 * r:.0f}%</td></tr>"
                   for n, r in zip(names, rates))
    chart = plots.pass_rates(names, rates) if names else ""
    return (f'<section id="tests"><h2>Test cells</h2>{chart}<table><tr><th>test cell</th>'
            f"<th>passed</th><th>pass rate</th></tr>{rows}</table></section>")


def _mistakes(page):
    groups = group_mistakes(page.cls.results)
    if not groups:
        return '<section id="mistakes"><h2>Mistakes</h2><p>No graded submission failed a test.</p></section>'
    chart = plots.mistake_bars([g.step for g in groups], [len(g.students) for g in groups])
    parts = [f'<section id="mistakes"><h2>Mistakes, by the step the feedback names</h2>{chart}']
    position = {g: i for i, g in enumerate(page.cls.order)}
    def rank(gid):
        return (position.get(gid, len(position)), gid)
    for g in groups:
        n = len(g.students)
        parts.append(f'<div class="group" data-step="{escape(g.step)}"><h3>{escape(g.step)}: '
                     f'{n} learner{"s" * (n != 1)}</h3>')
        for sig in g.signatures:
            m = len(sig.students)
            parts.append(
                f'<div class="signature" data-kind="{escape(sig.kind)}"><h4>{escape(sig.kind)}: '
                f'{m} learner{"s" * (m != 1)}</h4>'
                f'<div class="students">{page.many(sig.students)}</div>'
                f'<p class="example">{escape(sig.example)}</p>'
                f'<p class="muted">in test cells: {escape(", ".join(sorted(sig.tests, key=rank)))}</p></div>')
        parts.append("</div>")
    return "".join(parts) + "</section>"


def _not_graded(page):
    rows = "".join(f"<tr><td>{page.who(r.student)}</td><td>{escape(r.reason)}</td></tr>"
                   for r in page.cls.results if r.status != "graded")
    notes = "".join(f"<tr><td>{page.who(s)}</td><td>{escape(' '.join(n))}</td></tr>"
                    for s, n in page.cls.notes.items())
    return ('<section id="not-graded"><h2>Not graded</h2>'
            + (f"<table><tr><th style='width:25%'>student</th><th>reason</th></tr>{rows}</table>"
               if rows else "<p>Every submission was graded.</p>")
            + '</section><section id="tampering"><h2>Tampering notes</h2>'
            + (f"<table><tr><th style='width:25%'>student</th><th>note</th></tr>{notes}</table>"
               if notes else "<p>No submission changed its test cells or added importable files.</p>")
            + "</section>")


def _times(page):
    seconds = [s for s in page.cls.seconds.values() if s is not None]
    if not seconds:
        return '<section id="times"><h2>Grading time</h2><p>No timings recorded.</p></section>'
    return (f'<section id="times"><h2>Grading time</h2>{plots.time_histogram(seconds)}'
            f"<p>Median {statistics.median(seconds):.1f} s, longest {max(seconds):.1f} s, "
            f"total {sum(seconds) / 60:.1f} min for {len(seconds)} notebooks (the grader's own "
            "time for each notebook, from starting its kernel to its last cell).</p></section>")


def _everyone(page):
    cls = page.cls
    rows = []
    for r in cls.results:
        person = cls.people.get(r.student)
        rows.append(f"<tr><td>{page.who(r.student)}</td><td>{escape(person.name if person else '')}</td>"
                    f"<td>{escape(score_text(r))}</td><td>{escape(r.status)}</td>"
                    f"<td>{_fmt_seconds(cls.seconds.get(r.student))}</td>"
                    f"<td>{page.history_link(r.student)}</td><td>{escape(r.reason)}</td></tr>")
    return ('<section id="everyone"><h2>Every submission</h2><table><tr><th>student</th><th>name</th>'
            "<th style='width:10%'>score</th><th style='width:10%'>status</th>"
            "<th style='width:10%'>grading time</th><th style='width:10%'>history</th>"
            "<th style='width:30%'>summary</th></tr>"
            + "".join(rows) + "</table></section>")


def _read_history(root, assignment, students):
    """student -> their grade changes for ``assignment`` (oldest first), and a problem line or ""."""
    from dnn_course.course import history

    try:
        changes = history.read(root, assignment=assignment)
    except ValueError as e:
        return {}, str(e)
    wanted, found = set(students), {}
    for c in changes:
        if c.student in wanted:
            found.setdefault(c.student, []).append(c)
    return found, ""


def _history(page):
    """Each learner's grade history, as ``dnn-course history LEARNER`` prints it."""
    from dnn_course.course.history import line_text

    blocks = [f'<h3 id="history-{page.anchor[r.student]}">{escape(r.student)}</h3>'
              f"<pre>{escape(chr(10).join(line_text(c) for c in page.history[r.student]))}</pre>"
              for r in page.cls.results if page.history.get(r.student)]
    problem = f"<p>The history could not be read: {escape(page.history_problem)}</p>" \
        if page.history_problem else ""
    return ('<section id="history"><h2>Grade history</h2><p class="muted">Every change of each '
            "learner's grade: when, what, old, new, why, by whom; <code>dnn-course history "
            "LEARNER</code> prints the same.</p>" + problem
            + ("".join(blocks) if blocks else "<p>No grade change recorded yet.</p>") + "</section>")


def render(cls, root, out_dir):
    """The report page's HTML.

    Args:
        cls: a ``ClassResults``.
        root: the course folder (to find feedback pages).
        out_dir: where the page will be written (links are relative to it).

    Returns:
        The page as a string.
    """
    page = _Page(cls, root, out_dir)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    title = f"Class report: {cls.assignment}"
    body = "".join(f(page) for f in (_summary, _tests, _mistakes, _not_graded, _times, _everyone,
                                        _history))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{csp_meta()}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{escape(title)}</h1><p class='muted'>Generated {when} from the gradebook and "
            f"autograded/. Student ids link to their feedback pages, and each submission to its "
            f"grade history.</p>{body}</main></body></html>\n")


def write_report(cls, root, out_dir):
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
