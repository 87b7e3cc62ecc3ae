"""nbgrader's Python API, set up for a course folder.

Loads the folder's ``nbgrader_config.py`` exactly as the ``nbgrader`` command
does, so ``dnn-course`` and plain ``nbgrader`` grade the same way.
"""
import copy
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dnn_course.course.paths import COURSE_ROOT, StrPath

if TYPE_CHECKING:  # for the hints only
    from traitlets.config import Config

# traitlets and nbgrader are imported where used, for start-up time: the command
# line loads this module before it knows whether the command needs them.


def load_config(root: StrPath = COURSE_ROOT, db_url: str | None = None, full_run: bool = False) -> "Config":
    """The course's nbgrader configuration, rooted at ``root``; ``full_run``
    turns off leaving marked cells as the learner ran them (``skip.py``)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    cfg = Config()
    if (root / "nbgrader_config.py").is_file():
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    if db_url:
        cfg.CourseDirectory.db_url = db_url
    if full_run:
        cfg.GuardedExecute.skip_marked_cells = False
    return cfg


def runs_every_cell(config: "Config") -> bool:
    """True when ``config`` turns off leaving marked cells as the learner ran them.

    Args:
        config: a loaded course configuration (``load_config``, or an NbGraderAPI's ``config``).

    Returns:
        bool: ``c.GuardedExecute.skip_marked_cells`` is False (``--full-run``, or
        ``DNN_COURSE_FULL_RUN=1`` read by ``nbgrader_config.py``).
    """
    return config.GuardedExecute.get("skip_marked_cells", True) is False


def venv_on_path() -> None:
    """nbgrader's gradebook runs the ``alembic`` command found on PATH: make it this
    environment's, also when Python was started as .venv/bin/python without activating."""
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path


def make_api(root: StrPath = COURSE_ROOT, db_url: str | None = None, log_level: int = logging.WARNING,
             full_run: bool = False, config: "Config | None" = None) -> Any:
    """An ``NbGraderAPI`` for the course folder ``root``.

    Args:
        root: the course folder.
        db_url: the gradebook URL (default: the configured one).
        log_level: nbgrader's log level.
        full_run: run every cell (see ``load_config``).
        config: the course's configuration loaded already (``context.Course``);
            a copy gets ``db_url`` and ``full_run``. Default: load it.

    Returns:
        NbGraderAPI.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    venv_on_path()
    if config is None:
        cfg = load_config(root, db_url, full_run)
    else:
        cfg = copy.deepcopy(config)
        if db_url:
            cfg.CourseDirectory.db_url = db_url
        if full_run:
            cfg.GuardedExecute.skip_marked_cells = False
    coursedir = CourseDirectory(config=cfg)
    api = NbGraderAPI(coursedir=coursedir, config=cfg)
    api.log_level = log_level
    return api
