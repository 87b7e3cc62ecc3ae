"""Expensive session set-up made once per test run, also when pytest-xdist runs it on 2 workers.

A session fixture runs once per *process*: under ``pytest -n 2`` (``make test``) each
xdist worker would make its own learner venv, reference trainings or course
template. ``once_per_run`` makes the value once for the whole run instead, with
the pattern of the xdist docs: the first worker to ask makes it under a file lock
in the folder all workers share (the parent of each worker's base temp) and
pickles it there; the others wait on the lock and read the pickle. Without xdist
it simply makes the value.

Use it for set-up that costs seconds and is only read afterwards (a folder tests
copy, a trained model); a server, a browser or a cluster is not picklable and must
not start twice on 2 cores: give its tests one ``xdist_group`` instead (docs/testing.md).
"""
import os
import pickle
import traceback

import pytest
from filelock import FileLock


def xdist_worker():
    """The xdist worker's name (``gw0``, ``gw1``, ...), or None when pytest runs alone.

    Returns:
        str or None.
    """
    return os.environ.get("PYTEST_XDIST_WORKER")


def once_per_run(tmp_path_factory, name, make):
    """``make(folder)`` once per test run; every worker gets the same (pickled) value.

    Args:
        tmp_path_factory: the session's ``tmp_path_factory``.
        name: a name for the set-up, unique in the suite (it names its folder and lock).
        make: a function of an empty folder (created for it) returning a picklable value.

    Returns:
        What ``make`` returned (on the other workers, a copy read back from its pickle).
        When ``make`` failed on the worker that ran it, every worker fails with its message
        instead of running it again.
    """
    if xdist_worker() is None:
        return make(tmp_path_factory.mktemp(name, numbered=False))
    shared = tmp_path_factory.getbasetemp().parent / "shared"
    shared.mkdir(exist_ok=True)
    made, failed = shared / f"{name}.pickle", shared / f"{name}.failed"
    with FileLock(str(shared / f"{name}.lock")):
        if made.is_file():
            return pickle.loads(made.read_bytes())
        if failed.is_file():
            pytest.fail(f"shared set-up {name!r} failed on another worker:\n{failed.read_text()}",
                        pytrace=False)
        folder = shared / name
        folder.mkdir()
        try:
            value = make(folder)
        except (Exception, pytest.fail.Exception):
            failed.write_text(traceback.format_exc())
            raise
        made.write_bytes(pickle.dumps(value))
        return value
