"""Grading on arrival: the JupyterHub service that grades each submission in nbgrader's exchange.

    python -m dnn_course.classroom.service --course-dir D/course --exchange-root D/exchange \\
        --course-id dnn-cat-course [--workers N] [--scheduler ADDR]

One loop: take each finished submission out of the exchange's inbound into
the durable queue (``inbox``, ``queue``), refuse what is not that learner's or
over the hourly limit (``attempts``), copy the next attempt of each learner
into ``submitted/`` with nbgrader's collect (``collect``), grade it with the
same core as ``dnn-course grade`` (``grade_one`` in worker processes, as
``--workers``; or on a Dask cluster, as ``--scheduler``), write the feedback
page and release it to the exchange (``release``), record the attempt in the
course's grade history, then mark it finished. A kill at any point loses
nothing: unfinished attempts are graded again on the next start, and each is
recorded once. The service never runs as root. Settings: ``settings.py``.
"""
import argparse
import concurrent.futures as cf
import os
import signal
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from nbgrader.api import MissingEntry

from dnn_course.classroom import attempts
from dnn_course.classroom.collect import collect
from dnn_course.classroom.inbox import arrivals, problem
from dnn_course.classroom.keep import keep_score
from dnn_course.classroom.queue import AttemptQueue, now
from dnn_course.classroom.release import message_page, release, summary_page, write_page
from dnn_course.classroom.settings import load_settings
from dnn_course.course.assignment import generate
from dnn_course.course.context import Course
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.grading.batch import quiet_gradebook_warnings
from dnn_course.grading.results import notebook_problem
from dnn_course.scale.distributed import grade_dask
from dnn_course.scale.parallel import grade_in_worker, worker_course, worker_pool

OK, USAGE = 0, 2
BY = "classroom service"


def grade_attempt(assignment: str, student: str, detail: bool) -> tuple[Any, dict, str | None]:
    """In a worker process: grade the submission in ``submitted/`` and build its page.

    Args:
        assignment: the assignment name.
        student: the learner's id.
        detail: write the whole feedback page (else the summary page).

    Returns:
        (SubmissionResult, run statistics, HTML page or None when
        ``feedback/<student>/<assignment>/`` holds the page already).
    """
    result, run = grade_in_worker(assignment, student, True)
    api, root = worker_course()
    return result, run, _page(api, root, assignment, student, result, detail)


def _page(api, root, assignment, student, result, detail):
    if result.status != "graded":
        return None
    if detail:
        outcome = api.generate_feedback(assignment, student, force=True)
        if outcome.get("success"):
            return None
    return summary_page(root, assignment, student, result)


class Service:
    """The grading service of one course (see the module docstring)."""

    def __init__(self, course_dir: Path, exchange_root: Path, course_id: str,
                 assignment: str = ASSIGNMENT, workers: int = 1, scheduler: str | None = None,
                 log: Callable[[str], Any] = print) -> None:
        self.course = Course(course_dir)
        self.config = self.course.config
        self.config.CourseDirectory.course_id = course_id
        self.config.Exchange.root = str(exchange_root)
        self.settings = load_settings(self.config)
        self.root, self.assignment, self.course_id = self.course.root, assignment, course_id
        self.exchange_root = Path(exchange_root)
        self.inbound = self.exchange_root / course_id / "inbound"
        self.queue = AttemptQueue(self.root, course_id)
        self.workers, self.scheduler, self.log = workers, scheduler, log
        self.in_flight: dict[cf.Future, dict] = {}      # future -> state
        self.executor: cf.Executor
        self.stopping = False

    # -- set-up -------------------------------------------------------------
    def start(self) -> None:
        """Check the course, make the executor, queue what a kill left behind."""
        quiet_gradebook_warnings()
        self.course.open_gradebook()
        self._ensure_released()
        if not self.inbound.is_dir():
            raise SystemExit(f"service: no inbound folder {self.inbound}: release the assignment "
                             "to the exchange first (nbgrader release_assignment).")
        recovered = self.queue.recover()
        pending = len(self.queue.pending())
        if self.scheduler:
            self.executor = cf.ThreadPoolExecutor(max_workers=self.workers)
        else:
            (self.root / "autograded").mkdir(exist_ok=True)
            self.executor = worker_pool(self.workers, self.root, self.course.db_url)
            # start the grading processes now: each one's start (nbgrader's imports and API,
            # ~3 s) would otherwise be added to the first learners' wait after a (re)start
            for ready in [self.executor.submit(os.getpid) for _ in range(self.workers)]:
                ready.result()
        self.log(f"service: watching {self.inbound} ({self.workers} worker(s)"
                 f"{', cluster ' + self.scheduler if self.scheduler else ''}); "
                 f"{pending} attempt(s) to finish from before{f', {recovered} recovered' if recovered else ''}")

    def _ensure_released(self):
        with self.course.api.gradebook as gb:
            try:
                gb.find_assignment(self.assignment)
                return
            except MissingEntry:
                pass
        generate(self.root, force=False, db_url=self.course.db_url)

    # -- the loop -------------------------------------------------------------
    def run(self, idle_exit: float | None = None) -> None:
        """Take, dispatch and finish attempts until stopped (SIGTERM/SIGINT).

        Args:
            idle_exit: stop once nothing was left to do for this many seconds
                (tests and benches); None: run until stopped.

        Returns:
            None.
        """
        idle_since = time.monotonic()
        try:
            while not self.stopping:
                self.take_new()
                self.dispatch()
                done, _ = cf.wait(list(self.in_flight), timeout=self.settings.poll_seconds,
                                  return_when=cf.FIRST_COMPLETED)
                for future in done:
                    self.complete(self.in_flight.pop(future), future)
                if self.in_flight or self.queue.pending():
                    idle_since = time.monotonic()
                elif idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    break
                if not done and not self.in_flight:
                    time.sleep(self.settings.poll_seconds)
        finally:
            self.executor.shutdown(wait=False, cancel_futures=True)

    def take_new(self) -> None:
        """Move every finished submission from inbound into the queue."""
        for arrival in arrivals(self.inbound, self.assignment):
            try:
                self.queue.take(self.inbound, arrival)
            except OSError as e:  # not ours to move (yet): looked at again next time
                self.log(f"service: cannot take {arrival.name} yet ({e.strerror})")

    def dispatch(self) -> None:
        """Start the oldest attempt of each learner not being graded, up to the workers."""
        busy = {s["student"] for s in self.in_flight.values()}
        for state in self.queue.pending():
            if len(self.in_flight) >= self.workers:
                return
            if state["student"] in busy:
                continue
            try:
                future = self.begin(state)
            except Exception as e:  # a fault of ours or nbgrader's: this attempt only, said
                self.log(f"service: could not start {state['name']}: {type(e).__name__}: {e}")
                self.finish(state, "not graded", reason=f"{type(e).__name__}: {e}")
                continue
            if future is not None:
                self.in_flight[future] = state
                busy.add(state["student"])

    def begin(self, state: dict) -> cf.Future | None:
        """Refuse, reject or start grading one attempt.

        Returns:
            Future or None (the attempt was finished here without grading).
        """
        folder = self.queue.folder(state["name"])
        wrong = problem(folder, state["student"])
        if wrong:
            self.log(f"service: rejected {state['name']}: {wrong}")
            self.finish(state, "rejected", reason=wrong)
            return None
        nb = folder / NOTEBOOK
        unusable = notebook_problem(nb) if nb.is_file() else f"it has no {NOTEBOOK}"
        if unusable:
            text = (f"Your submission could not be graded: {unusable}. This attempt does not "
                    "count toward your limit.")
            self.publish(state, message_page("Submission not graded", text))
            self.finish(state, "not graded", reason=unusable)
            return None
        states = self.queue.states()
        accepted = attempts.next_accepted(states, state["student"], state["taken"],
                                          self.settings.attempts_per_hour)
        if accepted > datetime.fromisoformat(state["taken"]):
            when = accepted.strftime("%H:%M UTC on %d %B %Y")
            text = (f"This attempt was not graded: you have used your "
                    f"{self.settings.attempts_per_hour} graded attempts of the last hour. "
                    f"Your next attempt is accepted from {when}.")
            self.publish(state, message_page("Attempt not graded yet", text))
            self.finish(state, "refused", reason=f"over the limit until {accepted.isoformat()}")
            return None
        collect(self.config, self.queue, state)
        detail = self.settings.detail_before_deadline or self.past_deadline()
        if self.scheduler:
            return self.executor.submit(self._grade_on_cluster, state["student"], detail)
        return self.executor.submit(grade_attempt, self.assignment, state["student"], detail)

    def _grade_on_cluster(self, student, detail):
        started = time.monotonic()
        result = grade_dask(self.assignment, self.root, [student], self.scheduler, force=True,
                            db_url=self.course.db_url, course=self.course, progress=False)[0]
        page = _page(self.course.api, self.root, self.assignment, student, result, detail)
        return result, {"seconds": time.monotonic() - started}, page

    def past_deadline(self) -> bool:
        """True when the assignment's due date (in the gradebook) has passed."""
        with self.course.api.gradebook as gb:
            due = gb.find_assignment(self.assignment).duedate
        return due is not None and datetime.now(timezone.utc).replace(tzinfo=None) > due

    # -- finishing -------------------------------------------------------------
    def complete(self, state: dict, future: cf.Future) -> None:
        """Record, keep latest or best, release and finish a graded attempt."""
        try:
            result, run, page = future.result()
        except Exception as e:  # a worker died or a fault of ours: the learner is told, not silenced
            self.log(f"service: grading {state['name']} failed: {type(e).__name__}: {e}")
            result, run, page = None, {}, None
        if result is None or result.status != "graded":
            reason = result.reason if result is not None else "the grading process failed"
            self.log(f"service: not graded {state['name']}: {reason}")
            self.publish(state, message_page(
                "Submission not graded", "This attempt could not be graded; your instructor "
                "has been told. It does not count toward your limit."))
            self.finish(state, "not graded", reason=reason)
            return
        kept = keep_score(self, state, result)
        self.publish(state, page)
        self.finish(state, "graded", score=result.score, max_score=result.max_score,
                    tests=[[t.grade_id, t.score] for t in result.tests], kept=kept,
                    seconds=run.get("seconds"))
        self.log(f"service: graded {state['name']}: {result.score:g}/{result.max_score:g}")

    def publish(self, state: dict, text: str | None) -> None:
        """Write (unless ``text`` is None: written already) and release the attempt's page."""
        if text is not None:
            write_page(self.root, self.assignment, state["student"],
                       self.queue.folder(state["name"]), text)
        release(self.config, self.exchange_root, self.assignment, state["student"])

    def finish(self, state: dict, status: str, **facts: Any) -> None:
        """Write the attempt's finished state (the last step, see ``queue``); returns None."""
        self.queue.write({**state, **facts, "status": status, "released": now()})
        return None


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m dnn_course.classroom.service``."""
    p = argparse.ArgumentParser(prog="python -m dnn_course.classroom.service",
                                description="Grade each submission in nbgrader's exchange on "
                                            "arrival and release its feedback.")
    p.add_argument("--course-dir", required=True, type=Path, help="the instructor's course folder")
    p.add_argument("--exchange-root", required=True, type=Path, help="nbgrader's exchange root")
    p.add_argument("--course-id", required=True, help="the nbgrader course id")
    p.add_argument("--assignment", default=ASSIGNMENT, help=f"the assignment (default {ASSIGNMENT})")
    p.add_argument("--workers", type=int, default=1, help="attempts graded at once (default 1)")
    p.add_argument("--scheduler", help="grade on this Dask scheduler (tcp://host:port)")
    p.add_argument("--idle-exit", type=float, help="stop after this many idle seconds (tests)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the service; exit 2 on bad input or when started as root."""
    args = build_parser().parse_args(argv)
    if os.geteuid() == 0:
        print("service: refusing to run as root: a learner's notebook must never run with root's "
              "rights. Start it as the instructor's account (JupyterHub's services run it with "
              "'user': the instructor).", file=sys.stderr)
        return USAGE
    if args.workers < 1:
        print("service: --workers must be 1 or more.", file=sys.stderr)
        return USAGE
    if not (args.course_dir / "nbgrader_config.py").is_file():
        print(f"service: {args.course_dir} is not a course folder (no nbgrader_config.py); give "
              "--course-dir the instructor's copy of the course.", file=sys.stderr)
        return USAGE
    service = Service(args.course_dir, args.exchange_root, args.course_id, args.assignment,
                      args.workers, args.scheduler, log=lambda line: print(line, flush=True))

    def stop(signum, frame):
        service.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    service.start()
    service.run(idle_exit=args.idle_exit)
    return OK


if __name__ == "__main__":
    sys.exit(main())
