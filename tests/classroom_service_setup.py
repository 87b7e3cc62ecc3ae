"""One lab per session for the grading service's tests (real accounts, exchange, service running); fixtures imported by tests/conftest.py."""
import os
import shutil
import threading

import nbformat
import pytest

from classroom_lab import Lab
from scale_helpers import fast_samples, missing

# The lab's course: two graded attempts an hour per learner, short test-cell limit (a
# correct test cell takes under 1 s), so the never-ending notebook costs under a minute.
SETTINGS = ("c.ClassroomGrader.attempts_per_hour = 2",
            "c.GuardedExecute.test_cell_timeout = 10")
SERVICE_ENV = {"DNN_APP_DATA": os.environ.get("DNN_APP_DATA", ""),
               "DNN_COURSE_REQUIRE_SANDBOX": "1",
               # a checkout run with PYTHONPATH (a git worktree beside an editable install)
               # grades with its own code, as the tests that started it do
               **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {})}


@pytest.fixture(scope="session")
def lab(course_template):
    """Four learners and an instructor; the service runs as the instructor with 2 workers.

    The first three share the attempts of ``first_round`` and ``flood``; the fourth's
    attempts go through a Dask cluster (test_service.py).

    ``lab.service`` is the running service's Popen (a test may restart it).
    """
    if os.geteuid() != 0:
        missing("the classroom tests create Unix accounts: run them as root")
    for tool in ("useradd", "setpriv", "bwrap"):
        if not shutil.which(tool):
            missing(f"the classroom tests need {tool}")
    made = Lab.create(course_template, learners=4, settings=SETTINGS)
    try:
        made.service_env = SERVICE_ENV
        made.service = made.start_service(workers=2, env=SERVICE_ENV)
        yield made
    finally:
        service = getattr(made, "service", None)
        if service is not None and service.poll() is None:
            os.killpg(service.pid, 9)
            service.wait(30)
        made.remove()


@pytest.fixture(scope="session")
def sample_texts():
    """name -> notebook text: the cheap right and wrong solutions (tests/scale_helpers.py)."""
    return {name: nbformat.writes(nb) for name, nb in fast_samples().items()}


@pytest.fixture(scope="session")
def first_round(lab, sample_texts):
    """Learner a submits a right notebook, b one with the sign of dA2 flipped; both graded.

    Returns:
        dict: learner -> the finished state of their attempt.
    """
    a, b = lab.learners[:2]
    lab.submit(a, sample_texts["fast-correct"])
    lab.submit(b, sample_texts["fast-wrong-sign-dA2"])
    return {s["student"]: s for s in lab.wait_finished(2, timeout=300)}


@pytest.fixture(scope="session")
def flood(lab, first_round, sample_texts):
    """A burst: a (a catalogued mistake), b (right), c (a notebook that never ends, then a
    right one); the service is killed (SIGKILL, workers and kernels too) once the first of
    them is finished and started again.

    Returns:
        list of dict: the finished states of all six attempts so far.
    """
    from dnn_course.demo.samples import sample_notebooks

    a, b, c = lab.learners[:3]
    # other tests of the session may have submitted to this lab before (rejected attempts):
    # the flood counts only its own attempts and first_round's
    before = {s["name"] for s in lab.states().values()} - {s["name"] for s in first_round.values()}
    never = nbformat.writes(sample_notebooks()["demo-never-ends"])
    burst = [(a, sample_texts["fast-hard-coded-rate"]), (b, sample_texts["fast-correct"]), (c, never)]
    threads = [threading.Thread(target=lab.submit, args=pair) for pair in burst]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lab.submit(c, sample_texts["fast-correct"])  # c's second attempt, after the never-ending one
    lab.wait_finished(3, timeout=300, since=before)  # one of the burst finished
    assert [s for s in lab.states().values() if s["status"] == "queued"], \
        "the kill must come while attempts are still being graded"
    lab.service = lab.restart_service(lab.service, workers=2, env=lab.service_env)
    return lab.wait_finished(6, timeout=600, since=before)
