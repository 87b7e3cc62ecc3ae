"""Notebook execution for grading: per-cell and per-submission time limits.

``GuardedExecute`` is nbgrader's ``Execute`` with two additions, configured in
``nbgrader_config.py`` so plain ``nbgrader autograde`` uses it too:
  - test cells (nbgrader grade cells) get ``test_cell_timeout`` seconds, other
    cells ``timeout`` (the long trainings); once any cell has timed out, every
    later cell gets only ``after_timeout`` seconds, so a submission that never
    ends costs minutes, not hours;
  - when ``submission_timeout`` seconds have passed, the remaining cells are not
    run: each gets an error output saying why, and scores 0.
"""
import time

from nbformat.v4 import new_output
from traitlets import Integer

from nbgrader.preprocessors import Execute


def _is_test_cell(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class GuardedExecute(Execute):
    test_cell_timeout = Integer(30, help="Seconds a test cell may run.").tag(config=True)
    after_timeout = Integer(5, help="Seconds each later cell may run once a cell has "
                            "timed out.").tag(config=True)
    submission_timeout = Integer(1200, help="Seconds a whole submission may run.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._timed_out = False
        self.timeout_func = self._cell_timeout
        return super().preprocess(nb, resources, km)

    def _cell_timeout(self, cell):
        if self._timed_out:
            return self.after_timeout
        limit = self.test_cell_timeout if _is_test_cell(cell) else self.timeout
        left = self.submission_timeout - (time.monotonic() - self._started)
        return max(1, int(min(limit, left)))

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if time.monotonic() - self._started >= self.submission_timeout:
            cell.outputs = [new_output(
                "error", ename="SubmissionTimeout",
                evalue=f"not run: the notebook used its {self.submission_timeout} s "
                       "time limit before reaching this cell",
                traceback=["SubmissionTimeout: the notebook ran out of time before this cell"])]
            return cell, resources
        cell, resources = super().preprocess_cell(cell, resources, index)
        if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
            self._timed_out = True
        return cell, resources
