"""The grading service end to end with real accounts: submit, grade, release, fetch; floods, kills, limits."""
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from classroom_lab import COURSE_ID

pytestmark = pytest.mark.slow


def test_each_learner_fetches_their_own_graded_feedback(lab, first_round):
    a, b = lab.learners[:2]
    assert first_round[a]["status"] == first_round[b]["status"] == "graded"
    assert (first_round[a]["score"], first_round[b]["score"]) == (20.0, 11.0)
    page_a, = lab.fetch_feedback(a).values()
    page_b, = lab.fetch_feedback(b).values()
    assert "Score: 20 / 20.</b> All 10 tests passed." in page_a
    assert "Score: 11 / 20.</b>" in page_b and "start of the backward pass" in page_b
    # before the deadline: the summary alone, never a hidden test's code
    assert "_reference_two_layer_model" not in page_b and "BEGIN HIDDEN" not in page_b
    assert "Each test's full detail is shown on this page after the deadline." in page_b


def test_each_attempt_is_recorded_once_in_the_history(lab, first_round):
    a, b = lab.learners[:2]
    for learner in (a, b):
        lines = lab.history(learner)
        assert [(c.attempt, c.new, c.old) for c in lines] == [
            (first_round[learner]["timestamp"], first_round[learner]["score"], None)]
        assert lines[0].by.startswith("classroom service (")


def test_a_flood_with_a_kill_mid_grade_grades_every_attempt_exactly_once(lab, first_round, flood):
    a, b, c = lab.learners[:3]
    states = flood
    assert sorted(s["status"] for s in states) == ["graded"] * 6, lab.report()  # none dropped
    mine = {learner: sorted((s for s in states if s["student"] == learner),
                            key=lambda s: s["timestamp"]) for learner in (a, b, c)}
    for learner, attempts in mine.items():  # each attempt recorded once, none twice
        assert sorted(ch.attempt for ch in lab.history(learner)) == \
            [s["timestamp"] for s in attempts], learner
    assert [s["score"] for s in mine[b]] == [11.0, 20.0]
    assert mine[a][0]["score"] == 20.0 and mine[a][1]["score"] < 20.0
    loop, right = mine[c]
    assert loop["score"] < 20.0 and right["score"] == 20.0
    # the loop cost that attempt only: the others' attempts were released before it
    assert mine[a][1]["released"] < loop["released"] and mine[b][1]["released"] < loop["released"]
    page = lab.fetch_feedback(c)[loop["timestamp"]]
    assert "ran longer than its time limit" in page


def test_the_service_grades_an_attempt_on_a_dask_cluster(lab, flood, sample_texts, dask_cluster):
    """--scheduler: the attempt is graded by the cluster's workers (grade_dask), and released,
    recorded and paged as a local one."""
    from distributed import Client

    d = lab.learners[3]
    lab.service = lab.restart_service(lab.service, workers=1, env=lab.service_env,
                                      extra=["--scheduler", dask_cluster.address])
    try:
        lab.submit(d, sample_texts["fast-wrong-sign-dA2"])
        state = lab.wait_state(lambda s: s["student"] == d)
    finally:
        lab.service = lab.restart_service(lab.service, workers=2, env=lab.service_env)
    assert (state["status"], state["score"]) == ("graded", 11.0), lab.report()
    assert [t for t in state["tests"] if t[1] == 0], state  # the failed tests, by name
    with Client(dask_cluster.address, timeout=30) as client:
        ran = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    # graded on the cluster (grade_dask's tasks: the course, its data, the attempt), not locally
    assert {"course-bundle", "course-data", "grade"} <= set(ran), ran
    assert f"cluster {dask_cluster.address}" in (lab.base / "service.log").read_text()
    page = lab.fetch_feedback(d)[state["timestamp"]]
    assert "Score: 11 / 20.</b>" in page and "start of the backward pass" in page
    assert [(c.attempt, c.new) for c in lab.history(d)] == [(state["timestamp"], 11.0)]


def test_keep_latest_puts_the_latest_attempt_in_the_gradebook(lab, flood):
    from nbgrader.api import Gradebook

    a = lab.learners[0]
    latest = lab.history(a)[-1]
    with Gradebook(f"sqlite:///{lab.course / 'gradebook.db'}") as gb:
        assert gb.find_submission("dnn_app", a).score == latest.new < 20


def test_an_attempt_over_the_limit_gets_a_page_saying_when(lab, flood):
    a = lab.learners[0]
    lab.submit(a, last_submitted(a))
    state = lab.wait_state(lambda s: s["student"] == a and s["status"] == "refused")
    page = lab.fetch_feedback(a)[state["timestamp"]]
    assert "you have used your 2 graded attempts of the last hour" in page
    assert "Your next attempt is accepted from" in page
    assert len(lab.history(a)) == 2  # not graded, not recorded


def test_a_notebook_that_is_not_usable_gets_a_page_saying_so(lab):
    b = lab.learners[1]
    lab.submit(b, '{"cells": [')
    state = lab.wait_state(lambda s: s["student"] == b and s["status"] == "not graded")
    page = lab.fetch_feedback(b)[state["timestamp"]]
    assert "Your submission could not be graded: the notebook is not valid JSON" in page


def last_submitted(learner):
    """The notebook the learner submitted last."""
    return (Path(pwd.getpwnam(learner).pw_dir) / "dnn_app" / "dnn_app.ipynb").read_text()


def test_the_service_refuses_to_run_as_root(lab):
    run = subprocess.run([sys.executable, "-m", "dnn_course.classroom.service", "--course-dir",
                          str(lab.course), "--exchange-root", str(lab.exchange), "--course-id",
                          COURSE_ID], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "refusing to run as root" in run.stderr
