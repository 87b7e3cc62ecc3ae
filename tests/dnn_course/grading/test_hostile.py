"""A corpus of hostile submissions, graded in one batch with a correct one.

Each attack rides on a wrong solution that scores 0; the attack must not
raise that score, must leave its reason, and must leave no marker of success:
no bytes of source/ or the gradebook in any output, no connection to the
test's loopback listener, no changed course file, no leftover process.
"""
import hashlib
import socket
import subprocess
import threading

import nbformat
import pytest

from course_template import grade_with_feedback, on_course_data
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.demo.samples import write_samples
import hostile

pytestmark = pytest.mark.slow


class Listener:
    """A loopback TCP listener that records whether anyone connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory, course_template):
    """The hostile corpus and a correct submission, graded in one batch with feedback."""
    with on_course_data():
        root = course_template.copy(tmp_path_factory.mktemp("hostile") / "course")
        listener = Listener()
        subs = hostile.build(root, listener.port)
        for student, (nb, extras, _) in subs.items():
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / NOTEBOOK).write_text(nb if isinstance(nb, str) else nbformat.writes(nb))
            for name, text in extras.items():
                (folder / name).write_text(text)
        write_samples(root, only={"demo-correct"})
        config_sha = _sha(root / "nbgrader_config.py")
        results = grade_with_feedback(root, sorted(subs) + ["demo-correct"])
        listener.close()
        yield {"root": root, "subs": subs, "results": results, "listener": listener,
               "config_sha": config_sha}


def outputs_text(root, student):
    """Everything the graded notebook printed or raised (not the cells' sources)."""
    path = root / "autograded" / student / ASSIGNMENT / NOTEBOOK
    if not path.is_file():
        return ""
    nb = nbformat.read(str(path), as_version=4)
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts += [str(o.get("ename", "")), str(o.get("text", "")), str(o.get("evalue", "")),
                      str(o.get("data", ""))]
    return "\n".join(parts)


def test_correct_submission_in_the_same_batch_gets_full_marks(batch):
    """The attacks do not disturb a correct submission graded beside them."""
    r = batch["results"]["demo-correct"]
    assert (r.score, r.max_score) == (20, 20), r


@pytest.mark.parametrize("student", sorted(hostile.build(__import__("pathlib").Path("/x"), 1)))
def test_hostile_submission_scores_zero_with_its_reason(batch, student):
    """Each attack gains nothing, and the grading says why."""
    r = batch["results"][student]
    if student == "hostile-invalid-json":  # not graded: no score at all, never a 0
        assert (r.status, r.score) == ("not graded", None), (r.status, r.score, r.reason)
    else:
        assert r.score == 0 and r.max_score == 20, (r.score, r.reason, [t.reason for t in r.tests])
    expected = batch["subs"][student][2]
    text = " ".join([r.reason] + [t.reason for t in r.tests]) + outputs_text(batch["root"], student)
    assert expected in text, text[-3000:]


def test_no_marker_of_a_successful_attack(batch):
    """No source/ or gradebook bytes in any output; no connection; course files intact."""
    root = batch["root"]
    for student in batch["results"]:
        text = outputs_text(root, student)
        assert "_reference_two_layer_model" not in text, student
        assert "SQLite format 3" not in text, student
    assert batch["listener"].connections == 0
    assert _sha(root / "nbgrader_config.py") == batch["config_sha"]
    assert b"HACKED" not in (root / "gradebook.db").read_bytes()


def test_no_leftover_processes(batch):
    """Processes a submission started do not outlive its grading."""
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert f"sleep {hostile.SLEEP_SECONDS}" not in ps


def test_memory_cap(batch):
    """An 8 GB allocation fails inside the submission instead of taking the machine."""
    assert "MemoryError" in outputs_text(batch["root"], "hostile-alloc-8gb")
