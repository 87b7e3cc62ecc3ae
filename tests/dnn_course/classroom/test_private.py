"""classroom start refuses a course folder whose solutions, gradebook or hidden tests others can read, and opens them to the instructor alone."""
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from classroom_setup import classroom_command, need_root, unique_names
from dnn_course.classroom.private import exposed, open_to_instructor, refusal

NOBODY = 65534  # an account with no group in common with root's files


@pytest.fixture
def checkout():
    """A course folder's private parts, world-readable as a fresh clone is, under a passable /tmp folder."""
    base = Path(tempfile.mkdtemp(prefix="dnn-private-"))
    base.chmod(0o755)
    root = base / "course"
    for name, text in (("source/dnn_app/dnn_app.ipynb", "the solutions"),
                       ("public_tests/hidden.py", "hidden helpers"),
                       ("public_tests/hidden_cases.py", "hidden cases"),
                       ("public_tests/diagnose.py", "public"), ("gradebook.db", "grades"),
                       ("nbgrader_config.py", "c = get_config()\n")):
        (root / name).parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        (root / name).write_text(text)
        (root / name).chmod(0o644)
    for folder in (root, root / "source", root / "source" / "dnn_app", root / "public_tests"):
        folder.chmod(0o755)
    yield root
    shutil.rmtree(base)


def close(root, *names):
    subprocess.run(["chmod", "-R", "o-rwx", *[str(root / n) for n in names]], check=True)


def test_what_others_can_read_is_named_with_the_fix(checkout):
    assert exposed(checkout) == [checkout / "source", checkout / "gradebook.db",
                                 checkout / "public_tests" / "hidden.py",
                                 checkout / "public_tests" / "hidden_cases.py"]
    close(checkout, "gradebook.db", "public_tests/hidden_cases.py")
    (checkout / "source").chmod(0o751)  # listing closed, but the notebook's name is known
    assert exposed(checkout) == [checkout / "source", checkout / "public_tests" / "hidden.py"]
    message = refusal([checkout, checkout / "."])  # the same folder twice: said once
    assert message.count("every account on this machine can read") == 1
    assert f"cd {checkout} && chmod -R o-rwx source public_tests/hidden.py" in message
    (checkout / "source").chmod(0o750)  # a closed folder shuts out everything below it
    close(checkout, "public_tests/hidden.py")
    assert exposed(checkout) == [] and refusal([checkout]) is None
    assert (checkout / "public_tests" / "diagnose.py").stat().st_mode & 0o004  # public stays


def can_read(uid, path):
    return subprocess.run(["cat", str(path)], user=uid, group=uid, extra_groups=[],
                          capture_output=True).returncode == 0


def test_the_instructor_alone_gets_read_access(checkout):
    need_root()
    close(checkout, "source", "gradebook.db", "public_tests/hidden.py", "public_tests/hidden_cases.py")
    notebook, hidden = checkout / "source/dnn_app/dnn_app.ipynb", checkout / "public_tests/hidden.py"
    assert not can_read(NOBODY, notebook) and not can_read(NOBODY, hidden)
    changed = open_to_instructor(checkout, NOBODY)
    assert checkout / "source" / "dnn_app" in changed and hidden in changed
    assert can_read(NOBODY, notebook) and can_read(NOBODY, hidden)
    assert can_read(NOBODY, checkout / "public_tests" / "hidden_cases.py")
    assert not can_read(NOBODY, checkout / "gradebook.db")  # the service has its own
    assert exposed(checkout) == []  # every other account is still shut out
    assert not can_read(NOBODY - 1, notebook)


def test_start_refuses_before_making_anything(checkout, tmp_path):
    need_root()
    learner, instructor = unique_names(2)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,name,email\n{learner},A,a@x.org\n")
    room = tmp_path / "room"
    done = classroom_command("start", "--dir", str(room), "--roster", str(roster),
                             "--instructor", instructor, root=checkout)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("classroom start: every account on this machine can read "
                                  f"{checkout / 'source'}")
    assert "chmod -R o-rwx source gradebook.db public_tests/hidden.py" in done.stderr
    assert not room.exists()
    with pytest.raises(KeyError):
        pwd.getpwnam(learner)


def test_every_module_the_learner_wheel_leaves_home_is_closed_in_a_classroom():
    """A module of public_tests that serves the hidden tests only (the wheel leaves it out, e.g.
    printed.py, split out of hidden.py) is closed to learners' accounts as hidden.py is."""
    from dnn_course.admin.learner_dist import package_files
    from dnn_course.classroom.private import HIDDEN_MODULES, PRIVATE
    from dnn_course.course.paths import COURSE_ROOT

    home = {p.relative_to(COURSE_ROOT).as_posix() for p in (COURSE_ROOT / "public_tests").glob("*.py")}
    left_home = home - set(package_files())
    assert left_home == set(HIDDEN_MODULES) and set(HIDDEN_MODULES) <= set(PRIVATE)
