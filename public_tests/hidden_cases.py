"""The calls every graded test cell checks, in one table: the hidden cells loop over it, verification reads it.

``CASES`` maps a test cell's grade id to its ``Case`` s: the hidden cells run
them (``hidden.check_cell``) and ``dnn_course/preprocessors/verify.py`` re-runs
the same ones outside the learner's kernel. The public test cells' cases are
the public test's own calls (``PLANS``) and the course's short run
(``cell.COURSE_RUN``), not written again. Like ``hidden.py`` this module
stays home: the learner wheel ships only what the public tests import.
"""
from dataclasses import dataclass
from typing import Any

import numpy as np

from dnn_app_utils import load_data

from .cell import COURSE_RUN
from .run import L_LAYER as DEEP, PLANS, PUBLIC_DIMS, TWO_LAYER as TWO, make_inputs

# What a case checks, as its test cell does: "all" (parameters, costs, and the
# costs printed when print_cost=True), "parameters" (parameters only, the pair's form
# included) or "runs" (without the notebook's globals it runs and returns a
# well-formed pair for its layers_dims; no comparison with the reference: the
# cell compares the function with itself, with and without the globals).
COMPARES = ("all", "parameters", "runs")
DEFAULT_RATE = 0.0075  # the functions' default learning_rate
# The notebook's names the no-globals cell removes while the function runs.
NOTEBOOK_NAMES = ("train_x", "train_y", "test_x", "test_y", "train_x_orig", "test_x_orig",
                  "n_x", "n_h", "n_y", "layers_dims", "learning_rate", "parameters", "costs",
                  "X", "Y", "num_iterations", "print_cost")


@dataclass(frozen=True)
class Case:
    id: str
    function: str
    inputs: str | tuple[Any, ...]  # "course", "public-2", "public-L", or ("random", seed, n, m, threshold)
    layers_dims: tuple[int, ...]
    learning_rate: float
    num_iterations: int
    print_cost: bool = False
    compare: str = "all"
    dims_type: str = "tuple"  # the type layers_dims is given as: "tuple" or "list"
    seed_before: int | None = None  # numpy's global seed set just before the call
    keeps_inputs: bool = False  # the cell also checks that X and Y are left unchanged

    @property
    def dims(self) -> tuple[int, ...] | list[int]:
        return list(self.layers_dims) if self.dims_type == "list" else tuple(self.layers_dims)

    @property
    def key(self) -> str:
        """A name for the case's inputs (a file key in the runner's inputs)."""
        return self.inputs if isinstance(self.inputs, str) else "-".join(map(str, self.inputs))


def random_data(seed: int, n: int, m: int, threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """The hidden tests' random (X, Y): n features, m examples, labels 1 where a draw passes threshold.

    Args:
        seed: the RandomState's seed.
        n, m: X's shape.
        threshold: labels are (draw > threshold).

    Returns:
        tuple of numpy arrays (X, Y).
    """
    rs = np.random.RandomState(seed)
    return rs.randn(n, m), (rs.rand(1, m) > threshold).astype(float)


def course_inputs() -> tuple[np.ndarray, np.ndarray]:
    """The course data's training (X, Y), flattened and scaled as the notebook does."""
    train_x_orig, train_y, _, _, _ = load_data()
    return train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0, train_y


def inputs_of(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """The (X, Y) of a case other than the course data.

    Args:
        case: a Case whose inputs are random or the public test's.

    Returns:
        tuple of numpy arrays (X, Y), made afresh.
    """
    if isinstance(case.inputs, tuple):
        return random_data(*case.inputs[1:])
    return make_inputs(TWO if case.inputs == "public-2" else DEEP)[:2]


def _case(id, function, inputs, dims, lr, iters, **kw):
    return Case(id, function, inputs, tuple(dims), lr, iters,
                dims_type="list" if isinstance(dims, list) else "tuple", **kw)


def _random(seed, n, m, threshold=0.5):
    return ("random", seed, n, m, threshold)


# The hidden cells' calls, by function. Shapes: (layers_dims, examples, seed), each given
# as it is and as the other sequence type; hyperparameters: one data set and layers_dims,
# then (learning_rate, num_iterations, print_cost, numpy's seed before the call).
SHAPES = {TWO: (((5, 3, 1), 8, 2), ((3, 6, 1), 12, 3), ((20, 2, 1), 5, 4)),
          DEEP: (([5, 4, 1], 8, 2), ([4, 6, 3, 1], 12, 3), ([20, 3, 2, 2, 1], 5, 4))}
HYPER_DATA: dict[str, tuple[tuple[float, ...], tuple[int, ...] | list[int]]] = {TWO: ((5, 6, 9, 0.4), (6, 4, 1)), DEEP: ((6, 6, 9, 0.4), [6, 5, 3, 1])}
HYPER_CALLS = ((0.1, 3, True, None), (0.5, 1, True, None), (0.02, 250, True, None),
               (DEFAULT_RATE, 3, False, None), (DEFAULT_RATE, 2, False, 123), (DEFAULT_RATE, 2, False, 7))
_N_X = COURSE_RUN[TWO][0][0]
COURSE = {TWO: ((COURSE_RUN[TWO][0], 3), ((_N_X, 3, 1), 2)),
          DEEP: ((COURSE_RUN[DEEP][0], 3), ([_N_X, 10, 1], 2))}
NO_GLOBALS: dict[str, tuple[tuple[float, ...], tuple[int, ...] | list[int], float, int]] = {TWO: ((8, 7, 11), (7, 5, 1), 0.03, 4), DEEP: ((9, 7, 11), [7, 5, 4, 1], 0.03, 4)}


def _public_cases(name, key):
    """The public test cell's calls: the public test's distinct (learning_rate, num_iterations)
    on its inputs, then the course's short run."""
    dims = PUBLIC_DIMS[name]
    plan = list(dict.fromkeys((lr, it) for _, lr, it in PLANS[name]))
    course_dims, course_iterations = COURSE_RUN[name]
    return [_case(f"{name}-public-{i}", name, key, dims, lr, it) for i, (lr, it) in enumerate(plan)] + \
        [_case(f"{name}-course-short", name, "course", course_dims, DEFAULT_RATE, course_iterations)]


def _cases():
    c = {}
    for name, key in ((TWO, "public-2"), (DEEP, "public-L")):
        c[f"correct_{name}"] = _public_cases(name, key)
    for name in (TWO, DEEP):
        other = list if name == TWO else tuple
        c[f"{name}_hidden_shapes"] = [
            _case(f"{name}-shape-{i}-{type(given).__name__}", name, _random(seed, dims[0], m), given,
                  DEFAULT_RATE, 3, compare="parameters")
            for i, (dims, m, seed) in enumerate(SHAPES[name]) for given in (dims, other(dims))]
        data, dims = HYPER_DATA[name]
        c[f"{name}_hidden_hyperparameters"] = [
            _case(f"{name}-hyper-{i}", name, _random(*data), dims, lr, it, print_cost=pc, seed_before=seed,
                  keeps_inputs=True)
            for i, (lr, it, pc, seed) in enumerate(HYPER_CALLS)]
        c[f"{name}_hidden_course_data"] = [
            _case(f"{name}-course-{i}", name, "course", dims, DEFAULT_RATE, it, compare="parameters")
            for i, (dims, it) in enumerate(COURSE[name])]
        data, dims, lr, it = NO_GLOBALS[name]
        c[f"{name}_hidden_no_globals"] = [_case(f"{name}-noglobals", name, _random(*data), dims, lr, it,
                                                compare="runs", seed_before=0)]
    return c


CASES = _cases()
