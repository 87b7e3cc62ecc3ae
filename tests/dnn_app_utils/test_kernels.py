"""The compiled kernels (dnn_app_utils/_kernels.c) against an independent gold.

Every instruction set this CPU runs (avx512, avx2, generic) is checked on
shapes that hit each edge of the register blocks: K not a multiple of the
vector width, m not a multiple of the column block, 1 to 21 hidden units.
The gold is einsum in plain float64. On failure the worst element is printed
as mine vs gold.
"""
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from dnn_app_utils import _fast
from dnn_app_utils.speed import linear_backward, linear_forward

pytestmark = pytest.mark.usefixtures("fast_path")   # the kernels are on only once installed

kernels = _fast._kernels
needs_kernels = pytest.mark.skipif(kernels is None, reason="compiled kernels not built")

SHAPES = [  # (n hidden units, K inputs, m examples)
    (1, 1, 1), (1, 8, 3), (3, 37, 5), (7, 64, 17), (8, 130, 9),
    (20, 1005, 33), (21, 259, 4), (7, 12288, 209),
]


def gold_affine(W, X, b):
    return np.einsum("ik,kj->ij", W, X) + b


def gold_grad_w(dZ, X, m):
    return np.einsum("ij,kj->ik", dZ, X) / m


def gold_grad_a(W, dZ):
    return np.einsum("ik,ij->kj", W, dZ)


def same(mine, gold, what, rtol=1e-12):
    assert mine.shape == gold.shape, f"{what}: shape {mine.shape}, gold {gold.shape}"
    scale = max(np.max(np.abs(gold)), 1e-300)
    err = np.abs(mine - gold) / scale
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err[worst] < rtol, (f"{what}: at {worst} mine {mine[worst]!r} vs gold "
                               f"{gold[worst]!r} (relative error {err[worst]:.1e})")


def inputs(n, K, m, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, K))
    X = np.asfortranarray(rng.random((K, m)))        # the notebook's layout
    b = rng.standard_normal((n, 1))
    dZ = rng.standard_normal((n, m))
    return W, X, b, dZ


def run_kernels(W, X, b, dZ, threads):
    n, K = W.shape
    m = X.shape[1]
    Z = np.empty((n, m))
    dW = np.empty((n, K))
    dAt = np.empty((m, K))
    kernels.affine(W, X.T, b, Z, n, K, m, threads)
    kernels.grad_w(dZ, X.T, dW, 1 / m, n, K, m, threads)
    kernels.grad_a(W, dZ, dAt, n, K, m, threads)
    return Z, dW, dAt.T


@pytest.fixture(params=_fast.variants() or ["none"])
def variant(request):
    """Each instruction set in turn; the best one is restored afterwards."""
    if kernels is None:
        pytest.skip("compiled kernels not built")
    kernels.use(request.param)
    yield request.param
    kernels.use(_fast.variants()[0])


@pytest.mark.parametrize("n,K,m", SHAPES, ids=[f"{n}x{K}x{m}" for n, K, m in SHAPES])
def test_kernels_match_gold(variant, n, K, m):
    W, X, b, dZ = inputs(n, K, m)
    Z, dW, dA = run_kernels(W, X, b, dZ, threads=2)
    same(Z, gold_affine(W, X, b), f"{variant} affine")
    same(dW, gold_grad_w(dZ, X, m), f"{variant} grad_w")
    same(dA, gold_grad_a(W, dZ), f"{variant} grad_a")


@needs_kernels
def test_thread_count_does_not_change_a_single_bit():
    W, X, b, dZ = inputs(20, 1005, 33, seed=1)
    one = run_kernels(W, X, b, dZ, threads=1)
    for threads in (2, 3, 8, 64):
        for a, c, name in zip(one, run_kernels(W, X, b, dZ, threads), ("Z", "dW", "dA")):
            np.testing.assert_array_equal(a, c, err_msg=f"{name} with {threads} threads")


def at_offset(a, offset):
    """A copy of C-order ``a`` whose data starts ``offset`` bytes past a 64-byte boundary."""
    raw = np.empty(a.size + 16)
    start = ((offset - raw.ctypes.data) % 64) // 8
    out = raw[start:start + a.size].reshape(a.shape)
    out[...] = a
    assert out.ctypes.data % 64 == offset
    return out


@pytest.mark.parametrize("n, K, m", [(4, 8, 3), (3, 16, 5), (5, 6, 4), (21, 1000, 9),
                                     (7, 12288, 209)])
def test_where_the_arrays_lie_does_not_change_a_single_bit(variant, n, K, m):
    """grad_w and grad_a start their vectors at the first cache-line-aligned
    input; X and W at every offset from a line give the same bits."""
    W, X, b, dZ = inputs(n, K, m, seed=9)
    first = run_kernels(at_offset(W, 0), at_offset(X.T, 0).T, b, dZ, threads=2)
    same(first[0], gold_affine(W, X, b), f"{variant} affine")
    same(first[1], gold_grad_w(dZ, X, m), f"{variant} grad_w")
    same(first[2], gold_grad_a(W, dZ), f"{variant} grad_a")
    for offset in range(8, 64, 8):
        got = run_kernels(at_offset(W, offset), at_offset(X.T, offset).T, b, dZ, threads=2)
        for a, c, name in zip(first, got, ("Z", "dW", "dA")):
            np.testing.assert_array_equal(a, c, err_msg=f"{variant} {name}, arrays at +{offset} bytes")


@needs_kernels
@pytest.mark.parametrize("call, message", [
    (lambda W, Xt, b, Z: kernels.affine(W, Xt, b, Z, 7, 64, 18, 1), "Xt holds"),
    (lambda W, Xt, b, Z: kernels.affine(W, Xt, b[:3], Z, 7, 64, 17, 1), "b holds"),
    (lambda W, Xt, b, Z: kernels.affine(W, Xt, b, Z, 0, 64, 17, 1), "sizes must be positive"),
    (lambda W, Xt, b, Z: kernels.grad_w(Z, Xt, W[:, :10].copy(), 1.0, 7, 64, 17, 1), "dW holds"),
    (lambda W, Xt, b, Z: kernels.grad_a(W, Z, Xt[:5].copy(), 7, 64, 17, 1), "dAt holds"),
], ids=["wrong m", "short b", "zero units", "short dW", "short dA"])
def test_wrong_sizes_raise_instead_of_touching_memory(call, message):
    W, X, b, _ = inputs(7, 64, 17)
    Z = np.empty((7, 17))
    with pytest.raises(ValueError, match=message):
        call(W, X.T, b, Z)


@needs_kernels
def test_read_only_or_strided_buffers_are_refused():
    W, X, b, _ = inputs(7, 64, 17)
    Z = np.empty((7, 17))
    Z.flags.writeable = False
    with pytest.raises((ValueError, BufferError, TypeError)):
        kernels.affine(W, X.T, b, Z, 7, 64, 17, 1)
    with pytest.raises((ValueError, BufferError, TypeError)):
        kernels.affine(W[:, ::2], X.T, b, np.empty((7, 17)), 7, 32, 17, 1)


@needs_kernels
def test_unknown_variant_is_named():
    with pytest.raises(ValueError, match="no variant 'sse9'"):
        kernels.use("sse9")


def test_kernels_are_built_where_a_compiler_exists():
    """An install on a machine with a C compiler must not silently lose the fast path."""
    if not (shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")):
        pytest.skip("no C compiler here")
    assert kernels is not None, (
        "dnn_app_utils._kernels is missing although a C compiler exists; "
        "rebuild with `pip install -e .` and read its output")


# ------------------------------------------------------------ the library's use of them
def test_layers_use_kernels_only_where_they_apply(monkeypatch):
    """F-order X and a skinny layer take the kernels; other cases take numpy, same values."""
    if kernels is None:
        pytest.skip("compiled kernels not built")
    monkeypatch.setattr(_fast, "MIN_MACS", 0)
    calls = []
    for name in ("affine", "grad_w", "grad_a"):
        real = getattr(kernels, name)
        monkeypatch.setattr(kernels, name, lambda *a, _r=real, _n=name: (calls.append(_n), _r(*a)))
    W, X, b, dZ = inputs(7, 300, 20, seed=3)
    cases = {
        "F-order X": (X, W, True),
        "C-order X": (np.ascontiguousarray(X), W, False),
        "wide layer": (X, np.vstack([W] * 5), False),          # 35 units > MAX_UNITS
    }
    for what, (Xc, Wc, fast) in cases.items():
        calls.clear()
        bc = np.zeros((Wc.shape[0], 1))
        Z, cache = linear_forward(Xc, Wc, bc)
        dA, dW, db = linear_backward(np.ones_like(Z), cache)
        assert bool(calls) == fast, f"{what}: kernels used = {bool(calls)}"
        same(Z, gold_affine(Wc, X, bc), what)
        same(dA, gold_grad_a(Wc, np.ones_like(Z)), what)
        same(dW, gold_grad_w(np.ones_like(Z), X, 20), what)


def test_big_dA_buffers_are_never_shared_while_in_use():
    """dA_prev buffers are recycled only once nothing refers to them any more."""
    W, X, b, dZ = inputs(7, 12288, 209, seed=4)
    cache = (X, W, b)
    held = [linear_backward(dZ, cache)[0] for _ in range(4)]
    for i in range(4):
        for j in range(i):
            assert not np.shares_memory(held[i], held[j])
    views = [h[:5] for h in held]
    del held
    again = linear_backward(dZ, cache)[0]
    for v in views:
        assert not np.shares_memory(again, v)
    same(again, gold_grad_a(W, dZ), "dA_prev")


@pytest.mark.parametrize("setting, expect", [
    ("off", "numpy"), ("generic", "generic"), ("auto", None), ("sse9", "error"),
])
def test_DNN_APP_KERNELS_setting(setting, expect):
    """A fresh interpreter reads DNN_APP_KERNELS when it installs the fast path and says what it uses."""
    env = dict(os.environ, DNN_APP_KERNELS=setting)
    out = subprocess.run([sys.executable, "-c",
                          "from dnn_app_utils import speed; print(speed.install())"],
                         capture_output=True, text=True, env=env)
    if kernels is None:
        if setting in ("off", "auto"):
            assert out.returncode == 0 and "numpy" in out.stdout
        else:
            assert out.returncode != 0 and "not built" in out.stderr
        return
    if expect == "error":
        assert out.returncode != 0
        assert "DNN_APP_KERNELS must be auto, off or one of" in out.stderr
    elif expect is None:
        assert out.stdout.startswith(f"compiled kernels ({_fast.variants()[0]}), ")
    else:
        assert out.returncode == 0, out.stderr
        assert expect in out.stdout


# ------------------------------------------------------------ the thread pool
@needs_kernels
def test_kernels_work_in_a_forked_child():
    """A child forked after the pool started (multiprocessing's default on Linux) gets a fresh pool."""
    W, X, b, dZ = inputs(7, 1005, 33, seed=5)
    parent = run_kernels(W, X, b, dZ, threads=2)          # starts the helper threads
    pid = os.fork()
    if pid == 0:                                          # child: must not wait for absent helpers
        code = 1
        try:
            child = run_kernels(W, X, b, dZ, threads=2)
            code = 0 if all(np.array_equal(a, c) for a, c in zip(parent, child)) else 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung in the kernels' thread pool")
    assert os.waitstatus_to_exitcode(status) == 0, "the child's results differ from the parent's"


@needs_kernels
def test_python_threads_may_call_the_kernels_at_once():
    """A second caller that finds the pool busy computes alone; every result is right."""
    from concurrent.futures import ThreadPoolExecutor

    # shapes of different sizes, so the callers also contend for W's packing buffer
    cases = [inputs(*shape, seed=6) for shape in [(20, 2000, 50), (7, 1005, 33), (3, 37, 5)]]
    golds = [run_kernels(*case, threads=1) for case in cases]
    with ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda i: run_kernels(*cases[i % 3], threads=2), range(24)))
    for i, got in enumerate(results):
        for a, c in zip(golds[i % 3], got):
            np.testing.assert_array_equal(a, c)


FAULTS_PER_AFFINE = """
import ctypes, resource, numpy as np
from dnn_app_utils import _fast
ctypes.CDLL(None).mallopt(-3, 128 * 1024)   # M_MMAP_THRESHOLD fixed: big blocks always come fresh
rng = np.random.default_rng(7)
W, X, b = rng.random((20, 12288)), np.asfortranarray(rng.random((12288, 209))), rng.random((20, 1))
Z = np.empty((20, 209))
_fast._kernels.affine(W, X.T, b, Z, 20, 12288, 209, 2)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    _fast._kernels.affine(W, X.T, b, Z, 20, 12288, 209, 2)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@needs_kernels
@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="uses glibc's mallopt")
def test_affine_keeps_its_packing_buffer_between_calls():
    """W's 2 MB packing buffer is kept from call to call: a fresh one came as
    new pages from the operating system each call (~480 page faults, ~0.5 ms,
    in a training loop after load_data). Checked with malloc set to hand out
    fresh pages for every big block."""
    import resource

    done = subprocess.run([sys.executable, "-c", FAULTS_PER_AFFINE],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    faults = int(done.stdout)
    one_buffer = 20 * 12288 * 8 // resource.getpagesize()
    assert faults < one_buffer, (f"{faults} page faults in 10 calls; a fresh packing "
                                 f"buffer costs {one_buffer} every call")
