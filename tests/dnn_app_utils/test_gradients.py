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


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid"], ids=["linear", "relu", "sigmoid"])
def test_layer_backward_matches_finite_differences(layer, activation):
    """dA_prev, dW, db of the linear step (linear_backward), and through each
    activation (linear_activation_backward), agree with central differences."""
    A, W, b, R = layer
    if activation is None:
        def forward():
            return du.linear_forward(A, W, b)
        def backward(cache):
            return du.linear_backward(R, cache)
    else:
        def forward():
            return du.linear_activation_forward(A, W, b, activation)
        def backward(cache):
            return du.linear_activation_backward(R, cache, activation)
    def loss():
        return np.sum(R * forward()[0])
    dA, dW, db = backward(forward()[1])
    m = A.shape[1]  # dW and db are averaged over the m examples
    tolerance = 1e-7 if activation is None else 1e-6
    for name, mine, x, scale in (("dA_prev", dA, A, 1), ("dW", dW, W, m), ("db", db, b, m)):
        err = rel_error(mine * scale, numeric_grad(loss, x))
        assert err < tolerance, f"{activation or 'linear'} {name}: relative error {err:.2e}"


def test_L_model_backward_matches_finite_differences_of_the_cost(rng):
    """Every dW{l}, db{l} of L_model_backward is the gradient of compute_cost."""
    dims = [5, 4, 3, 1]
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    X = rng.standard_normal((5, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]], dtype=float)
    def cost():
        return float(du.compute_cost(du.L_model_forward(X, params)[0], Y))
    AL, caches = du.L_model_forward(X, params)
    grads = du.L_model_backward(AL, Y, caches)
    for l in range(1, len(dims)):
        for p in "Wb":
            err = rel_error(grads[f"d{p}{l}"], numeric_grad(cost, params[f"{p}{l}"]))
            assert err < 1e-6, f"d{p}{l}: relative error {err:.2e}"
    # dA0 is the gradient with respect to the input, scaled by m like dW
    err = rel_error(grads["dA0"] / X.shape[1], numeric_grad(cost, X))
    assert err < 1e-6, f"dA0: relative error {err:.2e}"
