"""Isolation in the classroom: each test is one learner's account (b) trying something against another's (a)."""
import os
import pwd
from pathlib import Path

import pytest

from classroom_lab import COURSE_ID, run_as

pytestmark = pytest.mark.slow


def denied(lab, learner, *command):
    """Run ``command`` as ``learner``; True when it failed with "Permission denied"."""
    run = run_as(learner, list(command), check=False)
    return run.returncode != 0 and "Permission denied" in run.stderr


def test_a_submission_leaves_the_exchange_for_the_instructors_folder(lab, first_round):
    a, b = lab.learners[:2]
    inbound = lab.exchange / COURSE_ID / "inbound"
    assert not (inbound / first_round[a]["name"]).exists()
    kept = lab.course / ".dnn_course" / "classroom" / "exchange" / COURSE_ID / "inbound"
    assert (kept / first_round[a]["name"] / "dnn_app.ipynb").is_file()
    assert denied(lab, b, "ls", inbound)
    assert denied(lab, b, "cat", kept / first_round[a]["name"] / "dnn_app.ipynb")
    assert denied(lab, b, "rm", "-rf", kept / first_round[a]["name"])


def test_another_learners_feedback_cannot_be_listed_changed_or_removed(lab, first_round):
    a, b = lab.learners[:2]
    feedback = lab.exchange / COURSE_ID / "feedback"
    released = sorted(feedback.glob("*.html"))
    assert len(released) >= 2
    assert denied(lab, b, "ls", feedback)
    for page in released:
        assert denied(lab, b, "sh", "-c", f"echo changed > '{page}'")
        assert denied(lab, b, "rm", "-f", page)
    # the page's name is a hash of a's submission secret, kept in a's private cache
    cache = Path(pwd.getpwnam(a).pw_dir) / ".local" / "share" / "jupyter" / "nbgrader_cache"
    assert any(cache.rglob("submission_secret.txt"))
    assert denied(lab, b, "ls", cache)
    assert denied(lab, b, "cat", Path(pwd.getpwnam(a).pw_dir) / "dnn_app" / "dnn_app.ipynb")


def test_the_gradebook_source_and_hidden_tests_are_not_readable(lab, first_round):
    b = lab.learners[1]
    for path in (lab.course / "gradebook.db", lab.course / "source" / "dnn_app" / "dnn_app.ipynb",
                 lab.course / "public_tests" / "hidden.py", lab.course / "grade_history.jsonl",
                 lab.course / "autograded"):
        assert denied(lab, b, "cat", path), path


def test_submitting_as_someone_else_is_rejected(lab, first_round, sample_texts):
    a, b = lab.learners[:2]
    before = lab.history(a)
    lab.submit(b, sample_texts["fast-correct"], extra=[f"--student={a}"])
    state = lab.wait_state(lambda s: s["status"] == "rejected" and s["student"] == a)
    assert state["reason"] == f"submitted by account {b!r} under the id {a!r}"
    assert lab.history(a) == before


def test_a_submission_linking_to_the_instructors_files_is_rejected(lab, first_round):
    b = lab.learners[1]
    inbound = lab.exchange / COURSE_ID / "inbound"
    name = f"{b}+dnn_app+2030-01-01 00:00:00.000000 UTC+linkattack"
    script = (f"mkdir '{inbound / name}' && cd '{inbound / name}' && "
              f"ln -s '{lab.course / 'source' / 'dnn_app' / 'dnn_app.ipynb'}' dnn_app.ipynb && "
              "echo '2030-01-01 00:00:00.000000 UTC' > timestamp.txt && "
              "echo secret > submission_secret.txt && chmod 777 .")
    run_as(b, ["sh", "-c", script])
    state = lab.wait_state(lambda s: s["name"] == name)
    assert state["status"] == "rejected"
    assert state["reason"] == "dnn_app.ipynb is a link or a special file"
    assert not (lab.course / "submitted" / b / "dnn_app" / "timestamp.txt").read_text() \
        .startswith("2030")
    assert os.path.isdir(lab.course / "submitted" / b)
