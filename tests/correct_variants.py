"""Correct solutions written from the docstrings, each unlike the reference in form: none may lose a point.

Each is a whole solution cell, as a learner would leave it. They differ in what the
instructions leave open: whether the cost is printed when print_cost is False, the
loop's form, how the grads dict is built, reading parameters directly or through
local names, the containers returned (a list pair, costs as a list, tuple or array,
each cost a float, a 0-d or a (1, 1) array, an OrderedDict of parameters), the cost
computed by hand or only when it is kept, the update done by hand. SUBMISSIONS pairs
them into whole notebooks (one variant of each function), so one batch grades them all.
"""
TWO = "two_layer_model"
DEEP = "L_layer_model"
HEAD = {name: f"def {name}(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):\n"
        for name in (TWO, DEEP)}

TWO_LAYER = {
    # prints only when asked, as the docstring reads; reads the parameters straight from the dict
    "print-only-when-asked": '''
    np.random.seed(1)
    costs = []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(0, num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
''',
    # a while loop, dA2 as plain divisions, each cost kept as a Python float
    "while-loop-float-costs": '''
    costs = []
    parameters = initialize_parameters(layers_dims[0], layers_dims[1], layers_dims[2])
    i = 0
    while i < num_iterations:
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, activation="relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, activation="sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = (1 - Y) / (1 - A2) - Y / A2
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, activation="sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, activation="relu")
        parameters = update_parameters(parameters, dict(dW1=dW1, db1=db1, dW2=dW2, db2=db2), learning_rate)
        if i % 100 == 0:
            costs.append(float(cost))
            if print_cost:
                print("Cost after iteration", str(i) + ":", float(cost))
        i += 1
    return parameters, costs
''',
    # the cost by hand (no compute_cost), computed only when it is kept or printed; a list pair
    "cost-by-hand-when-needed": '''
    np.random.seed(1)
    m = X.shape[1]
    costs = []
    parameters = initialize_parameters(*layers_dims)
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        last = i == num_iterations - 1
        if i % 100 == 0 or (print_cost and last):
            cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
            if i % 100 == 0:
                costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost}")
        dA2 = -(Y / A2 - (1 - Y) / (1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
                                       learning_rate)
    return [parameters, costs]
''',
    # an OrderedDict of parameters, grads filled key by key in a loop, costs as a numpy array
    "ordered-dict-array-costs": '''
    from collections import OrderedDict

    np.random.seed(1)
    (n_x, n_h, n_y) = layers_dims
    parameters = OrderedDict(initialize_parameters(n_x, n_h, n_y))
    recorded = []
    for i in range(num_iterations):
        W1, b1 = parameters["W1"], parameters["b1"]
        W2, b2 = parameters["W2"], parameters["b2"]
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {}
        for key, value in zip(("dW1", "db1", "dW2", "db2"), (dW1, db1, dW2, db2)):
            grads[key] = value
        parameters = OrderedDict(update_parameters(parameters, grads, learning_rate=learning_rate))
        if print_cost and i % 100 == 0:
            print("Cost after iteration %d: %s" % (i, np.squeeze(cost)))
        if not i % 100:
            recorded.append(cost)
    return parameters, np.array(recorded)
''',
    # the update by hand, costs as a tuple of 0-d arrays, the last line printed only when asked
    "update-by-hand-tuple-costs": '''
    np.random.seed(1)
    params = initialize_parameters(layers_dims[0], layers_dims[1], layers_dims[2])
    costs = []
    for i in range(num_iterations):
        A1, c1 = linear_activation_forward(X, params["W1"], params["b1"], "relu")
        A2, c2 = linear_activation_forward(A1, params["W2"], params["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, c2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, c1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        params = {k: v - learning_rate * grads["d" + k] for k, v in params.items()}
        if i % 100 == 0:
            costs.append(np.squeeze(cost))
            if print_cost:
                print("Cost after iteration {}: {}".format(i, cost))
        elif print_cost and i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, cost))
    return params, tuple(costs)
''',
    # one training step in a nested function, the cost kept (and printed) as a (1, 1) array
    "inner-step-function": '''
    np.random.seed(1)

    def step(parameters):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = np.reshape(compute_cost(A2, Y), (1, 1))
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = dict(zip(["dW1", "db1", "dW2", "db2"], [dW1, db1, dW2, db2]))
        return update_parameters(parameters, grads, learning_rate), cost

    parameters = initialize_parameters(*layers_dims)
    costs = []
    for i in range(num_iterations):
        parameters, cost = step(parameters)
        if i % 100 == 0:
            costs.append(cost)
        if print_cost and (i % 100 == 0 or i + 1 == num_iterations):
            print(f"Cost after iteration {i}: {cost}")
    return parameters, costs
''',
    # the template as given, with the print line's quirk (prints the last cost even when not asked)
    "template-with-keywords": '''
    np.random.seed(1)
    grads = {}
    costs = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x=n_x, n_h=n_h, n_y=n_y)
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(A_prev=X, W=W1, b=b1, activation="relu")
        A2, cache2 = linear_activation_forward(A_prev=A1, W=W2, b=b2, activation="sigmoid")
        cost = compute_cost(AL=A2, Y=Y)
        dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA=dA2, cache=cache2, activation="sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA=dA1, cache=cache1, activation="relu")
        grads["dW1"], grads["db1"], grads["dW2"], grads["db2"] = dW1, db1, dW2, db2
        parameters = update_parameters(parameters=parameters, grads=grads, learning_rate=learning_rate)
        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
''',
}

L_LAYER = {
    # prints only when asked, as the docstring reads
    "print-only-when-asked": '''
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
''',
    # a while loop, keyword arguments, costs returned as a numpy array
    "while-loop-array-costs": '''
    parameters = initialize_parameters_deep(list(layers_dims))
    costs = []
    i = 0
    while i < num_iterations:
        AL, caches = L_model_forward(X=X, parameters=parameters)
        cost = compute_cost(AL=AL, Y=Y)
        grads = L_model_backward(AL=AL, Y=Y, caches=caches)
        parameters = update_parameters(parameters=parameters, grads=grads, learning_rate=learning_rate)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost}")
        i += 1
    return parameters, np.array(costs, dtype=float)
''',
    # the cost by hand, only when it is kept; costs as floats; a list pair
    "cost-by-hand-when-kept": '''
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    m = Y.shape[1]
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        if i % 100 == 0:
            cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
            costs.append(cost.item())
            if print_cost:
                print("Cost after iteration {}: {}".format(i, cost.item()))
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
    return [parameters, costs]
''',
    # the update by hand over the layers, an OrderedDict, costs as a tuple
    "update-by-hand-ordered": '''
    from collections import OrderedDict

    np.random.seed(1)
    parameters = OrderedDict(initialize_parameters_deep(layers_dims))
    L = len(layers_dims) - 1
    costs = ()
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        for l in range(1, L + 1):
            parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
            parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
        if i % 100 == 0:
            costs += (cost,)
        if print_cost and i % 100 == 0:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
    return parameters, costs
''',
    # iterations counted from 1, the cost kept as a (1, 1) array
    "counted-from-one": '''
    np.random.seed(1)
    parameters = initialize_parameters_deep(layers_dims)
    costs = []
    for iteration in range(1, num_iterations + 1):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        parameters = update_parameters(parameters, L_model_backward(AL, Y, caches), learning_rate)
        if (iteration - 1) % 100 == 0:
            costs.append(np.array(cost).reshape(1, 1))
        if print_cost and ((iteration - 1) % 100 == 0 or iteration == num_iterations):
            print("Cost after iteration {}: {}".format(iteration - 1, np.squeeze(cost)))
    return parameters, costs
''',
    # the layer sizes copied into a tuple, a generator of iterations, costs appended with +=
    "tuple-dims-and-plus-equals": '''
    np.random.seed(1)
    dims = tuple(layers_dims)
    parameters = initialize_parameters_deep(dims)
    costs = []
    for i in (k for k in range(num_iterations)):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        costs += [cost] if i % 100 == 0 else []
    return parameters, costs
''',
    # a copy of X and Y worked on, the cost printed only at multiples of 100
    "works-on-copies": '''
    np.random.seed(1)
    X, Y = np.array(X, copy=True), np.array(Y, copy=True)
    parameters = dict(initialize_parameters_deep(layers_dims))
    costs = list()
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = float(np.squeeze(compute_cost(AL, Y)))
        grads = L_model_backward(AL, Y, caches)
        parameters = dict(update_parameters(parameters, grads, learning_rate))
        if i % 100 == 0:
            if print_cost:
                print("Cost after iteration " + str(i) + ": " + str(cost))
            costs.append(cost)
    return parameters, costs
''',
}

VARIANTS = {TWO: {name: HEAD[TWO] + body.lstrip("\n") for name, body in TWO_LAYER.items()},
            DEEP: {name: HEAD[DEEP] + body.lstrip("\n") for name, body in L_LAYER.items()}}

# Whole cells with more than the function: a constant and a helper function beside it.
VARIANTS[TWO]["constants-beside-the-function"] = '''EVERY = 100  # record and print the cost this often
KEYS = ("W1", "b1", "W2", "b2")


''' + HEAD[TWO] + '''    np.random.seed(1)
    parameters = initialize_parameters(*layers_dims)
    costs = []
    for i in range(num_iterations):
        W1, b1, W2, b2 = (parameters[k] for k in KEYS)
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, {"d" + k: g for k, g in zip(KEYS, (dW1, db1, dW2, db2))},
                                       learning_rate)
        if i % EVERY == 0:
            costs.append(cost)
        if print_cost and (i % EVERY == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
    return parameters, costs
'''
VARIANTS[DEEP]["helper-function-beside-it"] = '''RECORD_EVERY = 100


def one_step(X, Y, parameters, learning_rate):
    """One iteration: forward, cost, backward, update; returns (parameters, cost)."""
    AL, caches = L_model_forward(X, parameters)
    cost = compute_cost(AL, Y)
    grads = L_model_backward(AL, Y, caches)
    return update_parameters(parameters, grads, learning_rate), cost


''' + HEAD[DEEP] + '''    np.random.seed(1)
    parameters = initialize_parameters_deep(layers_dims)
    costs = []
    for i in range(num_iterations):
        parameters, cost = one_step(X, Y, parameters, learning_rate)
        if i % RECORD_EVERY == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
    return parameters, costs
'''

# One notebook per pair of variants: (student id, two_layer_model variant, L_layer_model variant).
SUBMISSIONS = tuple((f"variant-{i + 1}", two, deep) for i, (two, deep) in enumerate(zip(VARIANTS[TWO], VARIANTS[DEEP])))
