"""The grading service's start: its grading processes are running before the first submission."""
import psutil

from classroom_lab import COURSE_ID
from dnn_course.classroom.service import Service


def test_the_grading_processes_are_ready_when_the_service_starts_watching(course_template, tmp_path):
    """Each process's start (nbgrader's imports and API, ~3 s) is not added to the first
    learners' wait after a (re)start: start() leaves ``workers`` processes running."""
    root = course_template.copy(tmp_path / "course")
    (tmp_path / "exchange" / COURSE_ID / "inbound").mkdir(parents=True)
    said = []
    service = Service(root, tmp_path / "exchange", COURSE_ID, workers=2, log=said.append)
    service.start()
    try:
        graders = [p for p in psutil.Process().children()
                   if any("spawn_main" in part for part in p.cmdline())]
        assert len(graders) == 2 and all(p.is_running() for p in graders)
        assert said and "watching" in said[-1] and "2 worker(s)" in said[-1]
    finally:
        service.executor.shutdown()
