"""The sandbox's fixed names and its resource limits (``setrlimit``), read from the environment."""
import resource
import sys
from collections.abc import Mapping

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
# Each limit's default and the variable that carries it to the launcher
# (settings.py: c.SandboxSettings, which grading turns into these variables).
DEFAULTS = {"memory_mb": 4096, "cpu_seconds": 1800, "file_mb": 1024, "max_procs": 256}
LIMIT_ENV = {"memory_mb": MEMORY_ENV, "cpu_seconds": CPU_ENV, "file_mb": FILE_SIZE_ENV,
             "max_procs": MAX_PROCS_ENV}


def _env_int(name, default):
    try:
        return env_int(name, default)
    except ValueError as e:
        raise SystemExit(f"dnn_course.sandbox: {e}") from None


def limits() -> dict[str, int]:
    """The resource limits from the environment (grading sets it from ``c.SandboxSettings``).

    Returns:
        dict: memory_mb, cpu_seconds, file_mb, max_procs.
    """
    return {name: _env_int(LIMIT_ENV[name], default) for name, default in DEFAULTS.items()}


def require_sandbox() -> bool:
    """True when a kernel must not start without full isolation (``DNN_COURSE_REQUIRE_SANDBOX``)."""
    return env_flag(REQUIRE_SANDBOX_ENV)


def apply_limits(lim: Mapping[str, int], nproc: bool = True) -> None:
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
