"""Independent "gold" implementations of the helper API, written differently
from dnn_app_utils on purpose (einsum, scipy's expit, explicit loops), and a
comparison that prints mine vs gold on failure."""
import numpy as np
from scipy.special import expit


def assert_close(name, mine, gold, rtol=1e-10, atol=1e-12):
    mine, gold = np.asarray(mine), np.asarray(gold)
    assert mine.shape == gold.shape, f"{name}: shape mine {mine.shape} vs gold {gold.shape}"
    if not np.allclose(mine, gold, rtol=rtol, atol=atol):
        idx = np.unravel_index(np.argmax(np.abs(mine - gold)), mine.shape)
        raise AssertionError(f"{name}: mine {mine[idx]!r} vs gold {gold[idx]!r} at {idx}\n"
                             f"mine:\n{mine}\ngold:\n{gold}")


def sigmoid(Z):
    return expit(Z)


def relu(Z):
    return Z * (Z > 0)


def relu_backward(dA, Z):
    return dA * (Z > 0)


def sigmoid_backward(dA, Z):
    s = expit(Z)
    return dA * s * (1.0 - s)


def linear_forward(A, W, b):
    return np.einsum("ij,jk->ik", W, A) + b


def linear_backward(dZ, A_prev, W):
    m = A_prev.shape[1]
    dW = np.einsum("ik,jk->ij", dZ, A_prev) / m
    db = dZ.mean(axis=1, keepdims=True)
    dA_prev = np.einsum("ji,jk->ik", W, dZ)
    return dA_prev, dW, db


def cost(AL, Y):
    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def forward(X, params):
    """Returns the list [A0=X, A1, ..., AL] and [Z1, ..., ZL]."""
    L = len(params) // 2
    As, Zs = [X], []
    for l in range(1, L + 1):
        Z = linear_forward(As[-1], params[f"W{l}"], params[f"b{l}"])
        Zs.append(Z)
        As.append(sigmoid(Z) if l == L else relu(Z))
    return As, Zs


def backward(X, Y, params):
    """Gradients of cost(forward(X)) by the chain rule, written out."""
    L = len(params) // 2
    As, Zs = forward(X, params)
    grads = {}
    dZ = As[-1] - Y  # sigmoid + cross-entropy, simplified
    for l in range(L, 0, -1):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, As[l - 1], params[f"W{l}"])
        grads[f"dA{l - 1}"] = dA_prev
        if l > 1:
            dZ = relu_backward(dA_prev, Zs[l - 2])
    return grads


def init_deep(dims):
    rs = np.random.RandomState(1)
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = rs.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        p[f"b{l}"] = np.zeros((dims[l], 1))
    return p


def init_two(n_x, n_h, n_y):
    rs = np.random.RandomState(1)
    W1 = rs.standard_normal((n_h, n_x)) * 0.01
    W2 = rs.standard_normal((n_y, n_h)) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}
