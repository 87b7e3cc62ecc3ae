"""One course per command: its folder, nbgrader configuration, gradebook URL and API, each made once.

``dnn-course`` builds a ``Course`` when a command starts and passes it down,
instead of every step loading ``nbgrader_config.py`` again (each load runs the
file: imports, a new ipc folder). Everything is made on first use, so a
command that never touches the gradebook never connects to it.
"""
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dnn_course.course.gradebook_db import course_db_url, open_gradebook, prepare, retry_locked
from dnn_course.course.nbapi import load_config, make_api
from dnn_course.course.paths import COURSE_ROOT, StrPath

if TYPE_CHECKING:  # for the hints only: the command line loads this module, traitlets takes time
    from traitlets.config import Config


class Course:
    """The course folder ``root`` with the gradebook ``db_url`` (``--db``; default: the configured one);
    ``full_run`` (``--full-run``) sets ``c.GuardedExecute.skip_marked_cells = False``.

    Attributes (made on first use): ``config`` (nbgrader's configuration),
    ``course_id``, ``db_url`` (the prepared URL; a GradebookURLError when
    unusable), ``api`` (an NbGraderAPI on that URL).
    """

    def __init__(self, root: StrPath = COURSE_ROOT, db_url: str | None = None, full_run: bool = False) -> None:
        self.root = Path(root).resolve()
        self._db_arg = db_url
        self._full_run = full_run

    @cached_property
    def config(self) -> "Config":
        """The course's nbgrader configuration (``nbapi.load_config``)."""
        return load_config(self.root, full_run=self._full_run)

    @property
    def course_id(self) -> str:
        """``CourseDirectory.course_id`` of the configuration."""
        return self.config.CourseDirectory.course_id

    @cached_property
    def db_url(self) -> str:
        """The gradebook URL in force, checked and prepared (``gradebook_db.prepare``)."""
        return prepare(course_db_url(self.root, self._db_arg, config=self.config))

    @cached_property
    def api(self) -> Any:  # nbgrader.apps.NbGraderAPI (nbgrader has no type information)
        """An NbGraderAPI on the course and ``db_url``, from the configuration loaded once."""
        return make_api(self.root, self.db_url, config=self.config)

    def open_gradebook(self) -> None:
        """Create the gradebook's tables (once, before several writers start)."""
        retry_locked(lambda: open_gradebook(self.db_url, self.root, self.course_id))
