"""Typical mistakes held back from tuning the diagnosis: each with the step its feedback must name.

Written before the diagnosis branches they exercise; only tests/public_tests/test_diagnose.py
and test_public_diagnosis.py read them, to measure how often the hidden and the public
feedback name the right step.
"""
COST_L = "cost = compute_cost(AL, Y)"

# (function, mistake, [(old, new) edits of the reference cell], expected step)
HELD_BACK = (
    ("two_layer_model", "n_x-and-n_h-swapped",
     [("initialize_parameters(n_x, n_h, n_y)", "initialize_parameters(n_h, n_x, n_y)")], "initialization"),
    ("two_layer_model", "caches-swapped",
     [('(dA2, cache2, "sigmoid")', '(dA2, cache1, "sigmoid")'),
      ('(dA1, cache1, "relu")', '(dA1, cache2, "relu")')], "the caches"),
    ("two_layer_model", "X-where-A1-belongs",
     [('linear_activation_forward(A1, W2, b2, "sigmoid")', 'linear_activation_forward(X, W2, b2, "sigmoid")')],
     "forward activations"),
    ("two_layer_model", "dA2-given-to-the-first-layer",
     [('(dA1, cache1, "relu")', '(dA2, cache1, "relu")')], "backward activations"),
    ("two_layer_model", "cost-of-rounded-predictions",
     [("cost = compute_cost(A2, Y)", "cost = compute_cost(np.round(A2), Y)")], "cost"),
    ("L_layer_model", "layers_dims-reversed",
     [("initialize_parameters_deep(layers_dims)", "initialize_parameters_deep(layers_dims[::-1])")],
     "initialization"),
    ("L_layer_model", "layers_dims-without-the-input",
     [("initialize_parameters_deep(layers_dims)", "initialize_parameters_deep(layers_dims[1:])")],
     "initialization"),
    ("L_layer_model", "labels-transposed-for-the-cost", [(COST_L, "cost = compute_cost(AL, Y.T)")], "cost"),
    ("L_layer_model", "caches-reversed",
     [("L_model_backward(AL, Y, caches)", "L_model_backward(AL, Y, caches[::-1])")], "the caches"),
    # Written after the diagnosis and the public tests were finished, by someone who
    # had not read their branches, and measured once as they stood: 6 of 7 named by the
    # public test and by the diagnosis at 3 iterations (a cost kept every 10 iterations
    # looks right in 2-3 iteration calls; the hyperparameters cell's 250-iteration call
    # names it).
    ("two_layer_model", "initialized-in-the-loop",
     [("    for i in range(0, num_iterations):\n",
       "    for i in range(0, num_iterations):\n        parameters = initialize_parameters(n_x, n_h, n_y)\n"
       + "".join(f'        {k} = parameters["{k}"]\n' for k in ("W1", "b1", "W2", "b2")))],
     "initialization"),
    ("two_layer_model", "one-iteration-too-many",
     [("range(0, num_iterations)", "range(0, num_iterations + 1)")], "the iteration count"),
    ("two_layer_model", "output-layer-backward-with-relu",
     [('(dA2, cache2, "sigmoid")', '(dA2, cache2, "relu")')], "backward activations"),
    ("L_layer_model", "X-transposed", [("L_model_forward(X, parameters)", "L_model_forward(X.T, parameters)")],
     "forward activations"),
    ("L_layer_model", "cost-kept-every-10",
     [("if i % 100 == 0:\n            costs", "if i % 10 == 0:\n            costs")], "cost recording"),
    ("L_layer_model", "rate-times-m",
     [("update_parameters(parameters, grads, learning_rate)",
       "update_parameters(parameters, grads, learning_rate * X.shape[1])")], "the learning rate"),
    ("L_layer_model", "labels-flattened-for-the-cost", [(COST_L, "cost = compute_cost(AL, Y.ravel())")], "cost"),
)
