"""The cost lines a learner's function prints: read them, and say what breaks the instructions.

``printing_problem`` serves the hidden tests (``hidden.py``) and verification's re-run
(``dnn_course/preprocessors/verify.py``); like them it stays home (the public tests
check no printing).
"""
import re
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

from .checks import SAME_ATOL as ATOL, SAME_RTOL as RTOL

# A line the template's print statement writes: "Cost after iteration 100: 0.646...", also
# read with spaces around the colon ("iteration 100 : 0.646", print's own separators) and
# before the number ("iteration    0: 0.693", the iteration aligned with {i:4d}).
COST_LINE = re.compile(r"^Cost after iteration\s+(\d+)\s*:\s*\[*\s*([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf))")
# A printed cost may be rounded, to 4 decimals or more ("%f", round(cost, 5)): that is the cost shown.
ROUNDED = 5e-5


def _printed(lines: Iterable[str]) -> dict[int, str]:
    """{iteration: the cost as printed} of the first cost line of each iteration."""
    found: dict[int, str] = {}
    for line in lines:
        m = COST_LINE.match(line.strip())
        if m:
            found.setdefault(int(m[1]), m[2])
    return found


def printed_costs(lines: Iterable[str]) -> dict[int, float]:
    """{iteration: cost} of the cost lines among the printed lines (other lines are ignored)."""
    return {i: float(text) for i, text in _printed(lines).items()}


def _half_unit(text: str) -> float:
    """Half a unit of the last digit a printed number shows: 5e-07 for "0.693050", 0 for "nan"."""
    exponent = Decimal(text).as_tuple().exponent
    return 0.5 * 10.0 ** exponent if isinstance(exponent, int) else 0.0


def _misprinted(text: str, want: float, rtol: float, atol: float) -> str | None:
    """Why a printed cost is not the reference's ``want``: None (the same, or it rounded to 4
    decimals or more), "too few digits" (a coarser rounding of it), or "not the cost"."""
    error, half = abs(float(text) - want), _half_unit(text) * (1 + 1e-9)  # the slack: float noise
    if np.isclose(float(text), want, rtol=rtol, atol=atol) or error <= min(half, ROUNDED * (1 + 1e-9)):
        return None
    return "too few digits" if error <= half else "not the cost"


def printing_problem(printed: Iterable[str], reference_lines: Iterable[str], print_cost: bool,
                     num_iterations: int, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """Why the learner's printed cost lines break what the instructions ask, or None.

    Only print_cost=True asks for anything: the cost every 100 iterations, from i = 0.
    The template also prints the last iteration's cost (optional here), and with
    print_cost=False its operator precedence prints that line too: whether a learner
    prints it or not is no part of the assignment, so nothing is asked then.

    Args:
        printed: the learner's printed lines.
        reference_lines: what the reference printed for the same call.
        print_cost: the call's print_cost.
        num_iterations: the call's num_iterations.
        rtol, atol: how close a printed cost must be to the reference's.

    Returns:
        str or None: e.g. "no cost printed for iteration 200".
    """
    if not print_cost:
        return None
    want, shown = printed_costs(reference_lines), _printed(printed)
    got = {i: float(text) for i, text in shown.items()}
    required = [i for i in range(0, num_iterations, 100)]
    missing = [i for i in required if i not in got]
    if missing:
        return f"no cost printed for iteration {missing[0]}; print it every 100 iterations, from i = 0"
    extra = [i for i in got if i not in required and i != num_iterations - 1]
    if extra:
        return f"a cost printed for iteration {extra[0]}; print it every 100 iterations only"
    wrong = [(i, why) for i in got if i in want and (why := _misprinted(shown[i], want[i], rtol, atol))]
    if wrong and wrong[0][1] == "too few digits":
        return f"the cost printed for iteration {wrong[0][0]} is rounded too much; show at least 4 decimals"
    if wrong:
        return f"the cost printed for iteration {wrong[0][0]} is not the cost of that iteration"
    return None
