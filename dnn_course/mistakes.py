"""A catalogue of typical wrong solutions, made from the reference by text edits.

Each mistake is a list of (old, new) replacements applied to a solution cell
of the source notebook; ``mutate`` insists every edit changes the text, so a
mistake can never silently equal the reference. ``STEP`` says which step the
grading feedback must name for it. Used by the tests and by the demo's sample
submissions.
"""
import numpy as np

LOOP_2L = "    for i in range(0, num_iterations):\n"
UPDATE = "parameters = update_parameters(parameters, grads, learning_rate)"
RECORD = "        if i % 100 == 0:\n            costs.append(cost)\n"
REREAD = ('        # YOUR CODE ENDS HERE\n\n'
          '        W1 = parameters["W1"]\n        b1 = parameters["b1"]\n'
          '        W2 = parameters["W2"]\n        b2 = parameters["b2"]\n')

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
}

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
}

MUTANTS = {"two_layer_model": TWO_LAYER_MUTANTS, "L_layer_model": L_LAYER_MUTANTS}

# A same-shaped stand-in for the notebook's global training data.
FAKE_GLOBALS = {"train_x": np.random.RandomState(0).randn(10, 10),
                "train_y": (np.random.RandomState(1).rand(1, 10) > 0.5).astype(float)}


def mutate(source, replacements):
    """Apply (old, new) text replacements, each of which must change the source."""
    for old, new in replacements:
        if old not in source:
            raise ValueError(f"replacement target not found in the reference:\n{old}")
        source = source.replace(old, new)
    return source


def build(source, name, extra_globals=None):
    """Exec a solution cell's source the way the notebook runs it; return the function."""
    ns = {"__name__": "mutant"}
    exec("import numpy as np\nfrom dnn_app_utils import *\n", ns)
    ns.update(extra_globals or {})
    exec(compile(source, f"<{name}>", "exec"), ns)
    return ns[name]
