"""Finite-difference checks of the backward functions."""
import numpy as np
import pytest

import dnn_app_utils as du

EPS = 1e-6


def numeric_grad(f, x):
    """Central differences of the scalar f() with respect to array x (in place)."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + EPS
        up = f()
        x[idx] = keep - EPS
        down = f()
        x[idx] = keep
        g[idx] = (up - down) / (2 * EPS)
    return g


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


@pytest.fixture
def layer(rng):
    A = rng.standard_normal((4, 5))
    W = rng.standard_normal((3, 4))
    b = rng.standard_normal((3, 1))
    R = rng.standard_normal((3, 5))  # weights of a scalar loss sum(R * out)
    return A, W, b, R


def test_linear_backward_matches_finite_differences(layer):
    """dA_prev, dW, db of the linear step agree with central differences."""
    A, W, b, R = layer
    loss = lambda: np.sum(R * du.linear_forward(A, W, b)[0])
    _, cache = du.linear_forward(A, W, b)
    # linear_backward averages dW and db over the m examples
    m = A.shape[1]
    dA, dW, db = du.linear_backward(R, cache)
    for name, mine, x, scale in (("dA_prev", dA, A, 1), ("dW", dW, W, m), ("db", db, b, m)):
        err = rel_error(mine * scale, numeric_grad(loss, x))
        assert err < 1e-7, f"{name}: relative error {err:.2e}"


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_backward_matches_finite_differences(layer, activation):
    """Gradients through the activation agree with central differences."""
    A, W, b, R = layer
    loss = lambda: np.sum(R * du.linear_activation_forward(A, W, b, activation)[0])
    _, cache = du.linear_activation_forward(A, W, b, activation)
    dA, dW, db = du.linear_activation_backward(R, cache, activation)
    m = A.shape[1]
    for name, mine, x, scale in (("dA_prev", dA, A, 1), ("dW", dW, W, m), ("db", db, b, m)):
        err = rel_error(mine * scale, numeric_grad(loss, x))
        assert err < 1e-6, f"{activation} {name}: relative error {err:.2e}"


def test_L_model_backward_matches_finite_differences_of_the_cost(rng):
    """Every dW{l}, db{l} of L_model_backward is the gradient of compute_cost."""
    dims = [5, 4, 3, 1]
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    X = rng.standard_normal((5, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]], dtype=float)
    cost = lambda: float(du.compute_cost(du.L_model_forward(X, params)[0], Y))
    AL, caches = du.L_model_forward(X, params)
    grads = du.L_model_backward(AL, Y, caches)
    for l in range(1, len(dims)):
        for p in "Wb":
            err = rel_error(grads[f"d{p}{l}"], numeric_grad(cost, params[f"{p}{l}"]))
            assert err < 1e-6, f"d{p}{l}: relative error {err:.2e}"
    # dA0 is the gradient with respect to the input, scaled by m like dW
    err = rel_error(grads["dA0"] / X.shape[1], numeric_grad(cost, X))
    assert err < 1e-6, f"dA0: relative error {err:.2e}"
