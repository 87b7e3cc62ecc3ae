"""Threads for the training path: BLAS at one thread, big products split by us.

The products in these networks are skinny (7 or 20 rows by 12288 columns).
Measured on a 2-core machine, OpenBLAS with 2 threads runs them 2-6x slower
than with 1 and stalls erratically, with identical results. So
``speed.install()`` sets BLAS to one thread, unless the environment variable
``DNN_APP_BLAS_THREADS`` asks for another number (or ``default`` to leave
BLAS alone); importing ``dnn_app_utils`` leaves BLAS as it is.

The cores are still used: ``split_work`` (called from ``_fast``, for the
products the compiled kernels do not take) cuts a big product into a few
independent pieces (column or row blocks, each an ordinary one-thread BLAS
call writing its own block of the result) and runs them on this thread and a
few helper threads, each taking the next piece when it is free. A helper that
is late (a busy machine) costs at most one piece, never a whole product.
Every element is computed by exactly one BLAS call, so the results do not
depend on the number of threads beyond BLAS's last-digit rounding.

``DNN_APP_THREADS`` sets how many threads share a product (default: the
usable cores, at most 8; ``1`` turns the splitting off). The splitting is off
whenever BLAS is not at one thread, so the two never multiply. The compiled
kernels (``_fast.py``) share their products over the same number of threads,
in their own C thread pool.
"""
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

ENV = "DNN_APP_BLAS_THREADS"
WORKERS_ENV = "DNN_APP_THREADS"
MAX_WORKERS = 8
PIECES_PER_WORKER = 4   # a late helper then delays a product by about 1/(4 * workers)

_controller = None
_workers = 1            # threads sharing one big product, this one included
_pool = None


def configure_blas_threads() -> int | None:
    """Apply the thread setting; return the limit applied (None = untouched)."""
    global _controller, _workers
    wanted = os.environ.get(ENV, "1").strip().lower()
    limit = None
    if wanted not in ("default", ""):
        try:
            limit = int(wanted)
            if limit < 1:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{ENV} must be a whole number of threads (e.g. 1) or 'default', "
                f"got {os.environ[ENV]!r}."
            ) from None
    workers = _wanted_workers() if limit == 1 else 1
    release_blas_threads()        # a second call starts from BLAS's own setting
    if limit is None:
        return None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the library still works, only slower on some machines
        return None
    _controller = threadpool_limits(limits=limit, user_api="blas")
    _workers = workers
    return limit


def release_blas_threads() -> None:
    """Undo ``configure_blas_threads``: BLAS's threads as they were, no splitting."""
    global _controller, _workers
    _workers = 1
    if _controller is not None:
        _controller.restore_original_limits()
        _controller = None


def _wanted_workers():
    """Threads per product: DNN_APP_THREADS, else the usable cores (<= 8)."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted:
        try:
            n = int(wanted)
            if n < 1:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{WORKERS_ENV} must be a whole number of threads (e.g. 2), "
                f"got {os.environ[WORKERS_ENV]!r}."
            ) from None
        return min(n, MAX_WORKERS)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def workers() -> int:
    """How many threads share one big product (1 = no splitting)."""
    return _workers


def _helpers():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=MAX_WORKERS - 1,
                                   thread_name_prefix="dnn_app_utils")
    return _pool


def _forget_pool():  # a forked child has the pool object but not its threads
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def split_work(job: Callable[[int, int], object], n: int) -> None:
    """Run ``job(start, stop)`` over pieces that cover ``range(n)``.

    The pieces are disjoint, so jobs writing ``out[start:stop]`` never race.
    This thread works too; it returns when every piece is done and re-raises
    the first error of any piece.
    """
    count = min(_workers * PIECES_PER_WORKER, n)
    if _workers == 1 or count < 2:
        job(0, n)
        return
    edges = [n * i // count for i in range(count + 1)]
    pieces = iter(zip(edges[:-1], edges[1:]))
    lock = threading.Lock()

    def take_pieces():
        while True:
            with lock:
                piece = next(pieces, None)
            if piece is None:
                return
            job(*piece)

    helpers = [_helpers().submit(take_pieces) for _ in range(_workers - 1)]
    try:
        take_pieces()
    finally:
        wait(helpers)
    for h in helpers:
        h.result()
