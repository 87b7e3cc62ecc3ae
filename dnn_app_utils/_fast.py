"""The speed paths of the helpers: the formulas of ``layers.py``, computed faster.

``speed.install()`` routes the layers' products here; nothing else does.
Each public function computes one formula of ``layers.py`` and returns
exactly what the plain numpy expression would (the same values, bit for bit,
and the same shapes); only the way it is computed differs:

``affine(W, A, b)``               Z = W @ A + b
``linear_grads(dZ, A_prev, W)``   dW = 1/m * (dZ @ A_prev.T), dA_prev = W.T @ dZ
``gradient_step(p, lr, dp)``      p - lr * dp, as one new array (model.py's update)

Nearly all the training time is the input layer's three products (W1 @ X,
dZ1 @ X.T and W1.T @ dZ1, each reading or writing 20 MB). They take, in order:

1. the compiled kernels (``_kernels.c``), made for such skinny shapes. They
   apply when the module was built, the layer is skinny (at most ``MAX_UNITS``
   units) and big (``MIN_MACS`` multiply-adds or more), every array is
   float64, and A_prev is laid out as the notebook makes X: in Fortran order,
   each example's pixels contiguous (``X = X_orig.reshape(m, -1).T / 255``);
2. otherwise, for a big float64 product (``SPLIT_MIN_MACS``) when several
   threads are allowed, blocks that one-thread BLAS calls compute on the
   machine's cores (``_threads.split_work``); each block of the result is
   written by exactly one call, in place, so there is no extra copy;
3. otherwise the numpy expression itself.

Shapes: A_prev (K, m), W (n, K), b (n, 1), dZ (n, m); Z (n, m),
dW (n, K), dA_prev (K, m). From the kernels dA_prev comes back in Fortran
order (a transposed view of a C-order (m, K) array whose rows cross cache
lines where W's do), which is how the kernel writes it fastest; its values
and shape are those of ``W.T @ dZ``.

``DNN_APP_KERNELS`` chooses: unset or ``auto`` (the best instruction set this
CPU runs), ``off`` (numpy only), or one of ``variants()`` (e.g. ``avx2``).
"""
import os
import sys
import threading

import numpy as np

from ._threads import split_work, workers

try:
    from . import _kernels  # type: ignore[attr-defined]  # the C extension: no stubs
except ImportError:       # not built (no C compiler at install): numpy does the work
    _kernels = None

ENV = "DNN_APP_KERNELS"
MAX_UNITS = 32            # wider layers: BLAS's blocking wins
MIN_MACS = 4_000_000      # smaller products: the call overhead is not worth it
SPLIT_MIN_MACS = 4_000_000  # products with fewer multiply-adds run as one call: splitting costs ~50 us

_enabled = False


def configure_kernels() -> str | None:
    """Apply DNN_APP_KERNELS; return the variant in use, or None for numpy."""
    global _enabled
    wanted = os.environ.get(ENV, "auto").strip().lower() or "auto"
    _enabled = False
    if wanted in ("off", "0", "no", "numpy"):
        return None
    if _kernels is None:
        if wanted != "auto":
            raise ValueError(
                f"{ENV}={wanted!r} asks for the compiled kernels, but they were not built "
                "(no C compiler when the package was installed). Install a C compiler and "
                "re-run `pip install -e .`, or unset the variable to use numpy.")
        return None
    if wanted != "auto":
        if wanted not in _kernels.variants:
            raise ValueError(
                f"{ENV} must be auto, off or one of {_kernels.variants} on this CPU, "
                f"got {os.environ[ENV]!r}.")
        _kernels.use(wanted)
    else:
        _kernels.use(_kernels.variants[0])
    _enabled = True
    return _kernels.variant


def disable() -> None:
    """Back to numpy for every product (what ``configure_kernels`` with ``off`` does)."""
    global _enabled
    _enabled = False


def variants() -> list[str]:
    """Instruction sets the compiled kernels can use on this CPU ([] if not built)."""
    return [] if _kernels is None else list(_kernels.variants)


def status() -> str:
    """One line for benchmarks and bug reports: what does the training path use?"""
    if _kernels is None:
        return "numpy (compiled kernels not built)"
    if not _enabled:
        return f"numpy ({ENV}=off; kernels available: {', '.join(_kernels.variants)})"
    return f"compiled kernels ({_kernels.variant})"


def _applies(A, W, *others):
    """Kernels on, A in the notebook's layout, W skinny, the product big, all float64."""
    n, K = W.shape
    return (_enabled and n <= MAX_UNITS and n * K * A.shape[1] >= MIN_MACS
            and A.T.flags.c_contiguous
            and all(a.dtype == np.float64 for a in (A, W, *others)))


def _c(a):
    """C-contiguous float64 (copies only the small arrays that need it)."""
    return np.ascontiguousarray(a, dtype=np.float64)


# dA_prev of the input layer is 20 MB, and a fresh 20 MB array costs the
# operating system ~1 ms to hand over zeroed pages, every iteration. So the
# last two such buffers are kept, and one is reused once nothing outside this
# module refers to it any more (no array, view or memoryview of it exists):
# only memory is reused, never a value, so nothing can go stale. Two, because
# a training loop still holds the previous iteration's dA0 during the call.
_POOL_SIZE = 2
_pool: list[np.ndarray] = []
_pool_lock = threading.Lock()


def _refs(arrays, i):
    """Reference count of arrays[i], as seen from here."""
    a = arrays[i]
    return sys.getrefcount(a)


_UNUSED = _refs([np.empty(1)], 0)    # what _refs gives when only the list holds the array


def _aligned_empty(rows, cols, like):
    """An uninitialised C-order (rows, cols) array that starts as far past a
    64-byte boundary as ``like`` does: rows of both then cross cache lines at
    the same inputs, and grad_a's vectors load and store whole lines."""
    size = rows * cols
    with _pool_lock:
        raw = None
        for i in range(len(_pool)):
            if _pool[i].size == size + 8 and _refs(_pool, i) == _UNUSED:
                raw = _pool.pop(i)
                break
        if raw is None:
            raw = np.empty(size + 8)
        _pool.append(raw)
        del _pool[:-_POOL_SIZE]
    start = ((like.ctypes.data - raw.ctypes.data) % 64) // 8
    return raw[start:start + size].reshape(rows, cols)


def _kernel_operands(A, W, *others):
    """None when the kernels do not apply; else (n, K, m, A.T, W, *others), W and the
    others C-contiguous: what every kernel call takes."""
    if not _applies(A, W, *others):
        return None
    n, K = W.shape
    return (n, K, A.shape[1], A.T, _c(W), *(_c(a) for a in others))


def _kernel_affine(W, A, b):
    """Z = W @ A + b on the kernels, or None when they do not apply."""
    operands = _kernel_operands(A, W, b)
    if operands is None:
        return None
    n, K, m, At, W, b = operands
    Z = np.empty((n, m))
    _kernels.affine(W, At, b, Z, n, K, m, workers())
    return Z


def _kernel_linear_grads(dZ, A_prev, W, m):
    """(1/m * dZ @ A_prev.T, W.T @ dZ) on the kernels, or None when they do not apply."""
    operands = _kernel_operands(A_prev, W, dZ)
    if operands is None:
        return None
    n, K, cols, At, W, dZ = operands
    dW = np.empty((n, K))
    dAt = _aligned_empty(cols, K, like=W)
    _kernels.grad_w(dZ, At, dW, 1 / m, n, K, cols, workers())
    _kernels.grad_a(W, dZ, dAt, n, K, cols, workers())
    return dW, dAt.T


def _worth_splitting(macs, *arrays):
    return (workers() > 1 and macs >= SPLIT_MIN_MACS
            and all(a.dtype == np.float64 for a in arrays))


def _split_affine(W, A, b):
    """Z = W @ A + b, the examples (columns) shared among the threads."""
    Z = np.empty((W.shape[0], A.shape[1]))

    def columns(j0, j1):
        Zj = Z[:, j0:j1]
        np.matmul(W, A[:, j0:j1], out=Zj)
        Zj += b

    split_work(columns, A.shape[1])
    return Z


def _split_linear_grads(dZ, A_prev, W, m):
    """dW and dA_prev in one sweep of row blocks of A_prev.

    Row block k0:k1 of A_prev gives columns k0:k1 of dW and rows k0:k1 of
    dA_prev, so each thread's block of both products is independent.
    """
    n_l, n_prev = W.shape
    dW = np.empty((n_l, n_prev))
    dA_prev = np.empty((n_prev, dZ.shape[1]))

    def rows(k0, k1):
        dWk = dW[:, k0:k1]
        np.matmul(dZ, A_prev[k0:k1].T, out=dWk)
        dWk *= 1 / m
        np.matmul(W[:, k0:k1].T, dZ, out=dA_prev[k0:k1])

    split_work(rows, n_prev)
    return dW, dA_prev


def affine(W: np.ndarray, A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z = W @ A + b.

    W: (n_l, n_{l-1}), A: (n_{l-1}, m), b: (n_l, 1). Returns Z: (n_l, m).
    """
    Z = _kernel_affine(W, A, b)
    if Z is not None:
        return Z
    if _worth_splitting(W.size * A.shape[1], W, A, b):
        return _split_affine(W, A, b)
    return W @ A + b


def linear_grads(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """dW = 1/m * dZ @ A_prev.T and dA_prev = W.T @ dZ.

    dZ: (n_l, m), A_prev: (n_{l-1}, m), W: (n_l, n_{l-1}).
    Returns (dW, dA_prev): dW (n_l, n_{l-1}), dA_prev (n_{l-1}, m).
    """
    m = A_prev.shape[1]
    grads = _kernel_linear_grads(dZ, A_prev, W, m)
    if grads is not None:
        return grads
    if _worth_splitting(W.size * dZ.shape[1], dZ, A_prev, W):
        return _split_linear_grads(dZ, A_prev, W, m)
    return 1 / m * (dZ @ A_prev.T), W.T @ dZ


def gradient_step(param: np.ndarray, learning_rate: float, grad: np.ndarray) -> np.ndarray:
    """param - learning_rate * grad, as one new array (param is not modified).

    param: any shape; grad: the shape of param. Returns an array of that shape.
    The product is written over by the difference when it is a fresh array
    of the result's shape and type, so a step allocates one array, not two.
    """
    step = learning_rate * grad
    if (isinstance(step, np.ndarray) and step.shape == param.shape
            and step.dtype == np.result_type(param, step)):
        return np.subtract(param, step, out=step)
    return param - step
