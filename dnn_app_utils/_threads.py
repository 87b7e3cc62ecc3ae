"""BLAS threads for the training path.

The products in these networks are skinny (7 or 20 rows by 12288 columns).
Measured on a 2-core machine, OpenBLAS with 2 threads runs them 2-6x slower
than with 1 and stalls erratically, with identical results. So importing
``dnn_app_utils`` sets BLAS to one thread, unless the environment variable
``DNN_APP_BLAS_THREADS`` asks for another number (or ``default`` to leave
BLAS alone).
"""
import os

ENV = "DNN_APP_BLAS_THREADS"
_controller = None


def configure_blas_threads():
    """Apply the thread setting; return the limit applied (None = untouched)."""
    global _controller
    wanted = os.environ.get(ENV, "1").strip().lower()
    if wanted in ("default", ""):
        return None
    try:
        limit = int(wanted)
        if limit < 1:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{ENV} must be a whole number of threads (e.g. 1) or 'default', "
            f"got {os.environ[ENV]!r}."
        ) from None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the library still works, only slower on some machines
        return None
    _controller = threadpool_limits(limits=limit, user_api="blas")
    return limit
