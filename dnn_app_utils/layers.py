"""One layer, forward and backward: LINEAR, then LINEAR -> ACTIVATION.

Shapes: a layer l has n_l units and sees n_prev = n_{l-1} inputs; m is the
number of examples, one per column.
  A_prev (n_prev, m)   W (n_l, n_prev)   b (n_l, 1)   Z, A (n_l, m)

Grading and the benchmarks compute the same formulas faster, with the same
numbers (``dnn_app_utils.speed.install()``); this file is the maths alone.
"""
import numpy as np

from ._checks import check_activation, check_shape, linear_inputs
from .activations import relu, relu_backward, sigmoid, sigmoid_backward

# What the forward steps keep for the backward ones: (A_prev, W, b), then (that, Z).
LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]
Cache = tuple[LinearCache, np.ndarray]

_FORWARD = {"relu": relu, "sigmoid": sigmoid}
_BACKWARD = {"relu": relu_backward, "sigmoid": sigmoid_backward}


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray
                   ) -> tuple[np.ndarray, LinearCache]:
    """Z = W @ A + b.

    Inputs:
    - A: (n_prev, m), the previous layer's activations (or X)
    - W: (n_l, n_prev)
    - b: (n_l, 1)
    Returns (Z, cache):
    - Z: (n_l, m)
    - cache: (A, W, b), for ``linear_backward``
    """
    A, W, b = linear_inputs("linear_forward", A, W, b)
    Z = W @ A + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray,
                              activation: str) -> tuple[np.ndarray, Cache]:
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


def linear_backward(dZ: np.ndarray, cache: LinearCache
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    dW = 1 / m * (dZ @ A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA: np.ndarray, cache: Cache, activation: str
                               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
