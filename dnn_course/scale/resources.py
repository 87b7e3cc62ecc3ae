"""How many cores this machine lends grading, and the threads each grader's kernel may use."""
import os


def usable_cores() -> int:
    """CPUs this process may run on.

    Returns:
        int: the size of the affinity mask (``os.cpu_count()`` off Linux).
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """``DNN_APP_THREADS`` for each of ``workers`` graders on ``cores`` cores.

    Args:
        workers: graders sharing the machine.
        cores: its cores (default: ``usable_cores()``).

    Returns:
        int: ``max(1, cores // workers)``.
    """
    return max(1, (cores or usable_cores()) // max(1, workers))

