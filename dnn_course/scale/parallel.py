"""Grade several submissions at once on this machine: ``--workers N``.

N worker processes (``spawn``: a clean interpreter each, nothing inherited
from the parent's threads or open database connections), each with its own
``make_api`` and the course's own ``grade_one``, so a submission is graded
exactly as ``grade_all`` grades it: same autograded notebook, same receipt,
same gradebook rows. The parent hands out students, the ones expected to take
longest first (``grading/order.py``: short ones at the end fill the last gaps), shows
a progress bar and returns the results in the order given, with each
submission's run (worker pid, start, retries, seconds) in ``.runs``
(``grading/batch.py``: the set-up all three strategies share).

**The gradebook has several writers.** Each worker writes its own student's
rows through nbgrader, which opens its own SQLAlchemy engine per call:

* SQLite: the URL gets a busy timeout (``gradebook_db.prepare``), so a writer
  waits for the lock instead of failing after Python's default 5 s; if a wait
  still ends in "database is locked" (raised by a gradebook call, or reported in
  ``autograde``'s outcome, which ``LockRaisingAPI`` turns into ``GradebookLocked``),
  the worker grades that submission again, whole: one retry loop
  (``gradebook_db.retry_locked``, ``ATTEMPTS`` tries in all, backing off, no sleep
  after the last), so no grade is lost. A result is returned only once its grades
  are in the gradebook.
* PostgreSQL: concurrent writers are the server's normal business; the
  workers write disjoint rows (one student each).

**Threads.** ``dnn_app_utils`` splits big products over the cores
(``DNN_APP_THREADS``). With N workers on C cores each worker's environment,
which the notebook kernels inherit, gets ``DNN_APP_THREADS=max(1, C // N)``,
so N kernels do not fight over the cores; a value the user set is kept.

**Course data.** Each worker's ``grade_one`` finds it with
``course_data.find_course_data`` (the workers inherit ``DNN_APP_DATA``);
without it no worker is started and every submission to grade is "not
graded" with the reason.

A worker process that dies (killed, out of memory) breaks the pool: the
submissions it had not finished are handed to a new pool, at most
``ATTEMPTS`` times each.
"""
import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool
import multiprocessing
import os
import time
from collections.abc import Iterable
from typing import Any

from tqdm.auto import tqdm

from dnn_course.course.context import Course
from dnn_course.course.course_data import course_data_problem
from dnn_course.course.facts import THREADS_ENV
from dnn_course.course.gradebook_db import ATTEMPTS, BACKOFF, GradebookLocked, is_locked, retry_locked
from dnn_course.course.nbapi import make_api, runs_every_cell
from dnn_course.course.paths import COURSE_ROOT, StrPath
from dnn_course.grading.batch import BatchResults, grade_all, quiet_gradebook_warnings, start_batch
from dnn_course.grading.order import longest_first
from dnn_course.grading.results import SubmissionResult
from dnn_course.grading.submission import grade_one
from dnn_course.scale.resources import threads_per_worker

_api: Any = None       # the worker's NbGraderAPI (one per process)
_root: Any = None      # the worker's course folder (a Path), set with _api


class LockRaisingAPI:
    """An NbGraderAPI whose ``autograde`` raises ``GradebookLocked`` when SQLite stayed
    locked, instead of returning a failed outcome; it never retries (``grade_in_worker`` does)."""

    def __init__(self, api: Any) -> None:
        self._api = api

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)

    def autograde(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        outcome = self._api.autograde(*args, **kwargs)
        text = (outcome.get("error") or "") + (outcome.get("log") or "")
        if not outcome.get("success") and is_locked(text):
            lines = text.strip().splitlines()
            raise GradebookLocked(f"{lines[-1] if lines else 'database is locked'} (the gradebook "
                                  "stayed locked past its busy timeout: grade this submission "
                                  "again once no other program writes to the gradebook)")
        return outcome


def _start_worker(root, db_url, threads, full_run):
    """Pool initializer: the thread setting, then this process's API (``full_run``: the
    command's ``--full-run``, which the worker's own configuration load does not see)."""
    global _api, _root
    if threads:
        os.environ[THREADS_ENV] = str(threads)
    quiet_gradebook_warnings()
    _root = root
    _api = LockRaisingAPI(make_api(root, db_url, full_run=full_run))


def worker_course() -> tuple[LockRaisingAPI | None, str | None]:
    """In a process of ``worker_pool``: its own nbgrader API and the course folder it grades.

    Returns:
        (LockRaisingAPI, course folder as a string); (None, None) outside such a process.
    """
    return _api, _root


def grade_in_worker(assignment: str, student: str, force: bool) -> tuple[SubmissionResult, dict]:
    """One submission in a process of ``worker_pool``: ``grade_one``, whole again (at most
    ``ATTEMPTS`` times in all) while the gradebook stays locked, in its autograde or in any
    gradebook read or write.

    Args:
        assignment: the assignment name.
        student: the learner's id (``submitted/<student>/<assignment>/``).
        force: grade again a submission graded already.

    Returns:
        (SubmissionResult, run statistics: {"pid", "started", "retries", "seconds"}).
    """
    started, wall, retries = time.monotonic(), time.time(), []
    result = retry_locked(lambda: grade_one(_api, _root, assignment, student, force),
                          ATTEMPTS, BACKOFF, on_retry=lambda: retries.append(1))
    return result, {"pid": os.getpid(), "started": wall, "retries": len(retries),
                    "seconds": time.monotonic() - started}


def worker_pool(workers: int, root: str | os.PathLike, db_url: str, full_run: bool = False,
                threads: int | str | None = None) -> cf.ProcessPoolExecutor:
    """``workers`` spawned grading processes on the course at ``root``; submit ``grade_in_worker``.

    Args:
        workers: how many processes.
        root: the course folder.
        db_url: the gradebook's URL (every process writes its own student's rows).
        full_run: run every cell (the command's ``--full-run``); False: as the course's
            configuration says.
        threads: ``DNN_APP_THREADS`` for each process and its kernels; None: the user's
            setting, else the cores shared among the workers (``threads_per_worker``).

    Returns:
        concurrent.futures.ProcessPoolExecutor.
    """
    threads = threads or os.environ.get(THREADS_ENV) or threads_per_worker(workers)
    return cf.ProcessPoolExecutor(max_workers=workers,
                                  mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_start_worker,
                                  initargs=(str(root), db_url, threads, full_run))


def grade_parallel(assignment: str, root: StrPath = COURSE_ROOT, students: Iterable[str] | None = None,
                   workers: int = 2, force: bool = False, db_url: str | None = None, progress: bool = True,
                   course: Course | None = None) -> BatchResults:
    """Grade ``students`` with ``workers`` processes, as ``grade_all`` grades them.

    Args:
        workers: processes grading at once; the others as for ``grading.batch.grade_all``.

    Returns:
        BatchResults: in the order of ``students``; ``runs``: student -> {"pid",
        "started", "retries", "seconds"} for the submissions the workers graded.
    """
    batch = start_batch(assignment, root, students, db_url, force, course)
    root, students = batch.root, batch.students
    if course_data_problem(root, assignment):  # nothing can run: no workers to start
        return grade_all(assignment, root, students, force, batch.url, progress, course)
    max_score = batch.max_score()
    (root / "autograded").mkdir(exist_ok=True)  # no two workers race to create it
    workers = max(1, min(workers, len(students) or 1))
    results, tries = {}, {s: 0 for s in students}
    bar = tqdm(total=len(students), desc=f"grading {assignment} ({workers} workers)",
               unit="submission", disable=not progress)
    todo = longest_first(root, assignment, students, force)
    try:
        while todo:
            pool = worker_pool(workers, root, batch.url, runs_every_cell(batch.api.config))
            futures = {pool.submit(grade_in_worker, assignment, s, force): s for s in todo}
            broken = []
            try:
                for future in cf.as_completed(futures):
                    student = futures[future]
                    try:
                        results[student], batch.runs[student] = future.result()
                    except BrokenProcessPool:
                        broken.append(student)
                        continue
                    except Exception as e:  # a fault of ours or nbgrader's: report, go on
                        results[student] = SubmissionResult.not_graded(
                            student, max_score, f"grading failed: {type(e).__name__}: {e}")
                    bar.update(1)
                    bar.set_postfix_str(student)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            todo = []
            for student in broken:
                tries[student] += 1
                if tries[student] >= ATTEMPTS:
                    results[student] = SubmissionResult.not_graded(
                        student, max_score, f"the grading process died {tries[student]} times "
                        "while grading this submission (killed, or out of memory); grade it "
                        f"alone with dnn-course grade --student {student}")
                    bar.update(1)
                else:
                    todo.append(student)
    finally:
        bar.close()
    return batch.results(results)
