"""Copy one taken attempt into ``submitted/`` with nbgrader's own ExchangeCollect."""
import copy
import os
import shutil
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets import Unicode
from traitlets.config import Config

from dnn_course.classroom.queue import AttemptQueue


class CollectOneAttempt(ExchangeCollect):
    """nbgrader's collect of exactly one attempt (``attempt``: its folder name).

    nbgrader's collect takes each learner's latest submission; the service
    grades every attempt in turn, so it names the one to take.
    """

    attempt = Unicode("", help="The attempt's folder name in inbound.")

    def init_src(self) -> None:
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        self.src_records = [self._path_to_record(os.path.join(self.inbound_path, self.attempt))]


def collect(config: Config, queue: AttemptQueue, state: dict) -> Path:
    """Put the attempt of ``state`` in ``submitted/<student>/<assignment>/`` (replacing what was there).

    Args:
        config: the course's nbgrader configuration (its CourseDirectory.root is the course).
        queue: the service's AttemptQueue (its ``exchange`` holds the taken attempts).
        state: the attempt's state.

    Returns:
        Path: the submitted folder.
    """
    cfg = copy.deepcopy(config)
    cfg.Exchange.root = str(queue.exchange)
    cfg.CourseDirectory.assignment_id = state["assignment"]
    cfg.CourseDirectory.student_id = state["student"]
    coursedir = CourseDirectory(config=cfg)
    dest = Path(coursedir.format_path(coursedir.submitted_directory, state["student"],
                                      state["assignment"]))
    if dest.exists():  # an older attempt, or this one copied before a kill
        shutil.rmtree(dest)
    collector = CollectOneAttempt(coursedir=coursedir, authenticator=Authenticator(config=cfg),
                                  config=cfg, attempt=state["name"])
    collector.start()
    return dest
