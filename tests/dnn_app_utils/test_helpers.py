"""Each helper against an independent gold implementation (tests/gold.py)."""
import numpy as np
import pytest

import dnn_app_utils as du
import gold
from gold import assert_close


def _net(rng, dims, m):
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * 0.5
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("name, scale", [("sigmoid", 5), ("relu", 1)])
def test_activation(rng, name, scale):
    """sigmoid returns 1/(1+exp(-Z)), relu max(0, Z); both cache Z."""
    Z = rng.standard_normal((4, 6)) * scale
    A, cache = getattr(du, name)(Z)
    assert_close(name, A, getattr(gold, name)(Z))
    assert cache is Z


def test_relu_backward_zeroes_where_z_not_positive(rng):
    """relu_backward passes dA where Z > 0 and zeroes it elsewhere (Z == 0 included)."""
    Z = rng.standard_normal((5, 7))
    Z[0, :3] = 0.0
    dA = rng.standard_normal(Z.shape)
    dA_before = dA.copy()
    assert_close("relu_backward", du.relu_backward(dA, Z), gold.relu_backward(dA, Z))
    assert np.all(du.relu_backward(dA, Z)[0, :3] == 0)
    assert np.array_equal(dA, dA_before), "relu_backward must not modify dA"


def test_sigmoid_backward(rng):
    """sigmoid_backward returns dA * s * (1 - s)."""
    Z = rng.standard_normal((3, 8)) * 3
    dA = rng.standard_normal(Z.shape)
    assert_close("sigmoid_backward", du.sigmoid_backward(dA, Z), gold.sigmoid_backward(dA, Z))


def test_linear_forward(rng):
    """linear_forward returns W @ A + b and caches (A, W, b)."""
    A, W, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 1))
    Z, cache = du.linear_forward(A, W, b)
    assert_close("Z", Z, gold.linear_forward(A, W, b))
    assert all(x is y for x, y in zip(cache, (A, W, b)))


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_linear_activation_forward(rng, activation):
    """linear_activation_forward applies the named activation to the linear step."""
    A, W, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 1))
    out, (linear_cache, z) = du.linear_activation_forward(A, W, b, activation)
    g = gold.relu if activation == "relu" else gold.sigmoid
    assert_close("A", out, g(gold.linear_forward(A, W, b)))
    assert_close("activation cache", z, gold.linear_forward(A, W, b))
    assert linear_cache[1] is W


def test_linear_backward(rng):
    """linear_backward returns (W.T @ dZ, dZ @ A.T / m, mean of dZ over examples)."""
    A, W, b = rng.standard_normal((5, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 1))
    dZ = rng.standard_normal((3, 4))
    for name, mine, g in zip(("dA_prev", "dW", "db"), du.linear_backward(dZ, (A, W, b)),
                             gold.linear_backward(dZ, A, W)):
        assert_close(name, mine, g)


@pytest.mark.parametrize("dims", [[4, 3, 1], [6, 5, 4, 3, 1]])
def test_L_model_forward(rng, dims):
    """L_model_forward uses relu on hidden layers, sigmoid last, and keeps L caches."""
    params, X, _ = _net(rng, dims, 7)
    AL, caches = du.L_model_forward(X, params)
    As, _ = gold.forward(X, params)
    assert_close("AL", AL, As[-1])
    assert len(caches) == len(dims) - 1


def test_compute_cost(rng):
    """compute_cost is the mean cross-entropy, returned as a 0-d value."""
    AL = rng.uniform(0.05, 0.95, (1, 9))
    Y = (rng.random((1, 9)) > 0.5).astype(float)
    c = du.compute_cost(AL, Y)
    assert np.ndim(c) == 0
    assert_close("cost", c, gold.cost(AL, Y))


def test_compute_cost_course_example():
    """A hand-checked value: AL = [.8, .9, .4], Y = [1, 1, 0]."""
    c = du.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]]))
    assert float(c) == pytest.approx(-(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3, rel=1e-12)


@pytest.mark.parametrize("dims", [[4, 3, 1], [6, 5, 4, 3, 1]])
def test_L_model_backward(rng, dims):
    """L_model_backward gives dA{l-1}, dW{l}, db{l} for every layer."""
    params, X, Y = _net(rng, dims, 7)
    AL, caches = du.L_model_forward(X, params)
    grads = du.L_model_backward(AL, Y, caches)
    expected = gold.backward(X, Y, params)
    assert sorted(grads) == sorted(expected)
    for k in expected:
        assert_close(k, grads[k], expected[k], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("mine, theirs", [
    (lambda: du.initialize_parameters(5, 4, 1), lambda: gold.init_two(5, 4, 1)),
    (lambda: du.initialize_parameters_deep([12288, 20, 7, 5, 1]),
     lambda: gold.init_deep([12288, 20, 7, 5, 1])),
], ids=["2-layer", "L-layer"])
def test_initialize_parameters(mine, theirs):
    """Each initializer seeds 1 itself, then draws W1, W2, ... in order, scaled by
    0.01 (2-layer) or by 1/sqrt(fan-in) (L-layer); the biases are zeros."""
    np.random.seed(123)
    p = mine()
    g = theirs()
    assert sorted(p) == sorted(g)
    for k in g:
        assert_close(k, p[k], g[k], rtol=0, atol=0)


def test_update_parameters_makes_new_arrays(rng):
    """update_parameters subtracts lr * grad into new arrays, old ones untouched."""
    params, _, _ = _net(rng, [4, 3, 1], 2)
    old = {k: v.copy() for k, v in params.items()}
    olds = dict(params)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    out = du.update_parameters(params, grads, 0.1)
    for k in old:
        assert_close(k, out[k], old[k] - 0.1 * grads[f"d{k}"])
        assert np.array_equal(olds[k], old[k]), f"{k}: the old array was modified in place"


def test_predict(rng, capsys):
    """predict thresholds at 0.5 and prints the accuracy."""
    params, X, _ = _net(rng, [4, 3, 1], 8)
    AL = gold.forward(X, params)[0][-1]
    expected = (AL > 0.5).astype(float)
    y = expected.copy()
    y[0, :2] = 1 - y[0, :2]
    p = du.predict(X, y, params)
    assert_close("p", p, expected, rtol=0, atol=0)
    assert capsys.readouterr().out == f"Accuracy: {np.sum((expected == y) / 8)}\n"
