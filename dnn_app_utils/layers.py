"""One layer, forward and backward: LINEAR, then LINEAR -> ACTIVATION.

Shapes: a layer l has n_l units and sees n_{l-1} inputs; m is the number of
examples, one per column.
  A_prev (n_{l-1}, m)   W (n_l, n_{l-1})   b (n_l, 1)   Z, A (n_l, m)

Speed: nearly all the training time is the input layer's three products
(W1 @ X, dZ1 @ X.T and W1.T @ dZ1, each reading or writing 20 MB). They run
on compiled kernels made for such skinny shapes when those apply (``_fast``);
otherwise a big product is cut into blocks that one-thread BLAS calls compute
on the machine's cores (see ``_threads.split_work``); each block of the result
is written by exactly one call, in place, so there is no extra copy.
"""
import numpy as np

from . import _fast
from ._checks import as_matrix, check_activation, check_bias, check_columns
from ._threads import split_work, workers
from .activations import relu, relu_backward, sigmoid, sigmoid_backward

_FORWARD = {"relu": relu, "sigmoid": sigmoid}
_BACKWARD = {"relu": relu_backward, "sigmoid": sigmoid_backward}

# Products with fewer multiply-adds run as one call: splitting costs ~50 us.
SPLIT_MIN_MACS = 4_000_000


def _worth_splitting(macs, *arrays):
    return (workers() > 1 and macs >= SPLIT_MIN_MACS
            and all(a.dtype == np.float64 for a in arrays))


def _affine(W, A, b):
    """Z = W @ A + b, the examples (columns) shared among the threads.

    W (n_l, n_{l-1}), A (n_{l-1}, m), b (n_l, 1). Returns Z (n_l, m).
    """
    Z = _fast.affine(W, A, b)
    if Z is not None:
        return Z
    n_l, m = W.shape[0], A.shape[1]
    if not _worth_splitting(W.size * m, W, A, b):
        return W @ A + b
    Z = np.empty((n_l, m))

    def columns(j0, j1):
        Zj = Z[:, j0:j1]
        np.matmul(W, A[:, j0:j1], out=Zj)
        Zj += b

    split_work(columns, m)
    return Z


def _linear_grads(dZ, A_prev, W, m):
    """dW = 1/m * dZ @ A_prev.T and dA_prev = W.T @ dZ, in one sweep of row blocks.

    Row block k0:k1 of A_prev gives columns k0:k1 of dW and rows k0:k1 of
    dA_prev, so each thread's block of both products is independent.
    dZ (n_l, m), A_prev (n_{l-1}, m), W (n_l, n_{l-1}).
    Returns dW (n_l, n_{l-1}), dA_prev (n_{l-1}, m).
    """
    grads = _fast.linear_grads(dZ, A_prev, W, m)
    if grads is not None:
        return grads
    n_l, n_prev = W.shape
    if not _worth_splitting(W.size * dZ.shape[1], dZ, A_prev, W):
        return 1 / m * (dZ @ A_prev.T), W.T @ dZ
    dW = np.empty((n_l, n_prev))
    dA_prev = np.empty((n_prev, dZ.shape[1]))

    def rows(k0, k1):
        dWk = dW[:, k0:k1]
        np.matmul(dZ, A_prev[k0:k1].T, out=dWk)
        dWk *= 1 / m
        np.matmul(W[:, k0:k1].T, dZ, out=dA_prev[k0:k1])

    split_work(rows, n_prev)
    return dW, dA_prev


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
    Z = _affine(W, A, b)
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
    dW, dA_prev = _linear_grads(dZ, A_prev, W, m)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
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
