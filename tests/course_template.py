"""One scratch course made per test run (fixture ``course_template``), copied by each grading fixture.

``course.assignment.course_copy`` runs nbgrader's generate_assignment (and checks the
committed release against it), a few seconds each time; the grading fixtures of
the suite each need a course of their own, so the session makes one and each
fixture copies it: same config, source/, release/ and gradebook (the assignment
recorded, no student), in a folder and gradebook of its own.
"""
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared_setup import once_per_run


@dataclass(frozen=True)
class CourseTemplate:
    """An ungraded scratch course (``root``), never graded in itself: tests copy it."""

    root: Path

    def copy(self, dest):
        """A working course at ``dest``, a copy of the template.

        Args:
            dest: a folder that does not exist yet (its parent is created).

        Returns:
            Path: ``dest``.
        """
        dest = Path(dest)
        if dest.exists():
            raise FileExistsError(f"{dest} exists: give a new folder for the course copy, "
                                  "e.g. tmp_path_factory.mktemp(name) / 'course'")
        dest.parent.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copytree(self.root, dest, symlinks=True))


@pytest.fixture(scope="session")
def course_template(tmp_path_factory):
    """The run's scratch course (``course_copy`` once, shared by the xdist workers):
    ``course_template.copy(dest)``."""
    from dnn_course.course.assignment import course_copy

    return once_per_run(tmp_path_factory, "course-template",
                        lambda folder: CourseTemplate(course_copy(folder / "course")))


@contextmanager
def on_course_data():
    """DNN_APP_DATA pointed at the course data for the block (a module-scoped fixture
    has no ``monkeypatch``); the environment is restored when the block ends."""
    from conftest import course_data_dir

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    try:
        yield
    finally:
        mp.undo()


def grade_with_feedback(root, students):
    """Autograde ``students`` of the course at ``root`` in one batch, then write each one's feedback.

    Args:
        root: a course copy with their submissions under submitted/.
        students: the student ids.

    Returns:
        dict: {student id: the batch's result for them}.
    """
    from dnn_course.course.nbapi import make_api
    from dnn_course.course.paths import ASSIGNMENT
    from dnn_course.grading.batch import grade_all

    results = {r.student: r for r in grade_all(ASSIGNMENT, root, students, progress=False)}
    api = make_api(root)
    for s in students:
        api.generate_feedback(ASSIGNMENT, s, force=True)
    return results
