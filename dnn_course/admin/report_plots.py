"""The class report's charts, drawn with matplotlib's Agg backend as embedded PNG images.

Each function takes class-level figures (never one plot per learner) and
returns a ``Chart``: the PNG as base64 and its alt text, which the report's
template (``dnn_course/templates/report.html``) shows as an ``<img>`` whose
``src`` is a ``data:`` URI, so the page needs no other file and nothing from
the network.
"""
import base64
import io
from collections.abc import Sequence
from typing import NamedTuple

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator

BLUE, GREEN, RED = "#3b6ea8", "#3a8a4f", "#b5473a"
WIDTH = 7.5  # inches at 100 dpi: 750 px, inside the page's 1100 px column


class Chart(NamedTuple):
    """One chart: what it shows in words (the image's alt text) and the PNG, base64-encoded."""

    alt: str
    png: str


def _figure(height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _integer_ticks(axis: Axis) -> None:
    """Ticks at whole numbers only, on an axis that counts (matplotlib's default locator, told so)."""
    locator = AutoLocator()
    locator.set_params(integer=True)
    axis.set_major_locator(locator)


def _img(fig: Figure, alt: str) -> Chart:
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return Chart(alt, base64.b64encode(buf.getvalue()).decode("ascii"))


def score_histogram(scores: Sequence[float], max_score: float) -> Chart:
    """Histogram of the graded submissions' scores, one bar per point.

    Args:
        scores: the graded submissions' scores.
        max_score: the assignment's maximum.

    Returns:
        The chart.
    """
    fig, ax = _figure(3.0)
    top = max(int(round(max_score)), 1)
    ax.hist(list(scores), bins=[b - 0.5 for b in range(top + 2)], color=BLUE, edgecolor="white")
    ax.set_xlim(-0.5, top + 0.5)
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    _integer_ticks(ax.yaxis)
    ax.set_title("Score distribution (graded submissions)")
    return _img(fig, "Histogram of scores")


def pass_rates(names: Sequence[str], rates: Sequence[float]) -> Chart:
    """Horizontal bars: the share of graded submissions that pass each test cell.

    Args:
        names: test cells' grade ids, in notebook order (drawn top to bottom).
        rates: the pass rate (0-1) of each.

    Returns:
        The chart.
    """
    fig, ax = _figure(0.8 + 0.32 * max(len(names), 1))
    y = list(range(len(names)))[::-1]
    ax.barh(y, [100 * r for r in rates], color=[GREEN if r >= 0.5 else RED for r in rates])
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded submissions passing")
    for yi, r in zip(y, rates):
        ax.text(min(100 * r + 1, 92), yi, f"{100 * r:.0f}%", va="center", fontsize=8)
    ax.set_title("Pass rate of each test cell, in notebook order")
    return _img(fig, "Pass rate of each test cell")


def mistake_bars(steps: Sequence[str], counts: Sequence[int]) -> Chart:
    """Horizontal bars: learners per step the feedback names, largest first.

    Args:
        steps: step names, largest group first.
        counts: learners in each.

    Returns:
        The chart.
    """
    fig, ax = _figure(0.8 + 0.35 * max(len(steps), 1))
    y = list(range(len(steps)))[::-1]
    ax.barh(y, counts, color=RED)
    ax.set_yticks(y, steps, fontsize=8)
    ax.set_xlabel("learners")
    _integer_ticks(ax.xaxis)
    ax.set_title("Mistakes by the first step that differs")
    return _img(fig, "Learners per mistaken step")


def time_histogram(seconds: Sequence[float]) -> Chart:
    """Histogram of the time each graded notebook took to run.

    Args:
        seconds: run times in seconds.

    Returns:
        The chart.
    """
    fig, ax = _figure(2.6)
    ax.hist(list(seconds), bins=min(30, max(len(seconds), 1)), color=BLUE, edgecolor="white")
    ax.set_xlim(left=0)
    ax.set_xlabel("seconds to run the notebook while grading")
    ax.set_ylabel("submissions")
    _integer_ticks(ax.yaxis)
    ax.set_title("Grading time per submission")
    return _img(fig, "Histogram of grading times")
