"""The regrade preview as one self-contained HTML page, styled like the class report.

Text is HTML-escaped, no script runs, nothing is fetched (``course/csp.py``).
"""
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from dnn_course.admin.report import STYLE
from dnn_course.course.csp import csp_meta


def _n(x):
    return "-" if x is None else f"{x:g}"


def render(changes, headline, assignment):
    """The page's HTML.

    Args:
        changes: ``regrade.Change`` objects.
        headline: the summary line (``regrade.summary``).
        assignment: the assignment name.

    Returns:
        str.
    """
    rows = []
    for c in changes:
        tests = "".join(f"<li><b>{escape(g)}</b>: {_n(o)} &rarr; {_n(n)}"
                        + (f" <span class=\"muted\">{escape(why)}</span>" if why else "") + "</li>"
                        for g, o, n, why in c.tests)
        manual = "".join(f"<li>{escape(g)}: manual grade {_n(s)} {escape(w)}</li>"
                         for g, s, w in c.manual)
        delta = "" if c.delta is None else f"{c.delta:+g}"
        rows.append(f"<tr><td>{escape(c.student)}</td><td>{_n(c.old)}</td><td>{_n(c.new)}</td>"
                    f"<td>{delta}</td><td><ul>{tests}{manual}</ul></td></tr>")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = ("<table><tr><th>learner</th><th>now</th><th>after</th><th>change</th>"
             "<th>tests that change (finding), manual grades</th></tr>" + "".join(rows) + "</table>"
             if rows else "<p>No learner's score changes.</p>")
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{csp_meta()}"
            f"<title>Regrade preview: {escape(assignment)}</title><style>{STYLE}</style></head>"
            f"<body><main><h1>Regrade preview: {escape(assignment)}</h1>"
            f"<p class=\"muted\">{stamp}; the gradebook is unchanged until "
            f"<code>dnn-course regrade --apply</code>.</p>"
            f"<p><b>{escape(headline)}.</b></p>{table}</main></body></html>\n")


def write_page(changes, headline, assignment, out_dir):
    """Write ``<out_dir>/<assignment>-regrade-preview.html``; return its path."""
    path = Path(out_dir) / f"{assignment}-regrade-preview.html"
    path.write_text(render(changes, headline, assignment), encoding="utf-8")
    return path
