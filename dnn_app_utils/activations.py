"""Activation functions and their backward passes.

Forward functions take ``Z`` of any shape and return ``(A, cache)`` with
``A.shape == Z.shape`` and ``cache = Z``. Backward functions take the upstream
gradient ``dA`` and that cache and return ``dZ`` of the same shape.
"""
import numpy as np

from ._checks import check_cached_shape


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = 1 / (1 + exp(-Z)), elementwise.

    Inputs:
    - Z: (n_l, m), or any shape
    Returns (A, cache):
    - A: Z's shape, every value between 0 and 1
    - cache: Z, for ``sigmoid_backward``
    """
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = max(0, Z), elementwise.

    Inputs:
    - Z: (n_l, m), or any shape
    Returns (A, cache):
    - A: Z's shape, no value below 0
    - cache: Z, for ``relu_backward``
    """
    A = np.maximum(0, Z)
    return A, Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA where Z > 0, else 0: relu's slope is 1 for Z > 0 and 0 elsewhere.

    Inputs:
    - dA: Z's shape, the gradient of the cost with respect to A
    - cache: Z, as ``relu`` returned it
    Returns:
    - dZ: Z's shape
    """
    Z = cache
    check_cached_shape("relu_backward", dA, Z)
    return np.where(Z > 0, dA, 0.0)


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA * s * (1 - s) with s = sigmoid(Z), as s * (1 - s) is the sigmoid's slope.

    Inputs:
    - dA: Z's shape, the gradient of the cost with respect to A
    - cache: Z, as ``sigmoid`` returned it (s is computed again from Z)
    Returns:
    - dZ: Z's shape
    """
    Z = cache
    check_cached_shape("sigmoid_backward", dA, Z)
    s, _ = sigmoid(Z)
    return dA * s * (1 - s)
