"""A catalogue of typical wrong solutions, made from the reference by text edits.

Each mistake is a list of (old, new) replacements applied to a solution cell
of the source notebook; ``mutate`` insists every edit changes the text, so a
mistake can never silently equal the reference. ``STEP`` says which step the
grading feedback must name for it. Used by the tests and by the demo's sample
submissions.
"""
from collections.abc import Callable, Iterable
from typing import Any

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
READ_B1 = 'b1 = parameters["b1"]\n        W2'  # the read-back after the update (indented in the loop)
STEP_L = ("        cost = compute_cost(AL, Y)\n        grads = L_model_backward(AL, Y, caches)\n"
          "        parameters = update_parameters(parameters, grads, learning_rate)\n")

TWO_LAYER_MUTANTS = {
    "missing-update": [(UPDATE, "pass")],
    "swapped-forward-activations": [
        ('linear_activation_forward(X, W1, b1, "relu")', 'linear_activation_forward(X, W1, b1, "sigmoid")'),
        ('linear_activation_forward(A1, W2, b2, "sigmoid")', 'linear_activation_forward(A1, W2, b2, "relu")')],
    "swapped-backward-activations": [
        ('(dA2, cache2, "sigmoid")', '(dA2, cache2, "relu")'),
        ('(dA1, cache1, "relu")', '(dA1, cache1, "sigmoid")')],
    "wrong-sign-dA2": [("dA2 = - (np.divide", "dA2 = (np.divide")],
    "hard-coded-learning-rate": [(UPDATE, "parameters = update_parameters(parameters, grads, 0.0075)")],
    "cost-every-iteration": [(RECORD, "        costs.append(cost)\n")],
    "one-iteration-short": [(LOOP_2L, "    for i in range(0, num_iterations - 1):\n")],
    "loop-starts-at-1": [(LOOP_2L, "    for i in range(1, num_iterations):\n")],
    "stale-weights": [(REREAD, "        # YOUR CODE ENDS HERE\n")],
    "global-train_x": [("linear_activation_forward(X, W1", "linear_activation_forward(train_x, W1")],
    "global-train_y": [("np.divide(Y, A2) - np.divide(1 - Y,", "np.divide(train_y, A2) - np.divide(1 - train_y,")],
    "returns-parameters-only": [("return parameters, costs", "return parameters")],
    "returns-costs-first": [("return parameters, costs", "return costs, parameters")],
    "unseeded-own-init": [
        ("    np.random.seed(1)\n", ""),
        ("initialize_parameters(n_x, n_h, n_y)",
         '{"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)), '
         '"W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}')],
    # the cost by hand: summed, not averaged over the m examples
    "cost-not-averaged": [(COST_2L, "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))")],
    # the cost by hand: averaged over the wrong axis (one value per example)
    "cost-mean-wrong-axis": [(COST_2L, "cost = np.mean(-(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)), axis=0)")],
    # only the first layer's weights read back after the update
    "second-layer-not-read-back": [(REREAD, '        # YOUR CODE ENDS HERE\n\n'
                                            '        W1 = parameters["W1"]\n        b1 = parameters["b1"]\n')],
    # the learning rate divided by m, as if update_parameters did not average
    "learning-rate-divided-by-m": [(UPDATE, "parameters = update_parameters(parameters, grads, "
                                           "learning_rate / X.shape[1])")],
    "return-inside-loop": [(RETURN, "            costs.append(cost)\n\n        return parameters, costs")],
    "dA2-plus-instead-of-minus": [(DA2, "dA2 = - (np.divide(Y, A2) + np.divide(1 - Y, 1 - A2))")],
    # dZ2 = A2 - Y given where dA2 belongs
    "dA2-is-dZ2": [(DA2, "dA2 = A2 - Y")],
    # Wiring mistakes: a value of the loop given to the wrong call. The step named is the
    # call that received it, with the argument (not the initialization, which was right).
    "b2-as-first-layer-bias": [(FORWARD_1, FORWARD_1.replace("b1", "b2"))],
    "b1-as-second-layer-bias": [(FORWARD_2, FORWARD_2.replace("b2", "b1"))],
    "bias-read-back-from-b2": [(READ_B1, 'b1 = parameters["b2"]\n        W2')],
    "first-layer-cache-for-the-output-layer": [(BACKWARD_2, BACKWARD_2.replace("cache2", "cache1"))],
    "output-layer-cache-for-the-first-layer": [(BACKWARD_1, BACKWARD_1.replace("cache1", "cache2"))],
    "A2-passed-as-dA2": [(BACKWARD_2, BACKWARD_2.replace("(dA2,", "(A2,"))],
    "A1-passed-as-dA1": [(BACKWARD_1, BACKWARD_1.replace("(dA1,", "(A1,"))],
    "dW1-and-dW2-stored-swapped": [('grads["dW1"] = dW1', 'grads["dW1"] = dW2'),
                                   ('grads["dW2"] = dW2', 'grads["dW2"] = dW1')],
    "db1-and-db2-stored-swapped": [('grads["db1"] = db1', 'grads["db1"] = db2'),
                                   ('grads["db2"] = db2', 'grads["db2"] = db1')],
}

L_LAYER_MUTANTS = {
    "missing-update": [(UPDATE, "pass")],
    "gradient-ascent": [(UPDATE, "parameters = update_parameters(parameters, grads, -learning_rate)")],
    "hard-coded-learning-rate": [(UPDATE, "parameters = update_parameters(parameters, grads, 0.0075)")],
    "cost-every-iteration": [(RECORD, "        costs.append(cost)\n")],
    "one-iteration-short": [(LOOP_2L, "    for i in range(0, num_iterations - 1):\n")],
    "loop-starts-at-1": [(LOOP_2L, "    for i in range(1, num_iterations):\n")],
    "global-train_x": [("L_model_forward(X, parameters)", "L_model_forward(train_x, parameters)")],
    "flipped-labels-backward": [("L_model_backward(AL, Y, caches)", "L_model_backward(AL, 1 - Y, caches)")],
    "forward-outside-loop": [
        (LOOP_2L, "    AL, caches = L_model_forward(X, parameters)\n" + LOOP_2L),
        ("        AL, caches = L_model_forward(X, parameters)\n", "")],
    "reinitialized-every-iteration": [
        (LOOP_2L, LOOP_2L + "        parameters = initialize_parameters_deep(layers_dims)\n")],
    "returns-parameters-only": [("return parameters, costs", "return parameters")],
    "returns-costs-first": [("return parameters, costs", "return costs, parameters")],
    "two-layer-initializer": [("parameters = initialize_parameters_deep(layers_dims)",
                               "parameters = initialize_parameters(layers_dims[0], layers_dims[1], layers_dims[-1])")],
    "cost-not-averaged": [(COST_L, "cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))")],
    "cost-arguments-swapped": [(COST_L, "cost = compute_cost(Y, AL)")],
    "backward-arguments-swapped": [("L_model_backward(AL, Y, caches)", "L_model_backward(Y, AL, caches)")],
    "learning-rate-squared": [(UPDATE, "parameters = update_parameters(parameters, grads, learning_rate ** 2)")],
    "return-inside-loop": [(RETURN, "            costs.append(cost)\n\n        return parameters, costs")],
    # the cost of the parameters after the update (a second forward pass), not of this iteration's
    "cost-after-the-update": [(STEP_L, "        grads = L_model_backward(AL, Y, caches)\n"
                                       "        parameters = update_parameters(parameters, grads, learning_rate)\n"
                                       "        AL, caches = L_model_forward(X, parameters)\n"
                                       "        cost = compute_cost(AL, Y)\n")],
}

# The wiring mistakes: the feedback must name the call that received the wrong value, and the argument.
WIRING = ("b2-as-first-layer-bias", "b1-as-second-layer-bias", "bias-read-back-from-b2",
          "first-layer-cache-for-the-output-layer", "output-layer-cache-for-the-first-layer",
          "A2-passed-as-dA2", "A1-passed-as-dA1", "dW1-and-dW2-stored-swapped", "db1-and-db2-stored-swapped")

# The step the feedback names for each mistake (see public_tests.diagnose.STEPS).
STEP = {
    ("two_layer_model", "missing-update"): "the update",
    ("two_layer_model", "swapped-forward-activations"): "forward activations",
    ("two_layer_model", "swapped-backward-activations"): "backward activations",
    ("two_layer_model", "wrong-sign-dA2"): "start of the backward pass",
    ("two_layer_model", "hard-coded-learning-rate"): "the learning rate",
    ("two_layer_model", "cost-every-iteration"): "cost recording",
    ("two_layer_model", "one-iteration-short"): "the iteration count",
    ("two_layer_model", "loop-starts-at-1"): "the iteration count",
    ("two_layer_model", "stale-weights"): "the update",
    ("two_layer_model", "global-train_x"): "use of globals",
    ("two_layer_model", "global-train_y"): "use of globals",
    ("two_layer_model", "returns-parameters-only"): "the return value",
    ("two_layer_model", "returns-costs-first"): "the return value",
    ("two_layer_model", "unseeded-own-init"): "initialization",
    ("two_layer_model", "cost-not-averaged"): "cost",
    ("two_layer_model", "cost-mean-wrong-axis"): "cost",
    ("two_layer_model", "second-layer-not-read-back"): "the update",
    ("two_layer_model", "learning-rate-divided-by-m"): "the learning rate",
    ("two_layer_model", "return-inside-loop"): "the iteration count",
    ("two_layer_model", "dA2-plus-instead-of-minus"): "start of the backward pass",
    ("two_layer_model", "dA2-is-dZ2"): "start of the backward pass",
    ("two_layer_model", "b2-as-first-layer-bias"): "forward activations",
    ("two_layer_model", "b1-as-second-layer-bias"): "forward activations",
    ("two_layer_model", "bias-read-back-from-b2"): "forward activations",
    ("two_layer_model", "first-layer-cache-for-the-output-layer"): "the caches",
    ("two_layer_model", "output-layer-cache-for-the-first-layer"): "the caches",
    ("two_layer_model", "A2-passed-as-dA2"): "start of the backward pass",
    ("two_layer_model", "A1-passed-as-dA1"): "backward activations",
    ("two_layer_model", "dW1-and-dW2-stored-swapped"): "the gradients",
    ("two_layer_model", "db1-and-db2-stored-swapped"): "the gradients",
    ("L_layer_model", "missing-update"): "the update",
    ("L_layer_model", "gradient-ascent"): "the learning rate",
    ("L_layer_model", "hard-coded-learning-rate"): "the learning rate",
    ("L_layer_model", "cost-every-iteration"): "cost recording",
    ("L_layer_model", "one-iteration-short"): "the iteration count",
    ("L_layer_model", "loop-starts-at-1"): "the iteration count",
    ("L_layer_model", "global-train_x"): "use of globals",
    ("L_layer_model", "flipped-labels-backward"): "start of the backward pass",
    ("L_layer_model", "forward-outside-loop"): "forward activations",
    ("L_layer_model", "reinitialized-every-iteration"): "initialization",
    ("L_layer_model", "returns-parameters-only"): "the return value",
    ("L_layer_model", "returns-costs-first"): "the return value",
    ("L_layer_model", "two-layer-initializer"): "initialization",
    ("L_layer_model", "cost-not-averaged"): "cost",
    ("L_layer_model", "cost-arguments-swapped"): "cost",
    ("L_layer_model", "backward-arguments-swapped"): "start of the backward pass",
    ("L_layer_model", "learning-rate-squared"): "the learning rate",
    ("L_layer_model", "return-inside-loop"): "the iteration count",
    ("L_layer_model", "cost-after-the-update"): "cost",
}

MUTANTS = {"two_layer_model": TWO_LAYER_MUTANTS, "L_layer_model": L_LAYER_MUTANTS}

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
_FAILS = {
    ("two_layer_model", "missing-update"): LOOP,
    ("two_layer_model", "swapped-forward-activations"): LOOP,
    ("two_layer_model", "swapped-backward-activations"): LOOP,
    ("two_layer_model", "wrong-sign-dA2"): LOOP,
    ("two_layer_model", "hard-coded-learning-rate"): (P, H),
    ("two_layer_model", "cost-every-iteration"): (P, H),
    ("two_layer_model", "one-iteration-short"): LOOP,
    ("two_layer_model", "loop-starts-at-1"): LOOP,
    ("two_layer_model", "stale-weights"): LOOP,
    ("two_layer_model", "global-train_x"): (P, S, H, G),  # the course-data cell trains on train_x itself
    ("two_layer_model", "global-train_y"): (P, S, H, G),
    ("two_layer_model", "returns-parameters-only"): LOOP,  # the no-globals cell passes: the form is not its concern
    ("two_layer_model", "returns-costs-first"): LOOP,  # the no-globals cell passes: the form is not its concern
    ("two_layer_model", "unseeded-own-init"): LOOP,
    ("two_layer_model", "cost-not-averaged"): (P, H),
    ("two_layer_model", "cost-mean-wrong-axis"): (P, H),
    ("two_layer_model", "second-layer-not-read-back"): LOOP,
    ("two_layer_model", "learning-rate-divided-by-m"): LOOP,  # wrong at the default rate too
    ("two_layer_model", "return-inside-loop"): LOOP,
    ("two_layer_model", "dA2-plus-instead-of-minus"): LOOP,
    ("two_layer_model", "dA2-is-dZ2"): LOOP,
    ("two_layer_model", "b2-as-first-layer-bias"): ALL,
    ("two_layer_model", "b1-as-second-layer-bias"): ALL,
    ("two_layer_model", "bias-read-back-from-b2"): ALL,
    ("two_layer_model", "first-layer-cache-for-the-output-layer"): ALL,
    ("two_layer_model", "output-layer-cache-for-the-first-layer"): ALL,
    ("two_layer_model", "A2-passed-as-dA2"): LOOP,
    ("two_layer_model", "A1-passed-as-dA1"): LOOP,
    ("two_layer_model", "dW1-and-dW2-stored-swapped"): ALL,
    ("two_layer_model", "db1-and-db2-stored-swapped"): ALL,
    ("L_layer_model", "missing-update"): LOOP,
    ("L_layer_model", "gradient-ascent"): LOOP,
    ("L_layer_model", "hard-coded-learning-rate"): (P, H),
    ("L_layer_model", "cost-every-iteration"): (P, H),
    ("L_layer_model", "one-iteration-short"): LOOP,
    ("L_layer_model", "loop-starts-at-1"): LOOP,
    ("L_layer_model", "global-train_x"): (P, S, H, G),
    ("L_layer_model", "flipped-labels-backward"): LOOP,
    ("L_layer_model", "forward-outside-loop"): LOOP,
    ("L_layer_model", "reinitialized-every-iteration"): LOOP,
    ("L_layer_model", "returns-parameters-only"): LOOP,  # the no-globals cell passes: the form is not its concern
    ("L_layer_model", "returns-costs-first"): LOOP,  # the no-globals cell passes: the form is not its concern
    ("L_layer_model", "two-layer-initializer"): LOOP,
    ("L_layer_model", "cost-not-averaged"): (P, H),
    ("L_layer_model", "cost-arguments-swapped"): (P, H),
    ("L_layer_model", "backward-arguments-swapped"): LOOP,
    ("L_layer_model", "learning-rate-squared"): LOOP,
    ("L_layer_model", "return-inside-loop"): LOOP,
    ("L_layer_model", "cost-after-the-update"): (P, H),  # the parameters are right, the costs are not
}
FAILS = {(f, m): frozenset(grade_id(f, c) for c in cells) for (f, m), cells in _FAILS.items()}



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
