"""The regrade preview as one self-contained HTML page, styled like the class report.

The page is the template ``dnn_course/templates/regrade.html`` (autoescaped: learners'
ids and findings show as text), no script runs, nothing is fetched (``course/csp.py``).
"""
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from dnn_course.admin.regrade_plan import Change
from dnn_course.course.pages import render as render_template


def render(changes: Sequence[Change], headline: str, assignment: str) -> str:
    """The page's HTML.

    Args:
        changes: ``regrade_plan.Change`` objects (``regrade.compare``).
        headline: the summary line (``regrade.summary``).
        assignment: the assignment name.

    Returns:
        The page.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return render_template("regrade.html", changes=changes, headline=headline, assignment=assignment,
                           when=stamp) + "\n"


def write_page(changes: Sequence[Change], headline: str, assignment: str, out_dir: str | Path) -> Path:
    """Write ``<out_dir>/<assignment>-regrade-preview.html``.

    Args:
        changes: ``regrade_plan.Change`` objects (``regrade.compare``).
        headline: the summary line (``regrade.summary``).
        assignment: the assignment name.
        out_dir: the folder for the page.

    Returns:
        The page's path.
    """
    path = Path(out_dir) / f"{assignment}-regrade-preview.html"
    path.write_text(render(changes, headline, assignment), encoding="utf-8")
    return path
