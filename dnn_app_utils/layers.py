"""One layer, forward and backward: LINEAR, then LINEAR -> ACTIVATION.

Shapes: a layer l has n_l units and sees n_{l-1} inputs; m is the number of
examples, one per column.
  A_prev (n_{l-1}, m)   W (n_l, n_{l-1})   b (n_l, 1)   Z, A (n_l, m)
"""
import numpy as np

from ._checks import as_matrix, check_activation, check_bias, check_columns
from .activations import relu, relu_backward, sigmoid, sigmoid_backward

_FORWARD = {"relu": relu, "sigmoid": sigmoid}
_BACKWARD = {"relu": relu_backward, "sigmoid": sigmoid_backward}


def linear_forward(A, W, b):
    """Z = W @ A + b.

    A: (n_{l-1}, m), W: (n_l, n_{l-1}), b: (n_l, 1).
    Returns (Z, cache): Z (n_l, m), cache = (A, W, b).
    """
    where = "linear_forward"
    A = as_matrix("A", A, where)
    W = as_matrix("W", W, where)
    b = as_matrix("b", b, where)
    check_columns(where, "A", A, "W", W)
    check_bias(where, "b", b, W.shape[0])
    Z = W @ A + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W @ A_prev + b) with g = "relu" or "sigmoid".

    A_prev: (n_{l-1}, m), W: (n_l, n_{l-1}), b: (n_l, 1).
    Returns (A, cache): A (n_l, m), cache = (linear_cache, activation_cache).
    """
    check_activation("linear_activation_forward", activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = _FORWARD[activation](Z)
    return A, (linear_cache, activation_cache)


def linear_backward(dZ, cache):
    """Gradients of the linear step Z = W @ A_prev + b.

    dZ: (n_l, m); cache = (A_prev, W, b) from ``linear_forward``.
    Returns (dA_prev, dW, db): dA_prev (n_{l-1}, m), dW (n_l, n_{l-1}),
    db (n_l, 1).
    """
    A_prev, W, b = cache
    if dZ.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(
            f"linear_backward: dZ must have shape {(W.shape[0], A_prev.shape[1])} "
            f"(units of the layer, examples), got {dZ.shape}."
        )
    m = A_prev.shape[1]
    dW = 1 / m * (dZ @ A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """Gradients of A = g(W @ A_prev + b) for g = "relu" or "sigmoid".

    dA: (n_l, m); cache = (linear_cache, activation_cache) from
    ``linear_activation_forward``; activation must match the forward one.
    Returns (dA_prev, dW, db) as ``linear_backward``.
    """
    check_activation("linear_activation_backward", activation)
    linear_cache, activation_cache = cache
    dZ = _BACKWARD[activation](dA, activation_cache)
    return linear_backward(dZ, linear_cache)
