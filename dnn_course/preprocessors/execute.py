"""Notebook execution for grading: per-cell and per-submission time limits.

``GuardedExecute`` is nbgrader's ``Execute`` with two additions, configured in
``nbgrader_config.py`` so plain ``nbgrader autograde`` uses it too:
  - test cells and solution cells get ``test_cell_timeout`` seconds, other
    cells ``timeout`` (the long trainings); once any cell has timed out, every
    later cell gets only ``after_timeout`` seconds, so a submission that never
    ends costs minutes, not hours;
  - when ``submission_timeout`` seconds have passed, the remaining cells are not
    run: each gets an error output saying why, and scores 0;
  - when grading, the course data is looked up first (``course_data.py``):
    without it ``CourseDataMissing`` is raised before any cell runs, so no
    grade is recorded and nothing blames the learner; with it, the kernel gets
    ``DNN_APP_DATA`` naming the found folder;
  - when the kernel dies (``os._exit``, a crash, the memory cap) or will not
    stop after a timeout (a loop that ignores SIGINT), the cell gets an error
    output saying so, a fresh kernel is started, the set-up cells before the
    first solution cell are run again, and grading goes on;
  - every kernel starts with the sandbox's settings (``c.SandboxSettings``:
    limits, isolation required) in its environment, for its launcher;
  - when grading, the run's own time (kernel start to last cell, on this
    process's clock) goes into the notebook's metadata, ``dnn_course.grading``
    (``grading_time`` reads it back): the cells left as the learner ran them
    keep no timestamps of the learner's run, which would make it negative.
"""
from collections.abc import Mapping
from typing import Any
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbformat.v4 import new_output
from traitlets import Bool, Integer

from nbgrader.preprocessors import Execute

from dnn_course.course.course_data import course_data_env, course_root_for
from dnn_course.course.paths import ASSIGNMENT
from dnn_course.preprocessors.skip import forget_own_outputs, own_outputs, plan_skips, read_marked_cells
from dnn_course.preprocessors.tamper import add_notes, remove_importable_extras
from dnn_course.sandbox.settings import SandboxSettings


TIMING = "grading"  # key of nb.metadata["dnn_course"]: {"started": ISO 8601 UTC, "seconds": float}


def grading_time(metadata: Mapping[str, Any] | None) -> tuple[datetime, float] | tuple[None, None]:
    """The grading run's own time recorded in an autograded notebook.

    Args:
        metadata: the notebook's metadata (a dict, as read from its JSON).

    Returns:
        ``(started, seconds)``: a timezone-aware datetime and the seconds the
        run took, or ``(None, None)`` when not recorded (graded before the time
        was recorded) or unreadable.
    """
    record = (metadata or {}).get("dnn_course", {}).get(TIMING)
    try:
        seconds = float(record["seconds"])
        started = datetime.fromisoformat(record["started"])
    except (TypeError, KeyError, ValueError):
        return None, None
    if seconds < 0 or not math.isfinite(seconds) or started.tzinfo is None:
        return None, None
    return started, seconds


def _record_time(nb, wall_start, started):
    """Write the run's own time into ``nb``'s metadata (replacing any the submission carried)."""
    meta = nb.metadata.setdefault("dnn_course", {})
    meta[TIMING] = {"started": wall_start.isoformat(timespec="milliseconds"),
                    "seconds": round(time.monotonic() - started, 3)}


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _is_short_cell(cell):
    """Test cells and solution cells (which only define functions) run in seconds."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("solution"))


class GuardedExecute(Execute):
    test_cell_timeout = Integer(30, help="Seconds a test or solution cell may run.").tag(config=True)
    after_timeout = Integer(5, help="Seconds each later cell may run once a cell has "
                            "timed out.").tag(config=True)
    submission_timeout = Integer(1200, help="Seconds a whole submission may run.").tag(config=True)
    skip_marked_cells = Bool(True, help="Leave the cells tagged skip-when-grading in the source "
                             "as the learner ran them, where no graded cell can depend on them "
                             "(``skip.py``); False runs every cell (``dnn-course grade --full-run``, "
                             "or DNN_COURSE_FULL_RUN=1 in nbgrader_config.py).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                   km: Any = None) -> tuple[NotebookNode, dict[str, Any]]:
        folder = (resources or {}).get("metadata", {}).get("path")
        if folder and "nbgrader" in (resources or {}) and "autograded" in Path(folder).resolve().parts:
            # autograding a copy in autograded/: never let a submission's numpy.py
            # or public_tests.py shadow the real ones (submitted/ keeps the original)
            removed = remove_importable_extras(folder)
            if removed:
                add_notes(nb, [f"Files that could replace Python packages were ignored: "
                               f"{', '.join(removed)}."])
        self._started, self._wall_start = time.monotonic(), datetime.now(timezone.utc)
        self._timed_out = False
        self._setup_cells = []
        for index, cell in enumerate(nb.cells):
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                break
            if cell.cell_type == "code":
                self._setup_cells.append(index)
        self.timeout_func = self._cell_timeout
        self._skip = self._cells_to_skip(nb, resources)
        if resources is None or "nbgrader" not in resources:
            return super().preprocess(nb, resources, km)
        # grading: the course data first (CourseDataMissing, before any cell runs,
        # so nbgrader records no grade); the kernel is started with DNN_APP_DATA
        # naming the found folder, which the sandbox binds read-only
        root = course_root_for(self.config, folder)
        with course_data_env(root, resources["nbgrader"].get("assignment") or ASSIGNMENT):
            nb, resources = super().preprocess(nb, resources, km)
        _record_time(nb, self._wall_start, self._started)
        return nb, resources

    def start_new_kernel(self, **kwargs: Any) -> Any:
        """Start the kernel with ``c.SandboxSettings`` in its environment, where the sandbox's
        launcher reads them (a restart reuses it)."""
        kwargs.setdefault("env", {**os.environ, **SandboxSettings(parent=self).env()})
        return super().start_new_kernel(**kwargs)

    def _cells_to_skip(self, nb, resources):
        """Cells left as the learner ran them (``skip.py``): only when autograding."""
        info = (resources or {}).get("nbgrader", {})
        if not (self.skip_marked_cells and info.get("notebook")):
            return set()
        root = course_root_for(self.config, (resources or {}).get("metadata", {}).get("path"))
        source_dir = self.config.get("CourseDirectory", {}).get("source_directory", "source")
        source = Path(root) / source_dir / info.get("assignment", "") / f"{info['notebook']}.ipynb"
        return plan_skips(nb, read_marked_cells(source))

    def _cell_timeout(self, cell):
        if self._timed_out:
            return self.after_timeout
        limit = self.test_cell_timeout if _is_short_cell(cell) else self.timeout
        left = self.submission_timeout - (time.monotonic() - self._started)
        return max(1, math.ceil(min(limit, left)))

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int) -> tuple[NotebookNode, dict[str, Any]]:
        if cell.cell_type != "code":
            return cell, resources
        if index in self._skip:
            cell.outputs, cell.execution_count = own_outputs(cell), None
            forget_own_outputs(cell)
            cell.metadata.pop("execution", None)  # the learner's run's timestamps, not grading's
            return cell, resources
        forget_own_outputs(cell)
        if time.monotonic() - self._started >= self.submission_timeout:
            cell.outputs = [_error("SubmissionTimeout",
                                   f"not run: the notebook used its {self.submission_timeout} s "
                                   "time limit before reaching this cell")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs = list(cell.get("outputs", [])) + [_error(
                "KernelDied", "the Python process stopped while running this cell (os._exit, "
                "a crash, or more memory than allowed); later cells ran in a fresh one")]
            self._restart(index)
            return cell, resources
        except CellTimeoutError:  # still busy after the interrupt (e.g. SIGINT ignored)
            self._timed_out = True
            cell.outputs = list(cell.get("outputs", [])) + [_error(
                "CellTimeoutError", "this cell ran longer than its time limit and did not stop "
                "when interrupted; its Python process was replaced by a fresh one")]
            self._restart(index)
            return cell, resources
        if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
            self._timed_out = True
        return cell, resources

    def _restart(self, failed_index):
        """A fresh kernel, with the set-up cells before ``failed_index`` run again
        (their outputs dropped)."""
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        for index in self._setup_cells:
            if index >= failed_index:
                return
            cell = self.nb.cells[index].copy()
            cell.outputs = []
            try:
                self.execute_cell(cell, index, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                return
