"""One layer, forward and backward: LINEAR, then LINEAR -> ACTIVATION.

Shapes: a layer l has n_l units and sees n_prev = n_{l-1} inputs; m is the
number of examples, one per column.
  A_prev (n_prev, m)   W (n_l, n_prev)   b (n_l, 1)   Z, A (n_l, m)

The two matrix products of a layer are each one call into ``_fast``, which
computes exactly the formula written beside the call, only faster for the
course's big input layer (see ``_fast.py``).
"""
import numpy as np

from . import _fast
from ._checks import as_matrix, check_activation, check_bias, check_columns, check_shape
from .activations import relu, relu_backward, sigmoid, sigmoid_backward

_FORWARD = {"relu": relu, "sigmoid": sigmoid}
_BACKWARD = {"relu": relu_backward, "sigmoid": sigmoid_backward}


def linear_forward(A, W, b):
    """Z = W @ A + b.

    Inputs:
    - A: (n_prev, m), the previous layer's activations (or X)
    - W: (n_l, n_prev)
    - b: (n_l, 1)
    Returns (Z, cache):
    - Z: (n_l, m)
    - cache: (A, W, b), for ``linear_backward``
    """
    where = "linear_forward"
    A = as_matrix(where, "A", A)
    W = as_matrix(where, "W", W)
    b = as_matrix(where, "b", b)
    check_columns(where, "A", A, "W", W)
    check_bias(where, "b", b, W.shape[0])
    Z = _fast.affine(W, A, b)  # W @ A + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W @ A_prev + b) with g = "relu" or "sigmoid".

    Inputs:
    - A_prev: (n_prev, m)
    - W: (n_l, n_prev)
    - b: (n_l, 1)
    - activation: "relu" or "sigmoid"
    Returns (A, cache):
    - A: (n_l, m)
    - cache: (linear_cache, activation_cache) = ((A_prev, W, b), Z with Z (n_l, m)),
      for ``linear_activation_backward``
    """
    check_activation("linear_activation_forward", activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = _FORWARD[activation](Z)
    return A, (linear_cache, activation_cache)


def linear_backward(dZ, cache):
    """Gradients of the linear step Z = W @ A_prev + b.

    Inputs:
    - dZ: (n_l, m)
    - cache: (A_prev, W, b) from ``linear_forward``: (n_prev, m), (n_l, n_prev), (n_l, 1)
    Returns (dA_prev, dW, db):
    - dA_prev: (n_prev, m) = W.T @ dZ
    - dW: (n_l, n_prev) = 1/m * dZ @ A_prev.T
    - db: (n_l, 1) = 1/m * the sum of dZ over the examples
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    check_shape("linear_backward", "dZ", dZ, (W.shape[0], m), "(units of the layer, examples)")
    dW, dA_prev = _fast.linear_grads(dZ, A_prev, W)  # 1/m * dZ @ A_prev.T, W.T @ dZ
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """Gradients of A = g(W @ A_prev + b) for g = "relu" or "sigmoid".

    Inputs:
    - dA: (n_l, m)
    - cache: (linear_cache, activation_cache) from ``linear_activation_forward``
    - activation: "relu" or "sigmoid", the one the forward step used
    Returns (dA_prev, dW, db):
    - dA_prev: (n_prev, m)
    - dW: (n_l, n_prev)
    - db: (n_l, 1)
    """
    check_activation("linear_activation_backward", activation)
    linear_cache, activation_cache = cache
    dZ = _BACKWARD[activation](dA, activation_cache)
    return linear_backward(dZ, linear_cache)
