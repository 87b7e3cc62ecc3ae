"""The whole network: initialization, forward, cost, backward, update, predict.

Parameters live in a dict ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}``
with W{l} of shape (n_l, n_{l-1}) and b{l} of shape (n_l, 1). The hidden layers
use RELU, the output layer SIGMOID; X is (n_x, m), Y and AL are (1, m).
"""
from collections.abc import Sequence

import numpy as np

from ._checks import as_matrix, check_same_shape, check_sizes, check_update, count_layers
from .layers import Cache, linear_activation_backward, linear_activation_forward

Parameters = dict[str, np.ndarray]   # W1, b1, ..., WL, bL (and the gradients dW1, db1, ...)


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """Small random weights and zero biases for LINEAR->RELU->LINEAR->SIGMOID.

    Seeds numpy's global generator with 1, then draws W1 and W2 from
    N(0, 1) * 0.01, in that order; the biases are zeros.
    Inputs:
    - n_x, n_h, n_y: sizes of the input, hidden and output layers (ints)
    Returns parameters, a dict:
    - W1: (n_h, n_x), b1: (n_h, 1)
    - W2: (n_y, n_h), b2: (n_y, 1)
    """
    check_sizes("initialize_parameters", ("n_x", "n_h", "n_y"), (n_x, n_h, n_y))
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims: Sequence[int]) -> Parameters:
    """Scaled random weights and zero biases for an L-layer network.

    Seeds numpy's global generator with 1, then for l = 1..L draws
    W{l} = N(0, 1) / sqrt(n_{l-1}); the biases are zeros.
    Inputs:
    - layer_dims: [n_x, n_1, ..., n_L], L + 1 ints
    Returns parameters, a dict, for l = 1..L:
    - W{l}: (n_l, n_{l-1})
    - b{l}: (n_l, 1)
    """
    where = "initialize_parameters_deep"
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(
            f"{where}: layer_dims needs at least the input and output sizes, "
            f"e.g. [12288, 7, 1], got {layer_dims!r}."
        )
    check_sizes(where, [f"layer_dims[{i}]" for i in range(len(dims))], dims)
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.random.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def L_model_forward(X: np.ndarray, parameters: Parameters) -> tuple[np.ndarray, list[Cache]]:
    """[LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID.

    Inputs:
    - X: (n_x, m)
    - parameters: W{l} (n_l, n_{l-1}) and b{l} (n_l, 1) for l = 1..L
    Returns (AL, caches):
    - AL: (1, m), the predicted probabilities
    - caches: list of the L caches of ``linear_activation_forward``, layer 1 first
    """
    X = as_matrix("L_model_forward", "X", X)
    L = count_layers("L_model_forward", parameters)
    caches = []
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cross-entropy cost -(1/m) * sum(Y log AL + (1 - Y) log(1 - AL)).

    Inputs:
    - AL: (1, m), the predicted probabilities
    - Y: (1, m), the labels, 0 or 1
    Returns:
    - cost: (), a 0-d numpy float
    """
    AL = as_matrix("compute_cost", "AL", AL)
    Y = check_same_shape("compute_cost", "Y", Y, "AL", AL)
    m = Y.shape[1]
    cost = (1.0 / m) * (-(Y @ np.log(AL).T) - ((1 - Y) @ np.log(1 - AL).T))
    return np.squeeze(cost)


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list[Cache]) -> Parameters:
    """Backward pass of [LINEAR->RELU] x (L-1) -> LINEAR->SIGMOID.

    Inputs:
    - AL: (1, m), from ``L_model_forward``
    - Y: (1, m), the labels
    - caches: the list of L caches from ``L_model_forward``
    Returns grads, a dict, for l = 1..L:
    - dA{l-1}: (n_{l-1}, m), the shape of A{l-1} (dA0 that of X)
    - dW{l}: (n_l, n_{l-1}), db{l}: (n_l, 1), the shapes of W{l}, b{l}
    """
    AL = as_matrix("L_model_backward", "AL", AL)
    Y = check_same_shape("L_model_backward", "Y", Y, "AL", AL)
    L = len(caches)
    if L == 0:
        raise ValueError("L_model_backward: caches is empty; pass the caches "
                         "returned by L_model_forward.")
    grads = {}
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
    for l in range(L - 1, 0, -1):
        dA, dW, db = linear_activation_backward(dA, caches[l - 1], "relu")
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA, dW, db
    return grads


def update_parameters(parameters: Parameters, grads: Parameters,
                      learning_rate: float) -> Parameters:
    """One gradient-descent step: W{l} = W{l} - learning_rate * dW{l}, same for b.

    Inputs:
    - parameters: W{l} (n_l, n_{l-1}) and b{l} (n_l, 1) for l = 1..L
    - grads: dW{l} and db{l} of those shapes for every layer (more keys are ignored)
    - learning_rate: a float
    Returns parameters, the same dict, holding new arrays of the same shapes
    (the old arrays are not modified).
    """
    L = check_update("update_parameters", parameters, grads)
    for l in range(1, L + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters


def predict(X: np.ndarray, y: np.ndarray, parameters: Parameters) -> np.ndarray:
    """Predict 0/1 labels with a trained network and print the accuracy.

    Prints "Accuracy: <fraction of the m examples predicted right>".
    Inputs:
    - X: (n_x, m)
    - y: (1, m), the true labels
    - parameters: as ``L_model_forward`` takes them
    Returns:
    - p: (1, m), 1.0 where the predicted probability is above 0.5, else 0.0
    """
    X = as_matrix("predict", "X", X)
    m = X.shape[1]
    probas, _ = L_model_forward(X, parameters)
    y = check_same_shape("predict", "y", y, "the predictions", probas)
    p = (probas > 0.5).astype(float)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p
