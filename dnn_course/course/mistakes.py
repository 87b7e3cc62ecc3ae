"""A catalogue of typical wrong solutions, made from the reference by text edits.

Each mistake (``Mistake``) is a list of (old, new) replacements applied to a
solution cell of the source notebook; ``mutate`` insists every edit changes the
text, so a mistake can never silently equal the reference. With its edits it
says which step the grading feedback must name for it (``STEP``) and which
graded cells it fails (``FAILS``). Used by the tests and by the demo's sample
submissions.
"""
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from dnn_course.course.prelude import namespace
from dnn_course.course.solutions import graded_points

LOOP_2L = "    for i in range(0, num_iterations):\n"
UPDATE = "parameters = update_parameters(parameters, grads, learning_rate)"
RECORD = "        if i % 100 == 0:\n            costs.append(cost)\n"
REREAD = ('        # YOUR CODE ENDS HERE\n\n'
          '        W1 = parameters["W1"]\n        b1 = parameters["b1"]\n'
          '        W2 = parameters["W2"]\n        b2 = parameters["b2"]\n')
RETURN = "            costs.append(cost)\n\n    return parameters, costs"
DA2 = "dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))"
COST_2L, COST_L = "cost = compute_cost(A2, Y)", "cost = compute_cost(AL, Y)"
FORWARD_1 = 'linear_activation_forward(X, W1, b1, "relu")'
FORWARD_2 = 'linear_activation_forward(A1, W2, b2, "sigmoid")'
BACKWARD_2 = 'linear_activation_backward(dA2, cache2, "sigmoid")'
BACKWARD_1 = 'linear_activation_backward(dA1, cache1, "relu")'
STORE_DW1, STORE_DW2 = 'grads["dW1"] = dW1', 'grads["dW2"] = dW2'
STORE_DB1, STORE_DB2 = 'grads["db1"] = db1', 'grads["db2"] = db2'
READ_B1 = 'b1 = parameters["b1"]\n        W2'  # the read-back after the update (indented in the loop)
STEP_L = ("        cost = compute_cost(AL, Y)\n        grads = L_model_backward(AL, Y, caches)\n"
          "        parameters = update_parameters(parameters, grads, learning_rate)\n")


# The graded cells of each function (their points: the notebook's nbgrader metadata, solutions.graded_points).
CELLS = ("correct", "hidden_shapes", "hidden_hyperparameters", "hidden_course_data", "hidden_no_globals")
P, S, H, C, G = CELLS  # public test, shapes, hyperparameters, course data, no globals
LOOP = (P, S, H, C)  # a wrong training loop: every cell that compares trained parameters
ALL = (P, S, H, C, G)  # a loop that raises on every input: it never returns a result to compare


def grade_id(function: str, cell: str) -> str:
    """The nbgrader grade_id of `function`'s graded cell `cell` (one of CELLS)."""
    return f"correct_{function}" if cell == P else f"{function}_{cell}"


# Exactly which graded cells each catalogued mistake fails (tests/dnn_course/course/test_cell_matrix.py
# runs the notebook's test cells against every mistake). Each hidden cell has one
# concern: a fixed learning rate or a cost recorded every iteration fails only the
# public test and the hyperparameters cell; only reading the notebook's globals,
# or returning no (parameters, costs) pair at all (raising on every input: ALL),
# fails the no-globals cell.
class Mistake(NamedTuple):
    """One catalogued mistake: the step the feedback names, the cells it fails, its edits."""

    step: str                        # one of public_tests.diagnose.STEPS
    fails: tuple[str, ...]           # of CELLS
    edits: list[tuple[str, str]]     # (old, new) replacements of the reference, for mutate


def _swap(first: str, second: str, a: str, b: str) -> list[tuple[str, str]]:
    """Edits that exchange two values between two lines: ``a`` in ``first`` becomes ``b``,
    ``b`` in ``second`` becomes ``a``."""
    return [(first, first.replace(a, b)), (second, second.replace(b, a))]


# Mistakes the two training loops can make to the letter alike: the same edits, step and cells.
BOTH = {
    "missing-update": Mistake("the update", LOOP, [(UPDATE, "pass")]),
    "hard-coded-learning-rate": Mistake("the learning rate", (P, H), [
        (UPDATE, "parameters = update_parameters(parameters, grads, 0.0075)")]),
    "cost-every-iteration": Mistake("cost recording", (P, H), [(RECORD, "        costs.append(cost)\n")]),
    "one-iteration-short": Mistake("the iteration count", LOOP, [
        (LOOP_2L, "    for i in range(0, num_iterations - 1):\n")]),
    "loop-starts-at-1": Mistake("the iteration count", LOOP, [(LOOP_2L, "    for i in range(1, num_iterations):\n")]),
    # the no-globals cell passes for these two: the form is not its concern
    "returns-parameters-only": Mistake("the return value", LOOP, [("return parameters, costs", "return parameters")]),
    "returns-costs-first": Mistake("the return value", LOOP, [
        ("return parameters, costs", "return costs, parameters")]),
    "return-inside-loop": Mistake("the iteration count", LOOP, [
        (RETURN, "            costs.append(cost)\n\n        return parameters, costs")]),
}

TWO_LAYER = {
    **BOTH,
    "swapped-forward-activations": Mistake("forward activations", LOOP,
                                           _swap(FORWARD_1, FORWARD_2, '"relu"', '"sigmoid"')),
    "swapped-backward-activations": Mistake("backward activations", LOOP, [
        ('(dA2, cache2, "sigmoid")', '(dA2, cache2, "relu")'),
        ('(dA1, cache1, "relu")', '(dA1, cache1, "sigmoid")')]),
    "wrong-sign-dA2": Mistake("start of the backward pass", LOOP, [("dA2 = - (np.divide", "dA2 = (np.divide")]),
    "stale-weights": Mistake("the update", LOOP, [(REREAD, "        # YOUR CODE ENDS HERE\n")]),
    # the course-data cell trains on train_x itself
    "global-train_x": Mistake("use of globals", (P, S, H, G), [
        ("linear_activation_forward(X, W1", "linear_activation_forward(train_x, W1")]),
    "global-train_y": Mistake("use of globals", (P, S, H, G), [
        ("np.divide(Y, A2) - np.divide(1 - Y,", "np.divide(train_y, A2) - np.divide(1 - train_y,")]),
    "unseeded-own-init": Mistake("initialization", LOOP, [
        ("    np.random.seed(1)\n", ""),
        ("initialize_parameters(n_x, n_h, n_y)",
         '{"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)), '
         '"W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}')]),
    # the cost by hand: summed, not averaged over the m examples
    "cost-not-averaged": Mistake("cost", (P, H), [
        (COST_2L, "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))")]),
    # the cost by hand: averaged over the wrong axis (one value per example)
    "cost-mean-wrong-axis": Mistake("cost", (P, H), [
        (COST_2L, "cost = np.mean(-(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)), axis=0)")]),
    # only the first layer's weights read back after the update
    "second-layer-not-read-back": Mistake("the update", LOOP, [
        (REREAD, '        # YOUR CODE ENDS HERE\n\n'
                 '        W1 = parameters["W1"]\n        b1 = parameters["b1"]\n')]),
    # the learning rate divided by m, as if update_parameters did not average (wrong at the default rate too)
    "learning-rate-divided-by-m": Mistake("the learning rate", LOOP, [
        (UPDATE, "parameters = update_parameters(parameters, grads, "
                "learning_rate / X.shape[1])")]),
    "dA2-plus-instead-of-minus": Mistake("start of the backward pass", LOOP, [
        (DA2, "dA2 = - (np.divide(Y, A2) + np.divide(1 - Y, 1 - A2))")]),
    # dZ2 = A2 - Y given where dA2 belongs
    "dA2-is-dZ2": Mistake("start of the backward pass", LOOP, [(DA2, "dA2 = A2 - Y")]),
    # Wiring mistakes: a value of the loop given to the wrong call. The step named is the
    # call that received it, with the argument (not the initialization, which was right).
    "b2-as-first-layer-bias": Mistake("forward activations", ALL, [(FORWARD_1, FORWARD_1.replace("b1", "b2"))]),
    "b1-as-second-layer-bias": Mistake("forward activations", ALL, [(FORWARD_2, FORWARD_2.replace("b2", "b1"))]),
    "bias-read-back-from-b2": Mistake("forward activations", ALL, [(READ_B1, 'b1 = parameters["b2"]\n        W2')]),
    "first-layer-cache-for-the-output-layer": Mistake("the caches", ALL, [
        (BACKWARD_2, BACKWARD_2.replace("cache2", "cache1"))]),
    "output-layer-cache-for-the-first-layer": Mistake("the caches", ALL, [
        (BACKWARD_1, BACKWARD_1.replace("cache1", "cache2"))]),
    "A2-passed-as-dA2": Mistake("start of the backward pass", LOOP, [
        (BACKWARD_2, BACKWARD_2.replace("(dA2,", "(A2,"))]),
    "A1-passed-as-dA1": Mistake("backward activations", LOOP, [(BACKWARD_1, BACKWARD_1.replace("(dA1,", "(A1,"))]),
    "dW1-and-dW2-stored-swapped": Mistake("the gradients", ALL, _swap(STORE_DW1, STORE_DW2, "= dW1", "= dW2")),
    "db1-and-db2-stored-swapped": Mistake("the gradients", ALL, _swap(STORE_DB1, STORE_DB2, "= db1", "= db2")),
}

L_LAYER = {
    **BOTH,
    "gradient-ascent": Mistake("the learning rate", LOOP, [
        (UPDATE, "parameters = update_parameters(parameters, grads, -learning_rate)")]),
    "global-train_x": Mistake("use of globals", (P, S, H, G), [
        ("L_model_forward(X, parameters)", "L_model_forward(train_x, parameters)")]),
    "flipped-labels-backward": Mistake("start of the backward pass", LOOP, [
        ("L_model_backward(AL, Y, caches)", "L_model_backward(AL, 1 - Y, caches)")]),
    "forward-outside-loop": Mistake("forward activations", LOOP, [
        (LOOP_2L, "    AL, caches = L_model_forward(X, parameters)\n" + LOOP_2L),
        ("        AL, caches = L_model_forward(X, parameters)\n", "")]),
    "reinitialized-every-iteration": Mistake("initialization", LOOP, [
        (LOOP_2L, LOOP_2L + "        parameters = initialize_parameters_deep(layers_dims)\n")]),
    "two-layer-initializer": Mistake("initialization", LOOP, [
        ("parameters = initialize_parameters_deep(layers_dims)",
         "parameters = initialize_parameters(layers_dims[0], layers_dims[1], layers_dims[-1])")]),
    "cost-not-averaged": Mistake("cost", (P, H), [
        (COST_L, "cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))")]),
    "cost-arguments-swapped": Mistake("cost", (P, H), [(COST_L, "cost = compute_cost(Y, AL)")]),
    "backward-arguments-swapped": Mistake("start of the backward pass", LOOP, [
        ("L_model_backward(AL, Y, caches)", "L_model_backward(Y, AL, caches)")]),
    "learning-rate-squared": Mistake("the learning rate", LOOP, [
        (UPDATE, "parameters = update_parameters(parameters, grads, learning_rate ** 2)")]),
    # the cost of the parameters after the update (a second forward pass), not of this iteration's:
    # the parameters are right, the costs are not
    "cost-after-the-update": Mistake("cost", (P, H), [
        (STEP_L, "        grads = L_model_backward(AL, Y, caches)\n"
                 "        parameters = update_parameters(parameters, grads, learning_rate)\n"
                 "        AL, caches = L_model_forward(X, parameters)\n"
                 "        cost = compute_cost(AL, Y)\n")]),
}

CATALOGUE = {"two_layer_model": TWO_LAYER, "L_layer_model": L_LAYER}

# The wiring mistakes: the feedback must name the call that received the wrong value, and the argument.
WIRING = ("b2-as-first-layer-bias", "b1-as-second-layer-bias", "bias-read-back-from-b2",
          "first-layer-cache-for-the-output-layer", "output-layer-cache-for-the-first-layer",
          "A2-passed-as-dA2", "A1-passed-as-dA1", "dW1-and-dW2-stored-swapped", "db1-and-db2-stored-swapped")

# The catalogue by what its users need: each mistake's edits, the step the feedback names
# for it (see public_tests.diagnose.STEPS), the grade_ids of the cells it fails.
TWO_LAYER_MUTANTS = {name: mistake.edits for name, mistake in TWO_LAYER.items()}
L_LAYER_MUTANTS = {name: mistake.edits for name, mistake in L_LAYER.items()}
MUTANTS = {"two_layer_model": TWO_LAYER_MUTANTS, "L_layer_model": L_LAYER_MUTANTS}
STEP = {(f, name): mistake.step for f, table in CATALOGUE.items() for name, mistake in table.items()}
FAILS = {(f, name): frozenset(grade_id(f, c) for c in mistake.fails)
         for f, table in CATALOGUE.items() for name, mistake in table.items()}

# Right solutions written differently: they must lose no point.
CORRECT_VARIANTS = {
    "two_layer_model": {
        "range-without-start": [(LOOP_2L, "    for i in range(num_iterations):\n")],
        "keyword-learning-rate": [(UPDATE, "parameters = update_parameters(parameters, grads, "
                                          "learning_rate=learning_rate)")],
        "reads-parameters-directly": [
            ('linear_activation_forward(X, W1, b1, "relu")',
             'linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")'),
            ('linear_activation_forward(A1, W2, b2, "sigmoid")',
             'linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")')],
    },
    "L_layer_model": {
        "range-without-start": [(LOOP_2L, "    for i in range(num_iterations):\n")],
        "keyword-learning-rate": [(UPDATE, "parameters = update_parameters(parameters, grads, "
                                          "learning_rate=learning_rate)")],
        "dims-as-a-list": [("initialize_parameters_deep(layers_dims)",
                            "initialize_parameters_deep(list(layers_dims))")],
    },
}



def score(function: str, failed: Iterable[str]) -> float:
    """Points `function` keeps (of 10) when the graded cells `failed` (grade_ids) fail.

    Args:
        function: "two_layer_model" or "L_layer_model".
        failed: grade ids of the cells that fail.

    Returns:
        float: the points of its other cells, as the source notebook's metadata gives them.
    """
    points = graded_points()
    return sum(points[grade_id(function, cell)] for cell in CELLS if grade_id(function, cell) not in failed)

# A same-shaped stand-in for the notebook's global training data.
FAKE_GLOBALS = {"train_x": np.random.RandomState(0).randn(10, 10),
                "train_y": (np.random.RandomState(1).rand(1, 10) > 0.5).astype(float)}


def mutate(source: str, replacements: Iterable[tuple[str, str]]) -> str:
    """Apply (old, new) text replacements, each of which must change the source."""
    for old, new in replacements:
        if old not in source:
            raise ValueError(f"replacement target not found in the reference:\n{old}")
        source = source.replace(old, new)
    return source


def build(source: str, name: str, extra_globals: dict[str, Any] | None = None) -> Callable[..., Any]:
    """Exec a solution cell's source the way the notebook runs it; return the function."""
    ns = namespace("mutant", extra_globals)
    exec(compile(source, f"<{name}>", "exec"), ns)
    return ns[name]
