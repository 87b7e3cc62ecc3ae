"""Benchmark: the course's two trainings with the baseline and the project's helpers.

    python bench/run.py [--repeats 5] [--baseline-repeats 1] [--quick]

Needs the course data (DNN_APP_DATA, default ../shared/datasets). In one run it
measures, each case in a fresh subprocess (so BLAS thread settings never leak):

* 2500-iteration runs of the 2-layer and the L-layer model, trained by the
  course's reference student functions, with
    - the textbook helpers of ``bench/baseline.py`` at numpy's default BLAS
      threads (what a learner gets without this library),
    - the same at 1 BLAS thread (what the thread setting alone gives),
    - the project's helpers as a learner runs them (the maths as written,
      numpy's default BLAS threads: the fast path not installed),
    - the project's helpers with the fast path installed (``speed.install()``,
      as grading does) and the compiled kernels off (DNN_APP_KERNELS=off:
      numpy and the thread splitting only, what a machine without a C
      compiler gets),
    - the same with the default environment (no DNN_APP_* set);
  medians of ``--repeats`` runs, the worst run / median (stalls), the speed-up,
  the achieved GFLOP/s, peak memory (max RSS) and the numbers check (costs vs
  the course's, dnn_course/course/course_numbers.json, relative; accuracy lines);
* the machine's limits: float64 matmul peak (big square dgemm, default threads
  and 1 thread) and streaming bandwidth (array copy, 1 thread and all cores);
  from them the floor per iteration, max(bytes moved / bandwidth,
  flops / peak), and how far above it each case runs;
* the whole source notebook's execution time (nbclient) and one full
  submission's autograde time (when the grading command exists).

``--quick`` runs 250 iterations and 2 repeats (times scaled to 2500) and skips
the notebook and autograde: a smoke test of the benchmark itself.
Prints a table and writes JSON to bench/results/ (git-ignored).
"""
import argparse
import contextlib
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
ITERATIONS = 2500

MODELS = {
    # name: (student function, layers_dims, MFLOP per iteration with / without dA0)
    "2-layer": ("two_layer_model", (12288, 7, 1), 108, 72),
    "L-layer": ("L_layer_model", [12288, 20, 7, 5, 1], 308, 206),
}
CASES = {
    # name: (helpers, environment changes; None = remove the variable)
    # baseline: DNN_APP_BLAS_THREADS is applied by the worker (threadpoolctl), as install() would
    "baseline": ("baseline", {"DNN_APP_BLAS_THREADS": "default", "DNN_APP_THREADS": None}),
    "baseline-1thread": ("baseline", {"DNN_APP_BLAS_THREADS": "1", "DNN_APP_THREADS": None}),
    "project-as-written": ("project-plain", {"DNN_APP_BLAS_THREADS": None, "DNN_APP_THREADS": None,
                                             "DNN_APP_KERNELS": None}),
    "project-numpy": ("project", {"DNN_APP_BLAS_THREADS": None, "DNN_APP_THREADS": None,
                                  "DNN_APP_KERNELS": "off"}),
    "project": ("project", {"DNN_APP_BLAS_THREADS": None, "DNN_APP_THREADS": None,
                            "DNN_APP_KERNELS": None}),
}


def _spec():
    """The course's cost curve (every 100 iterations) and accuracy lines, per model."""
    from dnn_course.course import course_numbers as n

    return {"2-layer": (n.TWO_LAYER_COSTS, list(n.TWO_LAYER_ACCURACY)),
            "L-layer": (n.L_LAYER_COSTS, list(n.L_LAYER_ACCURACY))}


# ---------------------------------------------------------------- subprocess side
def _data():
    from dnn_app_utils.data import load_data
    train_x_orig, train_y, test_x_orig, test_y, _ = load_data()
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.
    test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.
    return train_x, train_y, test_x, test_y


def _namespace(helpers):
    """The reference student functions, calling the chosen helpers."""
    if helpers in ("project", "project-plain"):
        from dnn_course.course.solutions import load_solutions
        return load_solutions()
    import numpy as np
    from baseline import HELPERS
    from dnn_course.course.solutions import solution_sources
    ns = {"__name__": "bench_baseline", "np": np, **HELPERS}
    for gid, src in solution_sources().items():
        exec(compile(src, f"<source notebook: {gid}>", "exec"), ns)
    return ns


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_train(helpers, model, iterations, repeats):
    from threadpoolctl import threadpool_info
    sys.path.insert(0, str(HERE))
    # The project's case installs the fast path, as grading does (DNN_APP_* as the
    # case set them); the baseline applies DNN_APP_BLAS_THREADS alone ("default":
    # numpy's threads); "project-plain" is the maths as written, nothing installed.
    if helpers == "project":
        from dnn_app_utils import speed
        speed.install()
    elif helpers == "baseline":
        from dnn_app_utils import _threads
        _threads.configure_blas_threads()
    train_x, train_y, test_x, test_y = _data()
    ns = _namespace(helpers)
    fn_name, dims, _, _ = MODELS[model]
    fn = ns[fn_name]
    rss_before = _maxrss_mb()
    times, costs, params = [], None, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            params, costs = fn(train_x, train_y, dims, num_iterations=iterations)
        times.append(time.perf_counter() - t0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns["predict"](train_x, train_y, params)
        ns["predict"](test_x, test_y, params)
    gold_costs, gold_acc = _spec()[model]
    n = min(len(costs), len(gold_costs))
    rel = [abs(float(c) - g) / abs(g) for c, g in zip(costs[:n], gold_costs[:n])]
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info()
            if i["user_api"] == "blas"]
    workers = path = None
    if helpers == "project":
        from dnn_app_utils import _threads, speed
        workers, path = _threads.workers(), speed.status()
    return {"times": times, "maxrss_mb": _maxrss_mb(), "rss_before_mb": rss_before,
            "max_rel_cost_error": max(rel), "checkpoints": n,
            "accuracy": out.getvalue().split("\n")[:2],
            "accuracy_ok": out.getvalue().split("\n")[:2] == gold_acc if n == 25 else None,
            "blas": blas, "split_threads": workers, "path": path}


def worker_limits():
    """dgemm peak (default threads, then 1) and streaming bandwidth."""
    import numpy as np
    from concurrent.futures import ThreadPoolExecutor
    from threadpoolctl import threadpool_limits

    def best(f, n):
        ts = []
        for _ in range(n):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
        return min(ts)

    rng = np.random.default_rng(0)
    res = {}
    k = 3000
    A, B = rng.random((k, k)), rng.random((k, k))
    C = np.empty((k, k))
    res["dgemm_gflops_default"] = 2 * k ** 3 / best(lambda: np.matmul(A, B, out=C), 4) / 1e9
    with threadpool_limits(1, "blas"):
        res["dgemm_gflops_1thread"] = 2 * k ** 3 / best(lambda: np.matmul(A, B, out=C), 3) / 1e9
    A = B = C = None  # free 216 MB before the bandwidth arrays
    n = 32 * 2 ** 20                    # 256 MB per array: far beyond the caches
    a, b, c = rng.random(n), rng.random(n), np.empty(n)
    t = best(lambda: np.copyto(c, a), 5)
    res["copy_gbs_1thread"] = 2 * a.nbytes / t / 1e9          # read + write
    t = best(lambda: np.add(a, b, out=c), 5)
    res["add_gbs_1thread"] = 3 * a.nbytes / t / 1e9
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    edges = [n * i // cores for i in range(cores + 1)]
    with ThreadPoolExecutor(cores) as pool:
        def copy_all():
            list(pool.map(lambda i: np.copyto(c[edges[i]:edges[i + 1]], a[edges[i]:edges[i + 1]]),
                          range(cores)))
        t = best(copy_all, 5)
    res["copy_gbs_all_cores"] = 2 * a.nbytes / t / 1e9
    res["cores"] = cores
    res["peak_gflops"] = max(res["dgemm_gflops_default"], res["dgemm_gflops_1thread"])
    res["bandwidth_gbs"] = max(res["copy_gbs_1thread"], res["add_gbs_1thread"],
                               res["copy_gbs_all_cores"])
    return res


def worker_notebook():
    """Execute the whole source notebook, cwd a temp copy with datasets/ linked."""
    import nbformat
    from nbclient import NotebookClient
    data = os.environ.get("DNN_APP_DATA")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "dnn_app"
        shutil.copytree(ROOT / "source" / "dnn_app", work)
        if not (work / "datasets").exists():
            (work / "datasets").symlink_to(Path(data).resolve())
        os.environ.pop("DNN_APP_DATA", None)      # the notebook finds datasets/ itself
        nb = nbformat.read(str(work / "dnn_app.ipynb"), as_version=4)
        client = NotebookClient(nb, timeout=1800, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}})
        t0 = time.perf_counter()
        client.execute()
        return {"seconds": time.perf_counter() - t0}


def autograde_hook():
    """Seconds for one full autograde of a correct submission (both trainings).

    Grades in a scratch copy of the course folder, so the real gradebook and
    submitted/ are never touched.
    """
    from dnn_course.grading.batch import grade_all
    from dnn_course.course.paths import ASSIGNMENT
    from dnn_course.course.assignment import course_copy
    from dnn_course.demo.samples import write_samples

    with tempfile.TemporaryDirectory() as tmp:
        course = course_copy(Path(tmp) / "course", ROOT)
        write_samples(course, only={"demo-correct"})
        t0 = time.perf_counter()
        (result,) = grade_all(ASSIGNMENT, course, ["demo-correct"], progress=False)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "score": result.score, "max_score": result.max_score,
            "command": "dnn-course grade (one correct submission)"}


# ---------------------------------------------------------------- parent side
def _env(changes):
    env = dict(os.environ)
    env.setdefault("DNN_APP_DATA", str((ROOT.parent / "shared" / "datasets").resolve()))
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def _subprocess(args, env, timeout=7200):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    p = subprocess.run(cmd, env=env, cwd=str(ROOT), capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout).strip().splitlines()[-1:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def _load():
    try:
        return os.getloadavg()
    except OSError:
        return None


def _floor(model, limits):
    """Floor per iteration (s) from the measured limits, and what sets it."""
    _, dims, mflop, _ = MODELS[model]
    m, n_x, n_1 = 209, dims[0], dims[1]
    x_bytes = 8 * n_x * m
    w_bytes = 8 * n_x * n_1
    # X read by the forward and by the backward pass, dA0 written once; W1 read
    # twice, dW1 written, and the update reads W1, dW1 and writes the new W1.
    moved = 3 * x_bytes + 6 * w_bytes
    t_bw = moved / (limits["bandwidth_gbs"] * 1e9)
    t_fl = mflop * 1e6 / (limits["peak_gflops"] * 1e9)
    return max(t_bw, t_fl), {"bytes": moved, "bandwidth_s": t_bw, "flops_s": t_fl}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="runs per case of the project's helpers (median)")
    ap.add_argument("--baseline-repeats", type=int, default=1,
                    help="runs per baseline case (each takes minutes at default threads)")
    ap.add_argument("--quick", action="store_true",
                    help="250 iterations, 2 repeats, no notebook/autograde")
    ap.add_argument("--worker", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker is not None:           # inside a subprocess: one case, JSON out
        kind, *rest = args.worker
        if kind == "train":
            helpers, model, iters, reps = rest
            result = worker_train(helpers, model, int(iters), int(reps))
        elif kind == "limits":
            result = worker_limits()
        else:
            result = worker_notebook()
        print(json.dumps(result))
        return 0

    iterations = 250 if args.quick else ITERATIONS
    repeats = 2 if args.quick else args.repeats
    scale = ITERATIONS / iterations
    report = {"date": datetime.now().isoformat(timespec="seconds"),
              "machine": {"platform": platform.platform(), "processor": _cpu_name(),
                          "cores": os.cpu_count(), "python": platform.python_version()},
              "iterations": iterations, "repeats": repeats, "load_before": _load()}
    print(f"machine: {report['machine']['processor']}, {os.cpu_count()} cores; "
          f"load average {report['load_before']}")
    limits = _subprocess(["limits"], _env({"DNN_APP_BLAS_THREADS": "default"}))
    report["limits"] = limits
    print(f"limits: dgemm {limits['dgemm_gflops_default']:.1f} GFLOP/s (default threads), "
          f"{limits['dgemm_gflops_1thread']:.1f} (1 thread); copy "
          f"{limits['copy_gbs_1thread']:.1f} GB/s (1 thread), "
          f"{limits['copy_gbs_all_cores']:.1f} (all cores), add {limits['add_gbs_1thread']:.1f}")

    rows = []
    report["cases"] = {}
    for model in MODELS:
        floor, floor_parts = _floor(model, limits)
        report.setdefault("floor", {})[model] = {"seconds_per_iteration": floor, **floor_parts}
        for case, (helpers, env) in CASES.items():
            print(f"running {model} / {case} ...", flush=True)
            reps = repeats if case == "project" or args.quick else args.baseline_repeats
            r = _subprocess(["train", helpers, model, str(iterations), str(reps)], _env(env))
            r["case"], r["model"] = case, model
            report["cases"][f"{model}/{case}"] = r
            rows.append(r)
    print()
    print(_table(rows, report, scale))

    if not args.quick:
        print("\nrunning the source notebook ...", flush=True)
        nb = _subprocess(["notebook"], _env({"DNN_APP_BLAS_THREADS": None,
                                             "DNN_APP_THREADS": None}))
        report["notebook"] = nb
        print("whole source notebook:",
              f"{nb['seconds']:.1f} s" if "seconds" in nb else f"failed: {nb.get('error')}")
        ag = autograde_hook()
        report["autograde"] = ag
        print(f"one full autograde (correct submission, {ag['score']:g}/{ag['max_score']:g}): "
              f"{ag['seconds']:.1f} s")
    report["load_after"] = _load()
    print(f"load average after: {report['load_after']}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


def _median(xs):
    s = sorted(xs)
    k = len(s)
    return s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2


def _table(rows, report, scale):
    lines = [f"{'model':8} {'case':17} {'s/2500 it':>9} {'max/med':>7} {'speed-up':>8} "
             f"{'GFLOP/s':>7} {'ms/it':>6} {'x floor':>7} {'RSS MB':>6} {'cost rel err':>12} acc"]
    base = {}
    for r in rows:
        if "error" in r:
            lines.append(f"{r['model']:8} {r['case']:17} FAILED: {r['error']}")
            continue
        med = _median(r["times"])
        per_it = med / report["iterations"]
        if r["case"] == "baseline":
            base[r["model"]] = med
        _, _, mflop, _ = MODELS[r["model"]]
        floor = report["floor"][r["model"]]["seconds_per_iteration"]
        speed = base.get(r["model"], float("nan")) / med
        r.update({"median_s": med, "median_s_2500": med * scale,
                  "max_over_median": max(r["times"]) / med, "speedup_vs_baseline": speed,
                  "gflops": mflop * 1e6 / per_it / 1e9, "x_floor": per_it / floor})
        acc = {True: "ok", False: "DIFF", None: "-"}[r["accuracy_ok"]]
        if r.get("path"):
            lines.append(f"{'':8} {r['case']:17} runs on: {r['path']}, {r['split_threads']} thread(s)")
        lines.append(f"{r['model']:8} {r['case']:17} {med * scale:9.2f} {r['max_over_median']:7.2f} "
                     f"{speed:8.2f} {r['gflops']:7.1f} {per_it * 1e3:6.2f} {r['x_floor']:7.2f} "
                     f"{r['maxrss_mb']:6.0f} {r['max_rel_cost_error']:12.1e} {acc}")
    for model, f in report["floor"].items():
        lines.append(f"floor {model}: {f['seconds_per_iteration'] * 1e3:.2f} ms/iteration "
                     f"(bytes {f['bytes'] / 1e6:.0f} MB -> {f['bandwidth_s'] * 1e3:.2f} ms; "
                     f"flops -> {f['flops_s'] * 1e3:.2f} ms)")
    return "\n".join(lines)


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
