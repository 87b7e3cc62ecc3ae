"""The sandbox's fixed names and its resource limits (``setrlimit``), read from the environment."""
import resource
import sys

from dnn_course.course.facts import (BLAS_THREADS_ENV, CPU_ENV, FILE_SIZE_ENV, MAX_PROCS_ENV,
                                     MEMORY_ENV, REQUIRE_SANDBOX_ENV, THREADS_ENV)
from dnn_course.course.settings import env_flag, env_int

NAME = "dnn-course-sandbox"
SANDBOX_UID = 65534
INSIDE_RUN = "/run/dnn-course"  # the kernel's connection file and sockets, inside
# Environment variables the kernel gets (everything else, e.g. tokens, stays out).
PASS_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", THREADS_ENV,
            BLAS_THREADS_ENV, "MPLBACKEND", "PYTHONHASHSEED", "PYTHONIOENCODING",
            "PYTHONUNBUFFERED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "VIRTUAL_ENV", "MALLOC_ARENA_MAX", "PYTHONPATH")
# Python started without the working folder on sys.path: a learner's dnn_course/
# or ipykernel_launcher.py beside the notebook cannot replace the launcher or kernel.
SAFE_FLAG = "-P" if sys.version_info >= (3, 11) else "-I"
GRACE_SECONDS = 5  # SIGXCPU at the CPU limit, SIGKILL this much later


def _env_int(name, default):
    try:
        return env_int(name, default)
    except ValueError as e:
        raise SystemExit(f"dnn_course.sandbox: {e}") from None


def limits():
    """The resource limits from the environment.

    Returns:
        dict: memory_mb, cpu_seconds, file_mb, max_procs.
    """
    return {"memory_mb": _env_int(MEMORY_ENV, 4096),
            "cpu_seconds": _env_int(CPU_ENV, 1800),
            "file_mb": _env_int(FILE_SIZE_ENV, 1024),
            "max_procs": _env_int(MAX_PROCS_ENV, 256)}


def require_sandbox():
    """True when a kernel must not start without full isolation (``DNN_COURSE_REQUIRE_SANDBOX``)."""
    return env_flag(REQUIRE_SANDBOX_ENV)


def apply_limits(lim, nproc=True):
    """setrlimit for this process (and what it execs); soft == hard, except CPU."""
    mib = 1024 * 1024
    cpu = lim["cpu_seconds"]
    wanted = [(resource.RLIMIT_AS, lim["memory_mb"] * mib, lim["memory_mb"] * mib),
              (resource.RLIMIT_CPU, cpu, cpu + GRACE_SECONDS),
              (resource.RLIMIT_FSIZE, lim["file_mb"] * mib, lim["file_mb"] * mib),
              (resource.RLIMIT_CORE, 0, 0)]
    if nproc:
        wanted.append((resource.RLIMIT_NPROC, lim["max_procs"], lim["max_procs"]))
    for which, soft, hard in wanted:
        old_soft, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY and hard > old_hard:  # never raise a limit
            hard = old_hard
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
