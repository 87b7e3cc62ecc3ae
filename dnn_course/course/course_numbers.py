"""The course's expected numbers (docs/course-facts.md, "Exact numbers"): what the
reference solutions print on the course data. Used by the tests and the demo.

The numbers are data, in ``course_numbers.json`` beside this module, one entry
per model with the same fields (``Numbers``); the names below are the ones the
tests, the demo and the docs use.
"""
import json
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).with_name("course_numbers.json")

# How close a run must come to these numbers (relative; the costs and accuracies of a
# 2500-iteration run, whatever the machine's BLAS).
REL = 1e-9


@dataclass(frozen=True)
class Numbers:
    """What one model's reference prints and returns on the course data."""

    short: tuple[str, float]            # the graded test cell's short run: its printed line, costs[0]
    costs: list[float]                  # the 2500-iteration run's cost every 100 iterations
    last: tuple[int, float]             # (2499, the cost it prints there)
    accuracy: tuple[str, str]           # predict's lines on the training and the test set
    public_test_lines: list[str]        # what its public test prints against a correct solution
    public_test_first_cost: float       # the public test's stored first cost (8 decimals)


def _load(path=PATH):
    """{model name: Numbers} from the JSON file."""
    return {name: Numbers(short=tuple(d["short"]), costs=d["costs"], last=tuple(d["last"]),
                          accuracy=tuple(d["accuracy"]), public_test_lines=d["public_test_lines"],
                          public_test_first_cost=d["public_test_first_cost"])
            for name, d in json.loads(path.read_text(encoding="utf-8")).items()}


MODELS = _load()
TWO_LAYER, L_LAYER = MODELS["two_layer_model"], MODELS["L_layer_model"]

TWO_LAYER_COSTS, L_LAYER_COSTS = TWO_LAYER.costs, L_LAYER.costs
TWO_LAYER_LAST, L_LAYER_LAST = TWO_LAYER.last, L_LAYER.last
TWO_LAYER_ACCURACY, L_LAYER_ACCURACY = TWO_LAYER.accuracy, L_LAYER.accuracy
TWO_LAYER_SHORT, L_LAYER_SHORT = TWO_LAYER.short, L_LAYER.short

# What the public tests print against a correct solution, and their stored first costs.
PUBLIC_TEST_LINES = {name: m.public_test_lines for name, m in MODELS.items()}
PUBLIC_TEST_FIRST_COSTS = {name: m.public_test_first_cost for name, m in MODELS.items()}
