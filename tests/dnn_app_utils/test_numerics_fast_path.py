"""The fast path of the helpers (big products split across threads) gives the
textbook numbers, and its results never alias the inputs.

Random inputs of the course's shapes: X (12288, 209) as the notebook makes it
(a transposed view's layout, i.e. Fortran order), 7 and 20 hidden units. The
reference values are computed here, independently, with einsum in plain
float64 (no BLAS call shared with the library).
"""
import numpy as np
import pytest

from dnn_app_utils import (L_model_backward, L_model_forward, linear_activation_backward,
                           linear_activation_forward, relu_backward, update_parameters)
from dnn_app_utils import _threads, speed
from dnn_app_utils.speed import linear_backward, linear_forward

pytestmark = pytest.mark.usefixtures("fast_path")   # the layers run on the fast path
# layers.py's own functions, the maths as written (install() swaps them out of the module)
PLAIN_FORWARD, PLAIN_BACKWARD, PLAIN_UPDATE = (speed.PLAIN[name] for name in (
    "linear_forward", "linear_backward", "update_parameters"))

N_X, M = 12288, 209
RTOL = 1e-12


def close(mine, ref, rtol=RTOL):
    """Max error relative to the reference's largest magnitude."""
    assert mine.shape == ref.shape
    err = np.max(np.abs(mine - ref)) / np.max(np.abs(ref))
    assert err < rtol, f"relative error {err:.2e}"


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, size=(M, 64, 64, 3)).astype(np.uint8)
    return images.reshape(M, -1).T / 255.0       # as the notebook: (12288, 209), F order


@pytest.fixture(params=[1, 2, 3], ids=["1 thread", "2 threads", "3 threads"])
def threads(request, monkeypatch):
    """Run each test with the splitting off, and with 2 and 3 threads."""
    monkeypatch.setattr(_threads, "_workers", request.param)
    return request.param


@pytest.mark.parametrize("n_h", [7, 20])
def test_input_layer_forward_and_grads(X, n_h, threads):
    rng = np.random.default_rng(n_h)
    W = rng.standard_normal((n_h, N_X)) / np.sqrt(N_X)
    b = rng.standard_normal((n_h, 1))
    dA = rng.standard_normal((n_h, M))

    A, cache = linear_activation_forward(X, W, b, "relu")
    Z_ref = np.einsum("hk,kj->hj", W, X) + b
    close(cache[1], Z_ref)
    close(A, np.maximum(Z_ref, 0))
    assert cache[0][0] is X and cache[0][1] is W and cache[0][2] is b

    dA_before = dA.copy()
    dA_prev, dW, db = linear_activation_backward(dA, cache, "relu")
    dZ_ref = dA * (Z_ref > 0)
    close(dW, np.einsum("hj,kj->hk", dZ_ref, X) / M)
    close(db, dZ_ref.sum(axis=1, keepdims=True) / M)
    close(dA_prev, np.einsum("hk,hj->kj", W, dZ_ref))          # dA0 of the input layer
    assert dA_prev.shape == (N_X, M) and dW.shape == W.shape and db.shape == b.shape
    np.testing.assert_array_equal(dA, dA_before)              # relu_backward left dA alone
    for out in (dA_prev, dW, db):
        for inp in (X, W, b, dA, cache[1]):
            assert not np.shares_memory(out, inp)


def test_linear_forward_backward_match_textbook(X, threads):
    rng = np.random.default_rng(3)
    W = rng.standard_normal((20, N_X)) * 0.01
    b = rng.standard_normal((20, 1))
    Z, cache = linear_forward(X, W, b)
    close(Z, W @ X + b, rtol=1e-13)
    dZ = rng.standard_normal((20, M))
    dA_prev, dW, db = linear_backward(dZ, cache)
    close(dA_prev, W.T @ dZ, rtol=1e-13)
    close(dW, 1 / M * (dZ @ X.T), rtol=1e-13)
    close(db, 1 / M * np.sum(dZ, axis=1, keepdims=True), rtol=1e-13)


def test_c_ordered_input_gives_the_same(X, threads):
    """A C-ordered copy of X takes the same path with other strides."""
    rng = np.random.default_rng(5)
    W = rng.standard_normal((7, N_X)) * 0.01
    b = np.zeros((7, 1))
    Xc = np.ascontiguousarray(X)
    A_f, cache_f = linear_activation_forward(X, W, b, "relu")
    A_c, cache_c = linear_activation_forward(Xc, W, b, "relu")
    close(A_c, A_f, rtol=1e-13)
    dA = rng.standard_normal((7, M))
    for got, ref in zip(linear_activation_backward(dA, cache_c, "relu"),
                        linear_activation_backward(dA, cache_f, "relu")):
        close(got, ref, rtol=1e-13)


def test_l_model_grads_and_update(X, threads):
    """The L-layer [12288, 20, 7, 5, 1] backward against a hand-written one."""
    rng = np.random.default_rng(11)
    dims = [N_X, 20, 7, 5, 1]
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    Y = (rng.random((1, M)) > 0.5).astype(float)

    AL, caches = L_model_forward(X, params)
    grads = L_model_backward(AL, Y, caches)

    # independent forward and backward
    As, Zs = [X], []
    for l in range(1, 5):
        Z = np.einsum("hk,kj->hj", params[f"W{l}"], As[-1]) + params[f"b{l}"]
        Zs.append(Z)
        As.append(1 / (1 + np.exp(-Z)) if l == 4 else np.maximum(Z, 0))
    close(AL, As[-1])
    dA = -(Y / As[-1] - (1 - Y) / (1 - As[-1]))
    for l in range(4, 0, -1):
        Z = Zs[l - 1]
        if l == 4:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = dA * (Z > 0)
        close(grads[f"dW{l}"], np.einsum("hj,kj->hk", dZ, As[l - 1]) / M)
        close(grads[f"db{l}"], dZ.sum(axis=1, keepdims=True) / M)
        dA = np.einsum("hk,hj->kj", params[f"W{l}"], dZ)
        close(grads[f"dA{l - 1}"], dA)                        # dA0 included

    old = {k: v.copy() for k, v in params.items()}
    old_arrays = dict(params)
    new = update_parameters(params, grads, 0.0075)
    for k in old:
        assert new[k] is not old_arrays[k], f"{k} must be a new array"
        np.testing.assert_array_equal(old_arrays[k], old[k])  # old arrays untouched
        np.testing.assert_array_equal(new[k], old[k] - 0.0075 * grads["d" + k])
        assert not np.shares_memory(new[k], grads["d" + k])


def test_relu_backward_leaves_dA_alone():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((20, M))
    dA = rng.standard_normal((20, M))
    before = dA.copy()
    dZ = relu_backward(dA, Z)
    np.testing.assert_array_equal(dA, before)
    assert not np.shares_memory(dZ, dA)
    np.testing.assert_array_equal(dZ, np.where(Z > 0, dA, 0.0))


def test_split_work_covers_every_index_once(threads):
    seen = np.zeros(1001, dtype=int)

    def job(start, stop):
        seen[start:stop] += 1

    _threads.split_work(job, seen.size)
    np.testing.assert_array_equal(seen, 1)


def test_split_work_reraises_a_pieces_error(threads):
    def job(start, stop):
        if start <= 500 < stop:
            raise RuntimeError("piece failed")

    with pytest.raises(RuntimeError, match="piece failed"):
        _threads.split_work(job, 1001)


@pytest.mark.parametrize("n_h", [7, 20])
def test_fast_path_gives_the_maths_as_written(X, n_h, threads):
    """layers.py's formulas and the fast path's twins agree at the course's shapes: to the
    last bits on the numpy path (kernels off), within RTOL with the kernels."""
    rng = np.random.default_rng(n_h + 1)
    W = rng.standard_normal((n_h, N_X)) / np.sqrt(N_X)
    b = rng.standard_normal((n_h, 1))
    dZ = rng.standard_normal((n_h, M))
    Z, cache = PLAIN_FORWARD(X, W, b)
    want = (Z, *PLAIN_BACKWARD(dZ, cache))
    got = (linear_forward(X, W, b)[0], *linear_backward(dZ, cache))
    for g, w in zip(got, want):
        close(g, w, rtol=1e-13)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(speed._fast, "_enabled", False)
        mp.setattr(_threads, "_workers", 1)
        got = (linear_forward(X, W, b)[0], *linear_backward(dZ, cache))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    params, grads = {"W1": W, "b1": b}, {"dW1": want[2], "db1": want[3]}
    plain = PLAIN_UPDATE(dict(params), grads, 0.0075)
    fast = speed.update_parameters(dict(params), grads, 0.0075)
    for k in params:
        np.testing.assert_array_equal(fast[k], plain[k])
        assert fast[k] is not params[k] and not np.shares_memory(fast[k], grads["d" + k])
