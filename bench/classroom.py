"""Classroom latency bench: a burst of submissions through nbgrader's exchange, graded on arrival.

    sudo .venv/bin/python bench/classroom.py [--submissions 50] [--learners 10] [--workers 1,2]

Run as root (it creates Unix accounts, removed at the end) with the course data
(DNN_APP_DATA). For each worker count, a fresh classroom (``tests/classroom_lab.py``:
an instructor, ``--learners`` learner accounts, the course and the exchange, the
assignment released): the grading service starts as the instructor, then every
learner submits their share of ``--submissions`` notebooks with ``nbgrader
submit`` as their own account, all learners at once (a burst); the mix is the
demo's: right solutions and the catalogue's typical mistakes. Latency is
submit (nbgrader's timestamp of the submission) to feedback released (the
service's state); throughput is submissions per minute from the first submit
to the last release. It checks that every submission was graded exactly once
(one state each, one history line each) and writes JSON to
bench/results/classroom-<time>.json, with the load average around each run
(other work on the machine slows grading: read the figures with it).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))  # the classroom lab is shared with the tests

MIX = ["demo-correct", "demo-wrong-sign-dA2", "demo-correct", "demo-hard-coded-rate",
       "demo-correct", "demo-stale-weights", "demo-correct", "demo-cost-every-iteration"]


def percentile(values, q):
    """The ``q`` percentile (0-100) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def run_once(template, texts, submissions, learners, workers):
    """One classroom, one burst, ``workers`` grading workers; returns the figures."""
    from nbgrader.utils import parse_utc

    from classroom_lab import Lab

    lab = Lab.create(template, learners=learners,
                     settings=["c.ClassroomGrader.attempts_per_hour = 1000"])
    try:
        for learner in lab.learners:
            lab.fetch(learner)
        service = lab.start_service(workers=workers, env={
            "DNN_APP_DATA": os.environ.get("DNN_APP_DATA", ""), "DNN_COURSE_REQUIRE_SANDBOX": "1"})
        log = lab.base / "service.log"
        while "watching" not in (log.read_text() if log.exists() else ""):
            if service.poll() is not None:
                raise SystemExit(f"the service stopped:\n{log.read_text()}")
            time.sleep(0.5)
        shares = {learner: [] for learner in lab.learners}
        for i in range(submissions):
            shares[lab.learners[i % learners]].append(texts[MIX[i % len(MIX)]])
        load_before = os.getloadavg()

        def submit_all(learner):
            for text in shares[learner]:
                lab.submit(learner, text)
        threads = [threading.Thread(target=submit_all, args=(learner,)) for learner in lab.learners]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        states = lab.wait_finished(submissions, timeout=3600)
        load_after = os.getloadavg()
        os.killpg(service.pid, 15)
        service.wait(60)
        latencies = [(datetime.fromisoformat(s["released"]) - parse_utc(s["timestamp"])
                      .replace(tzinfo=datetime.fromisoformat(s["released"]).tzinfo)).total_seconds()
                     for s in states]
        first = min(parse_utc(s["timestamp"]) for s in states)
        last = max(datetime.fromisoformat(s["released"]).replace(tzinfo=None) for s in states)
        recorded = sum(len(lab.history(learner)) for learner in lab.learners)
        grading = [s["seconds"] for s in states if s.get("seconds")]
        return {"workers": workers, "submissions": len(states),
                "statuses": sorted({s["status"] for s in states}),
                "graded_once": recorded == len(states) == submissions,
                "latency_p50": percentile(latencies, 50), "latency_p95": percentile(latencies, 95),
                "latency_max": max(latencies),
                "grading_seconds_median": statistics.median(grading) if grading else None,
                "burst_seconds": (last - first).total_seconds(),
                "per_minute": len(states) / (last - first).total_seconds() * 60,
                "load_before": load_before, "load_after": load_after}
    finally:
        lab.remove()


def main(argv=None):
    """Run the bench; print and save the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, default=50)
    p.add_argument("--learners", type=int, default=10)
    p.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        print("classroom bench: run it as root (it creates and removes Unix accounts).",
              file=sys.stderr)
        return 2
    import nbformat

    from course_template import CourseTemplate
    from dnn_course.course.assignment import course_copy
    from dnn_course.demo.samples import sample_notebooks

    # SIGTERM (or SIGINT, which a background job ignores) ends it through the cleanup below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    scratch = Path(tempfile.mkdtemp(prefix="dnn-classroom-bench-"))
    template = CourseTemplate(course_copy(scratch / "course"))
    texts = {name: nbformat.writes(nb) for name, nb in sample_notebooks().items() if name in MIX}
    runs = []
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            runs.append(run_once(template, texts, args.submissions, args.learners, workers))
            show(runs[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = HERE / "results" / f"classroom-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"argv": sys.argv[1:], "cpus": os.cpu_count(), "runs": runs}, indent=1))
    print(f"written {out}")
    return 0


def show(figures):
    """Print one run's figures on one line."""
    workers = figures["workers"]
    print(f"{workers} worker(s): {figures['submissions']} submissions, latency p50 "
          f"{figures['latency_p50']:.1f} s, p95 {figures['latency_p95']:.1f} s, max "
          f"{figures['latency_max']:.1f} s; {figures['per_minute']:.1f} graded per minute; "
          f"grading {figures['grading_seconds_median']:.1f} s median; graded exactly once: "
          f"{figures['graded_once']}; load {figures['load_before'][0]:.1f} -> "
          f"{figures['load_after'][0]:.1f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
