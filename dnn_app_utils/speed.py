"""The fast path of the helpers, installed only when grading or a benchmark asks for it.

``layers.py`` computes each layer as its formula reads (``Z = W @ A + b``),
with numpy's defaults: importing ``dnn_app_utils`` changes no thread setting.
``install()`` makes the same calls faster, with the same numbers:

1. BLAS runs at one thread (``DNN_APP_BLAS_THREADS``, default 1) and big
   products are split over the cores by ``_threads.py`` (``DNN_APP_THREADS``);
2. the compiled kernels of ``_kernels.c`` are chosen (``DNN_APP_KERNELS``);
3. ``linear_forward`` and ``linear_backward``, through which every layer's
   products pass, and ``update_parameters`` are swapped in their modules and in
   the package for the twins below, which compute the same formulas with
   ``_fast.py`` (a training loop that imported them before ``install()`` keeps
   the plain ``update_parameters``: same numbers, one more array per step).

``uninstall()`` puts all of it back. The grading sandbox's kernel loads this
module as an IPython extension at start (``--ext=dnn_app_utils.speed``), before
any cell runs; the verification re-run and the benchmarks call ``install()``.
The learner wheel does not ship this module, ``_fast.py``, ``_threads.py`` or
the kernels: learners run the maths as written.
"""
import numpy as np

import dnn_app_utils as package

from . import _fast, _threads, layers, model
from ._checks import check_shape, check_update, linear_inputs

KERNELS_ENV = _fast.ENV                  # auto, off or an instruction set
BLAS_THREADS_ENV = _threads.ENV          # BLAS threads once installed (default 1)
THREADS_ENV = _threads.WORKERS_ENV       # threads that share one big product

# The maths as written, by name, with its module; the fast twins below take their place.
HOMES = {"linear_forward": layers, "linear_backward": layers, "update_parameters": model}
PLAIN = {name: getattr(module, name) for name, module in HOMES.items()}


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray
                   ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``layers.linear_forward`` on the fast path: Z = W @ A + b, the same values.

    Args:
        A: (n_prev, m); W: (n_l, n_prev); b: (n_l, 1).

    Returns:
        (Z, cache): Z (n_l, m) and cache (A, W, b).
    """
    A, W, b = linear_inputs("linear_forward", A, W, b)
    return _fast.affine(W, A, b), (A, W, b)


def linear_backward(dZ: np.ndarray, cache: tuple[np.ndarray, np.ndarray, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``layers.linear_backward`` on the fast path, the same values.

    Args:
        dZ: (n_l, m); cache: (A_prev, W, b) from ``linear_forward``.

    Returns:
        (dA_prev, dW, db): W.T @ dZ, 1/m * (dZ @ A_prev.T), 1/m * dZ summed over the examples.
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    check_shape("linear_backward", "dZ", dZ, (W.shape[0], m), "(units of the layer, examples)")
    dW, dA_prev = _fast.linear_grads(dZ, A_prev, W)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    return dA_prev, dW, db


def update_parameters(parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                      learning_rate: float) -> dict[str, np.ndarray]:
    """``model.update_parameters`` on the fast path: W{l} - learning_rate * dW{l}, the same
    values, each new array made in one pass.

    Args:
        parameters: W{l}, b{l}; grads: dW{l}, db{l} of their shapes; learning_rate: a float.

    Returns:
        parameters, holding new arrays (the old ones are not modified).
    """
    L = check_update("update_parameters", parameters, grads)
    for key in (f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")):
        parameters[key] = _fast.gradient_step(parameters[key], learning_rate, grads[f"d{key}"])
    return parameters


FAST = {"linear_forward": linear_forward, "linear_backward": linear_backward,
        "update_parameters": update_parameters}


def _swap(functions: dict) -> None:
    for name, function in functions.items():
        setattr(HOMES[name], name, function)
        setattr(package, name, function)


def install() -> str:
    """Route the helpers' products through the fast path (see the module's docstring).

    Returns:
        One line saying what the products now run on (``status()``).

    Raises:
        ValueError: DNN_APP_BLAS_THREADS, DNN_APP_THREADS or DNN_APP_KERNELS
            holds a value they do not take (the message says which ones do).
    """
    _threads.configure_blas_threads()
    _fast.configure_kernels()
    _swap(FAST)
    return status()


def uninstall() -> None:
    """Undo ``install()``: the plain maths, numpy's BLAS threads as they were."""
    _swap(PLAIN)
    _fast.disable()
    _threads.release_blas_threads()


def installed() -> bool:
    """True between ``install()`` and ``uninstall()``."""
    return layers.linear_forward is linear_forward


def status() -> str:
    """One line for benchmarks and bug reports: what do the layers' products run on?"""
    if not installed():
        return "numpy as written (the fast path is not installed)"
    return f"{_fast.status()}, {_threads.workers()} thread(s) per big product"


def load_ipython_extension(ipython: object) -> None:
    """``--ext=dnn_app_utils.speed``: install the fast path as the kernel starts."""
    install()


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext dnn_app_utils.speed``: back to the plain maths."""
    uninstall()
