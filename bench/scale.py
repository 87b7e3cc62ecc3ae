"""Scaling benchmark: one batch graded with 1 worker, N workers and on a Dask cluster.

    python bench/scale.py [--size 8] [--workers 2] [--dask-workers 2] [--no-dask]
                          [--modes single,parallel] [--rounds 3]

Needs the course data (DNN_APP_DATA, default ../shared/datasets). It builds a
scratch course (``course_copy``), submits a generated batch of ``--size``
submissions in a fixed mix (correct ones, catalogued mistakes that still
train to the end, a blank one: what a real cohort hands in), then grades the
same batch three times, each in a fresh copy:

* 1 worker: ``grade_one`` one after another (as ``grade_all``), timed per
  submission, in the default environment: each kernel splits its big
  products over all the cores;
* 1 worker with ``DNN_APP_THREADS=1``: the same, one core per submission, as
  each of N workers on N cores gets; "scaling" is N workers against this one;
* ``--workers`` processes: ``grade_parallel``;
* a loopback Dask cluster (a scheduler and ``--dask-workers`` workers started
  here as subprocesses, ``--nthreads 1``): ``grade_dask``.

``--modes`` picks some of them (``default``, ``single``, ``parallel``, ``dask``).
``--rounds R`` grades the batch R times in every mode, the modes interleaved
and their order rotated each round, so a slow spell of the machine (on a VM the
speed drifts by 10 % over minutes) lands on every mode alike; speed-up and
scaling are taken within each round, and the summary gives their medians.

Baseline: one correct notebook executed by plain nbclient (no nbgrader), so
"overhead" = a submission's grading time beyond the notebook's own run time.
Prints throughput (submissions per hour), speed-up over 1 worker, per-submission
times and the load average around each run; checks the three modes gave the
same results; writes JSON to bench/results/scale-<time>.json.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from dnn_course.course.facts import THREADS_ENV  # noqa: E402

# the mix of a batch, repeated to --size: (kind, weight in a cycle of 8)
MIX = ["correct", "wrong-sign-dA2", "correct", "hard-coded-rate", "correct",
       "stale-weights", "blank", "correct"]
KIND_SAMPLE = {"correct": "demo-correct", "wrong-sign-dA2": "demo-wrong-sign-dA2",
               "hard-coded-rate": "demo-hard-coded-rate", "stale-weights": "demo-stale-weights",
               "blank": "demo-blank"}


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def make_batch(size, scratch):
    """A scratch course with ``size`` submissions; returns (root, {student: kind})."""
    import nbformat

    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
    from dnn_course.course.assignment import course_copy
    from dnn_course.demo.samples import sample_notebooks

    root = course_copy(scratch / "template")
    samples = sample_notebooks()
    kinds = {}
    for i in range(size):
        kind = MIX[i % len(MIX)]
        student = f"s{i:03d}-{kind}"
        path = root / "submitted" / student / ASSIGNMENT / NOTEBOOK
        path.parent.mkdir(parents=True)
        path.write_text(nbformat.writes(samples[KIND_SAMPLE[kind]]), encoding="utf-8")
        kinds[student] = kind
    return root, kinds


def nbclient_baseline(scratch):
    """Seconds plain nbclient takes to run one correct submission's notebook."""
    from nbclient import NotebookClient

    from dnn_course.course.paths import release_notebook
    from dnn_course.demo.samples import sample_notebooks

    folder = scratch / "nbclient"
    shutil.copytree(release_notebook().parent, folder)
    nb = sample_notebooks()["demo-correct"]
    started = time.monotonic()
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.monotonic() - started


def run_sequential(root, students, threads=None):
    """One submission after another; ``threads`` sets DNN_APP_THREADS for the kernels."""
    from dnn_course.grading.submission import grade_one
    from dnn_course.course.nbapi import make_api
    from dnn_course.course.paths import ASSIGNMENT

    saved = os.environ.get(THREADS_ENV)
    if threads is not None:
        os.environ[THREADS_ENV] = str(threads)
    try:
        api = make_api(root)
        results, seconds = [], {}
        for s in students:
            t = time.monotonic()
            results.append(grade_one(api, root, ASSIGNMENT, s, True))
            seconds[s] = time.monotonic() - t
    finally:
        if saved is None:
            os.environ.pop(THREADS_ENV, None)
        else:
            os.environ[THREADS_ENV] = saved
    return results, seconds


def run_parallel(root, students, workers):
    from dnn_course.course.paths import ASSIGNMENT
    from dnn_course.scale.parallel import grade_parallel

    results = grade_parallel(ASSIGNMENT, root, students, workers, force=True, progress=False)
    return results, {s: r["seconds"] for s, r in results.runs.items()}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(n, logs):
    """A scheduler and n workers on loopback; returns (address, processes)."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    env = dict(os.environ)
    env.pop(THREADS_ENV, None)  # each task sets cores // workers on its host
    procs = []

    def start(cmd, name):
        log = open(logs / f"{name}.log", "w")
        procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))

    start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
           "--port", address.rsplit(":", 1)[1], "--no-dashboard"], "scheduler")
    for i in range(n):
        start([sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
               "127.0.0.1", "--nthreads", "1", "--no-dashboard"], f"worker{i}")
    with Client(address, timeout=60) as client:
        client.wait_for_workers(n, timeout=120)
    return address, procs


def stop_cluster(procs):
    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def run_dask(root, students, n, logs):
    from dnn_course.course.paths import ASSIGNMENT
    from dnn_course.scale import distributed

    address, procs = start_cluster(n, logs)
    try:
        t = time.monotonic()
        results = distributed.grade_dask(ASSIGNMENT, root, students, address, force=True,
                                         progress=False)
        wall = time.monotonic() - t
    finally:
        stop_cluster(procs)
    record = [r.get("record_s", 0) for r in results.runs.values()]
    if record:
        print(f"dask client: recording one result in the gradebook took "
              f"{sum(record) / len(record):.2f} s on average", flush=True)
    return results, {s: r["seconds"] for s, r in results.runs.items()}, wall


def summarize(name, wall, seconds, size, load_before, load_after, base_wall, single_wall,
              graders=1):
    """One mode's row; "busy" is the share of the graders' time spent grading
    (the rest: starting up, and the last submissions' tail, with graders idle)."""
    per = sorted(seconds.values())
    return {"mode": name, "wall_s": round(wall, 1), "per_hour": round(3600 * size / wall, 1),
            "busy": round(sum(per) / (graders * wall), 3),
            "speedup": round(base_wall / wall, 2) if base_wall else None,
            "scaling": round(single_wall / wall, 2) if single_wall else None,
            "per_submission_mean_s": round(sum(per) / len(per), 1) if per else None,
            "per_submission_max_s": round(per[-1], 1) if per else None,
            "load_before": load_before, "load_after": load_after}


MODES = ("default", "single", "parallel", "dask")


def medians(rows, names):
    """Per mode: median wall time, throughput and scaling over the rounds, with their range."""
    import statistics

    out = {}
    for name in names:
        mine = [r for r in rows if r["mode"] == name]
        walls = [r["wall_s"] for r in mine]
        scal = [r["scaling"] for r in mine if r["scaling"] is not None]
        out[name] = {"rounds": len(mine), "wall_s": round(statistics.median(walls), 1),
                     "wall_range_s": [min(walls), max(walls)],
                     "per_hour": round(statistics.median(r["per_hour"] for r in mine), 1),
                     "scaling": round(statistics.median(scal), 2) if scal else None,
                     "scaling_range": [min(scal), max(scal)] if scal else None}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8, help="submissions in the batch (default 8, "
                    "about 15 minutes on 2 cores in all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask-workers", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--no-baseline", action="store_true", help="skip the nbclient run")
    ap.add_argument("--modes", default=",".join(MODES),
                    help=f"comma-separated, some of {','.join(MODES)} (default: all)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="grade the batch this many times in every mode, interleaved (default 1)")
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.no_dask and "dask" in modes:
        modes.remove("dask")
    if set(modes) - set(MODES) or not modes:
        ap.error(f"--modes takes some of {','.join(MODES)} (not only dask with --no-dask); "
                 f"got {args.modes!r}")
    if args.rounds < 1:
        ap.error(f"--rounds must be 1 or more, got {args.rounds}")
    if "single" not in modes:
        print("note: without the 'single' mode there is no scaling column", flush=True)
    os.environ.setdefault("DNN_APP_DATA", str((ROOT.parent / "shared" / "datasets").resolve()))
    import warnings
    warnings.filterwarnings("ignore")

    scratch = Path(tempfile.mkdtemp(prefix="dnn-scale-"))
    try:
        template, kinds = make_batch(args.size, scratch)
        students = list(kinds)
        report = {"when": datetime.now().isoformat(timespec="seconds"), "size": args.size,
                  "mix": {k: list(kinds.values()).count(k) for k in set(kinds.values())},
                  "cores": len(os.sched_getaffinity(0)), "modes": []}
        if not args.no_baseline:
            report["nbclient_correct_s"] = round(nbclient_baseline(scratch), 1)
            print(f"nbclient, one correct notebook: {report['nbclient_correct_s']} s", flush=True)
        plan = [("1 worker", "default", 1, lambda r: run_sequential(r, students)),
                ("1 worker, 1 thread", "single", 1,
                 lambda r: run_sequential(r, students, threads=1)),
                (f"{args.workers} workers", "parallel", args.workers,
                 lambda r: run_parallel(r, students, args.workers))]
        if not args.no_dask:
            plan.append((f"dask, {args.dask_workers} workers", "dask", args.dask_workers,
                         lambda r: run_dask(r, students, args.dask_workers, scratch)))
        plan = [step for step in plan if step[1] in modes]
        runs = []
        for rnd in range(args.rounds):
            done = {}
            shift = rnd % len(plan)
            for name, key, _, fn in plan[shift:] + plan[:shift]:
                folder = f"{rnd}-{key}"
                root = Path(shutil.copytree(template, scratch / folder))
                before = loadavg()
                t = time.monotonic()
                out = fn(root)
                wall = out[2] if len(out) == 3 else time.monotonic() - t
                done[key] = (wall, out[0], out[1], before, loadavg())
                shutil.rmtree(root, ignore_errors=True)
                print(f"round {rnd + 1}/{args.rounds}: {name}: {wall:.1f} s", flush=True)
            base = done["default"][0] if "default" in done else None
            single = done["single"][0] if "single" in done else None
            for name, key, graders, _ in plan:       # rows in plan order, whatever ran first
                wall, results, seconds, before, after = done[key]
                row = summarize(name, wall, seconds, args.size, before, after, base, single,
                                graders)
                row["round"] = rnd + 1
                correct = [seconds[s] for s in students if kinds[s] == "correct" and s in seconds]
                if correct and "nbclient_correct_s" in report:
                    row["overhead_correct_s"] = round(sum(correct) / len(correct)
                                                      - report["nbclient_correct_s"], 1)
                report["modes"].append(row)
                runs.append({r.student: r.as_dict() for r in results})
                print(json.dumps(row), flush=True)
        report["medians"] = medians(report["modes"], [step[0] for step in plan])
        first = runs[0]
        report["identical_results"] = all(r == first for r in runs)
        report["scores"] = {s: first[s]["score"] for s in students}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"\n{args.size} submissions {report['mix']}, {report['cores']} cores")
    print("speed-up: against 1 worker in the default environment; scaling: against 1 worker "
          "with one thread per submission, as each of the N workers has")
    print("busy: share of the graders' time spent grading a submission")
    print(f"{'round':<6}{'mode':<22}{'wall s':>8}{'per hour':>10}{'speed-up':>10}"
          f"{'scaling':>9}{'busy':>7}{'mean s/sub':>12}{'overhead s':>12}"
          f"  load avg before -> after")
    for m in report["modes"]:
        print(f"{m['round']:<6}{m['mode']:<22}{m['wall_s']:>8}{m['per_hour']:>10}"
              f"{m['speedup'] or '':>10}{m['scaling'] or '':>9}{m['busy']:>7}"
              f"{m['per_submission_mean_s'] or '':>12}{m.get('overhead_correct_s', ''):>12}"
              f"  {m['load_before']} -> {m['load_after']}")
    if args.rounds > 1:
        print(f"\nmedians over {args.rounds} rounds (range in brackets)")
        for name, m in report["medians"].items():
            scal = (f"  scaling {m['scaling']} {m['scaling_range']}" if m["scaling"] else "")
            print(f"{name:<22} {m['wall_s']} s {m['wall_range_s']}  {m['per_hour']} per hour"
                  f"{scal}")
    print(f"identical results in every mode: {report['identical_results']}")
    out = HERE / "results" / f"scale-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out.relative_to(ROOT)}")
    return 0 if report["identical_results"] else 1


if __name__ == "__main__":
    sys.exit(main())
