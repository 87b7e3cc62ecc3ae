"""The course's late policy as text: parsed once, then a penalty for a score and a lateness.

Written in ``nbgrader_config.py`` as one line, e.g.
``c.CourseLatePenalty.policy = "grace 1h, 10% per started day, max 3 days"``:
no penalty within the grace period; after it, the given percentage of the
score for every started day late (counted from the due date); later than the
maximum, the score becomes zero. ``"none"`` (the default) never penalises.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

DAY = 86400.0
EXAMPLE = '"grace 1h, 10% per started day, max 3 days" (or "none")'
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "hours": 3600,
          "d": DAY, "day": DAY, "days": DAY}
_GRACE = re.compile(r"grace\s+(\d+(?:\.\d+)?)\s*([a-z]+)")
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*per\s+started\s+day")
_MAX = re.compile(r"max\s+(\d+)\s*days?")


class PolicyError(ValueError):
    """A late policy that does not parse; the message says what and shows the form."""


@dataclass(frozen=True)
class LatePolicy:
    """A parsed policy: ``percent_per_day`` 0 means none; ``max_days`` None means no limit."""

    grace_seconds: float = 0.0
    percent_per_day: float = 0.0
    max_days: int | None = None

    @property
    def is_none(self) -> bool:
        """True when this policy never takes anything off."""
        return self.percent_per_day == 0 and self.max_days is None

    def percent(self, seconds_late: float) -> float:
        """The share of the score taken off, 0-100.

        Args:
            seconds_late: how long after the (extended) due date it was submitted.

        Returns:
            float: 0 on time or within the grace period, 100 beyond ``max_days``.
        """
        if seconds_late <= 0 or seconds_late <= self.grace_seconds or self.is_none:
            return 0.0
        days = math.ceil(seconds_late / DAY)
        if self.max_days is not None and days > self.max_days:
            return 100.0
        return min(100.0, days * self.percent_per_day)

    def penalty(self, score: float, seconds_late: float) -> float:
        """The points taken off ``score`` (nbgrader's late_submission_penalty).

        Args:
            score: the score before the penalty.
            seconds_late: as for ``percent``.

        Returns:
            float: between 0 and ``score``, rounded to 1/1000 of a point.
        """
        return round(max(0.0, score or 0.0) * self.percent(seconds_late) / 100.0, 3)


def parse(text: str) -> LatePolicy:
    """The policy a line of text says.

    Args:
        text: ``"none"`` or comma-separated parts: ``grace <n><s|m|h|d>``,
            ``<p>% per started day``, ``max <n> days``.

    Returns:
        LatePolicy.

    Raises:
        PolicyError: a part that is not one of these, or a percentage over 100.
    """
    words = (text or "").strip().lower()
    if words in ("", "none"):
        return LatePolicy()
    grace, rate, top = 0.0, 0.0, None
    for part in (p.strip() for p in re.split(r"[,;]", words) if p.strip()):
        if m := _GRACE.fullmatch(part):
            if m.group(2) not in _UNITS:
                raise PolicyError(f"late policy {text!r}: unknown unit {m.group(2)!r} in "
                                  f"{part!r}; use s, m, h or d. Example: {EXAMPLE}")
            grace = float(m.group(1)) * _UNITS[m.group(2)]
        elif m := _RATE.fullmatch(part):
            rate = float(m.group(1))
            if rate > 100:
                raise PolicyError(f"late policy {text!r}: {rate:g}% per day is over 100%. "
                                  f"Example: {EXAMPLE}")
        elif m := _MAX.fullmatch(part):
            top = int(m.group(1))
        else:
            raise PolicyError(f"late policy {text!r}: cannot read {part!r}. "
                              f"Write it as {EXAMPLE}")
    return LatePolicy(grace, rate, top)


def hours_text(seconds: float) -> str:
    """A lateness as people say it: "26 h", "45 min", "3 days 2 h"."""
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    days, rest = divmod(hours, 24)
    return f"{days} days" + (f" {rest} h" if rest else "")
