"""The public test cells as a learner runs them in a kernel: one call that explains every mistake briefly.

One kernel runs the source notebook's data cells and, for each catalogued
mistake (dnn_course/course/mistakes.py and tests/heldback_mistakes.py), the
wrong solution cell and then the exercise's public test cell, exactly as the
notebook holds it. What the cell shows (its error output) is what is measured.
The same kernel first runs the lines the test cells used to hold before their
public test, to know which mistakes raise or return the wrong thing there.
"""
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from dnn_course.course.course_numbers import L_LAYER_SHORT, PUBLIC_TEST_LINES, TWO_LAYER_SHORT
from dnn_course.course.mistakes import MUTANTS, STEP, mutate
from dnn_course.course.paths import NOTEBOOK
from dnn_course.course.solutions import solution_sources
from heldback_mistakes import HELD_BACK
from notebook_fixtures import SOURCE_DIR

ANSI = re.compile(r"\x1b\[[0-9;]*m")
MIN_RATE = 0.9
MAX_LINES, WIDTH = 10, 83
DATA_CELLS = ("packages", "load-data", "flatten", "two-layer-constants")
SHORT = {"two_layer_model": TWO_LAYER_SHORT, "L_layer_model": L_LAYER_SHORT}
# What each first test cell ran before its public test until it became one call.
OLD_LINES = {
    "two_layer_model": "parameters, costs = two_layer_model(train_x, train_y, layers_dims=(n_x, n_h, n_y), "
                       "num_iterations=2, print_cost=False)\nprint(costs[0])",
    "L_layer_model": "parameters, costs = L_layer_model(train_x, train_y, [12288, 20, 7, 5, 1], "
                     "num_iterations=1, print_cost=False)\nprint(costs[0])",
}
CATALOGUE = ([(name, mistake, edits, STEP[(name, mistake)]) for name, table in MUTANTS.items()
              for mistake, edits in table.items()]
             + [(name, mistake, edits, step) for name, mistake, edits, step in HELD_BACK])


def source_cells():
    """The source notebook's code cells, by id."""
    nb = nbformat.read(str(SOURCE_DIR / NOTEBOOK), as_version=4)
    return {c.get("id"): c for c in nb.cells if c.cell_type == "code"}


class Kernel:
    """One python3 kernel that runs cells one at a time, as a learner does."""

    def __init__(self, client):
        self.client = client
        self.count = 0

    def run(self, source):
        """Run source as a new cell; return (stdout text, error output or None)."""
        cell = new_code_cell(source)
        self.client.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        out = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        errors = [o for o in cell.outputs if o.output_type == "error"]
        return ANSI.sub("", out), (errors[0] if errors else None)


@pytest.fixture
def kernel():
    """A fresh kernel for each test (as after a restart)."""
    from nbclient import NotebookClient

    client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", timeout=300,
                            allow_errors=True, resources={"metadata": {"path": str(SOURCE_DIR)}})
    with client.setup_kernel():
        yield Kernel(client)


def shown(error):
    """The lines an error output shows, without colours."""
    return [ANSI.sub("", line) for line in "\n".join(error.traceback).split("\n")]


def names_step(lines, step):
    """Whether the shown lines name step as the first step that differs."""
    text = " ".join(line.strip() for line in lines)
    return re.search(r"First step that differs \(call \d, learning_rate=[\d.]+, "
                     rf"num_iterations=\d+\): {re.escape(step)}: ", text) is not None


def test_cells_run_out_of_order_say_what_to_run_in_one_line(kernel):
    """A fresh kernel (as after a restart): the test cell names the cells to run first,
    in one line, no traceback; with the data loaded, it names the function's own cell."""
    cells = source_cells()
    for name in MUTANTS:
        _, error = kernel.run(cells[f"correct_{name}"].source)
        assert error is not None and error.ename == "NotRunYet", error
        assert shown(error) == ["train_x is not defined: run the cells above "
                                "(Run > Run All Above Selected Cell)."], shown(error)
    for cell_id in DATA_CELLS:
        assert kernel.run(cells[cell_id].source)[1] is None, cell_id
    for name, exercise in (("two_layer_model", 1), ("L_layer_model", 2)):
        _, error = kernel.run(cells[f"correct_{name}"].source)
        assert shown(error) == [f"{name} is not defined: run its cell (Exercise {exercise}), "
                                "then this one."], shown(error)


def test_reference_prints_the_course_lines(kernel):
    """The reference solutions: the test cell prints what the course prints, to the letter."""
    cells = source_cells()
    for cell_id in DATA_CELLS:
        kernel.run(cells[cell_id].source)
    for name, source in solution_sources().items():
        assert kernel.run(source)[1] is None
        printed, error = kernel.run(cells[f"correct_{name}"].source)
        assert error is None, shown(error)
        line, first = SHORT[name]
        assert printed.splitlines() == [line, f"Cost after first iteration: {first!r}",
                                        *PUBLIC_TEST_LINES[name]], printed


def test_test_cells_name_the_step_of_the_catalogues_mistakes(kernel, capsys):
    """Run in the notebook, the public test cell names the step of at least 90% of the
    catalogue's mistakes, and of 90% of those the cell's old lines met with a raised error
    (a traceback) or a result they could not read; no cell shows over 10 lines, a line
    over 83 characters or a traceback."""
    cells = source_cells()
    for cell_id in DATA_CELLS:
        kernel.run(cells[cell_id].source)
    sources = solution_sources()
    named, old_broke, misses = [], [], []
    for name, mistake, edits, step in CATALOGUE:
        assert kernel.run(mutate(sources[name], edits))[1] is None, mistake
        old_broke.append(kernel.run(OLD_LINES[name])[1] is not None)
        printed, error = kernel.run(cells[f"correct_{name}"].source)
        if error is None:  # too subtle for the public test's short calls: a hidden cell's concern
            named.append(False)
            misses.append(f"{name}-{mistake} (expected {step!r}): passed")
            continue
        lines = shown(error)
        assert error.ename == "PublicTestFailure", (mistake, error.ename, lines)
        assert len(lines) <= MAX_LINES and max(map(len, lines)) <= WIDTH, "\n".join(lines)
        text = "\n".join(lines)
        assert "Traceback" not in text and 'File "' not in text and "public_tests" not in text, text
        assert "passed" not in printed, printed
        named.append(names_step(lines, step))
        if not named[-1]:
            misses.append(f"{name}-{mistake} (expected {step!r}): " + " | ".join(lines))
    broke = [n for n, b in zip(named, old_broke) if b]
    with capsys.disabled():
        print(f"\ntest cells name the step of {sum(named)} of {len(named)} catalogued mistakes; "
              f"of the {len(broke)} the old cell lines broke on (traceback or unreadable "
              f"result): {sum(broke)}")
    assert len(broke) >= 4, "the catalogue should hold mistakes that raise or return the wrong thing"
    assert sum(named) >= MIN_RATE * len(named), "missed:\n" + "\n".join(misses)
    assert sum(broke) >= MIN_RATE * len(broke), "missed:\n" + "\n".join(misses)


# ------------------------------------------------ the course-data run, when the public test passes

def _wrapped(reference, when_course_data):
    """reference, except that on the course data (12288 rows) it calls when_course_data."""
    def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
        if X.shape[0] == 12288:
            return when_course_data(reference(X, Y, layers_dims, learning_rate, num_iterations, print_cost))
        return reference(X, Y, layers_dims, learning_rate, num_iterations, print_cost)
    return two_layer_model


def _course_namespace(function):
    import numpy as np

    rs = np.random.RandomState(0)
    return {"train_x": rs.rand(12288, 6), "train_y": (rs.rand(1, 6) > 0.5).astype(float),
            "two_layer_model": function}


def _fails(namespace, capsys):
    from public_tests import run_test_cell
    from public_tests.messages import PublicTestFailure

    with pytest.raises(PublicTestFailure) as info:
        run_test_cell("two_layer_model", namespace)
    printed = ANSI.sub("", capsys.readouterr().out)
    assert "passed" not in printed and "Cost after first iteration" not in printed, printed
    return [ANSI.sub("", line) for line in info.value._render_traceback_()]


def test_course_run_that_raises_alone_is_explained_briefly(reference, capsys):
    """A function that passes the public test but raises on the course data: which run, the
    error, the learner's line, what to look at; no traceback, no success line."""
    def broken(result):
        raise ValueError("shapes (7,12288) and (6,5) not aligned")

    lines = _fails(_course_namespace(_wrapped(reference["two_layer_model"], broken)), capsys)
    assert lines[0] == "two_layer_model raised ValueError on the course data (2 iterations).", lines
    assert lines[1] == "  shapes (7,12288) and (6,5) not aligned", lines
    assert lines[2].startswith("In your code, line ") and "raise ValueError" in lines[2], lines
    assert lines[3] == "Look at the line named above and the shapes of the arrays it uses.", lines
    assert len(lines) <= MAX_LINES and max(map(len, lines)) <= WIDTH, lines


@pytest.mark.parametrize("returned, says", [
    (lambda r: (r[0], []), "Its costs are empty: record the cost when i % 100 == 0, from i = 0."),
    (lambda r: (r[0], {"cost": r[1][0]}), "Its second item, a dict, is not the list of costs."),
    (lambda r: r[0], "It returned a dict of 4 entries."),
    (lambda r: None, "It returned None."),
    (lambda r: (r[0], r[1], 0), "It returned a tuple of 3 entries."),
], ids=["no-cost", "costs-in-a-dict", "parameters-only", "none", "three-values"])
def test_course_run_with_a_wrong_result_alone_is_explained(reference, capsys, returned, says):
    """A result the course's cost line cannot read, on the course data only: said in words."""
    lines = _fails(_course_namespace(_wrapped(reference["two_layer_model"], returned)), capsys)
    assert lines[0] == "two_layer_model returned a wrong result on the course data (2 iterations).", lines
    assert lines[1] == f"  {says}", lines
    assert lines[2] == "Look at what your function returns: the pair (parameters, costs).", lines
    assert len(lines) <= MAX_LINES and max(map(len, lines)) <= WIDTH, lines


def test_stub_on_the_course_data_only_is_not_called_passed(reference, capsys):
    """NotImplementedError raised on the course data alone is told, not taken for a pass."""
    def stub(result):
        raise NotImplementedError("Not implemented yet")

    lines = _fails(_course_namespace(_wrapped(reference["two_layer_model"], stub)), capsys)
    assert lines[0] == "two_layer_model raised NotImplementedError on the course data (2 iterations).", lines


def test_unknown_exercise_is_refused():
    from public_tests import run_test_cell

    with pytest.raises(ValueError, match="name must be one of"):
        run_test_cell("three_layer_model", {})
