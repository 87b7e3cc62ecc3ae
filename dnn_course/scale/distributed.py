"""Grade on a Dask distributed cluster: ``--scheduler ADDRESS``.

No shared file system is assumed. Everything travels through Dask:

* to the workers: a **bundle** of the course (``nbgrader_config.py``,
  ``source/``, ``release/`` as zip bytes, sent once as a task result, recomputed if lost),
  the **course data** the client found (``course_data.find_course_data``: its
  ``DNN_APP_DATA``, ``source/<assignment>/datasets/`` or ``datasets/``; the two
  files, ~3 MB, sent once the same way and written on each worker process into
  a private folder outside any course, which ``DNN_APP_DATA`` names while it
  grades) and, per task, the student's submission folder as ``{relative path: bytes}``;
* on a worker, ``grade_remote`` unpacks the bundle once into a template course
  with its own SQLite gradebook (``course_copy``: the assignment recorded, the
  release checked), copies it for each task, writes the submission in, and
  runs the course's own ``grade_one`` there: the same nbgrader autograde, the
  same execution guard and limits as local grading;
* back to the client: the files of the autograded folder (the executed
  notebook first of all) and the worker's result.

**The client is the only writer of the real gradebook.** For each returned
submission it writes ``autograded/<student>/<assignment>/``, then records the
grades exactly as nbgrader's autograde does, with nbgrader's own code on the
returned notebook: ``update_or_create_submission`` (with the submission's
``timestamp.txt``, read from the client's ``submitted/``), then the
``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors. Grades come from
whether each test cell of the executed notebook raised, so the gradebook ends
up as local grading leaves it, manual scores kept; ``read_result`` gives the
same result. Then the receipt is written, so batches resume as locally.

Submissions that need no run (not valid JSON, already graded) are handled
locally by ``grade_one`` without executing anything.

**A worker that dies mid-task**: the scheduler notices the lost worker and
gives its tasks to another; a task whose workers die more than the
scheduler's ``distributed.scheduler.allowed-failures`` times (default 3) fails
with ``KilledWorker`` and its submission is reported "not graded" with the
reason. Grading is a pure function of the bundle and the submission, so a
regrade gives the same result.

**Workers** need the course environment (``pip install -r requirements.txt``),
not the data (it comes from the client); the client checks every worker before
sending anything. Without course data on the client nothing is sent: every
submission to grade is "not graded" with the reason. Start workers with
``--nthreads 1`` (``--nworkers N`` for N per machine): nbgrader changes the
process's working directory while it grades, so a worker process grades one
submission at a time whatever its thread count. Each task sets ``DNN_APP_THREADS=max(1, cores // graders on
that machine)`` for its kernel unless the worker's environment sets it.
"""
import contextlib
import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbgrader.api import Gradebook
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from tqdm.auto import tqdm

from dnn_course.course.assignment import course_copy
from dnn_course.course.context import Course
from dnn_course.course.course_data import (course_data_problem, data_env, data_payload,
                                           find_course_data, received_folder)
from dnn_course.course.facts import THREADS_ENV
from dnn_course.course.gradebook_db import retry_locked, sqlite_url
from dnn_course.course.nbapi import make_api, runs_every_cell
from dnn_course.course.paths import COURSE_ROOT, NOTEBOOK, StrPath
from dnn_course.grading.batch import BatchResults, needs_run, quiet_gradebook_warnings, start_batch
from dnn_course.grading.late import RecordGrade
from dnn_course.grading.order import longest_first
from dnn_course.grading.receipts import clear_receipt, write_receipt
from dnn_course.grading.results import SubmissionResult, max_score_of, read_result
from dnn_course.grading.submission import grade_one
from dnn_course.scale.resources import threads_per_worker

# dask's distributed is imported where used: it is not among the course package's
# dependencies (requirements.txt installs it), and connect() says how to install it.
if TYPE_CHECKING:
    from distributed import Client

BUNDLE_PARTS = ("nbgrader_config.py", "source", "release")
SKIP = {".ipynb_checkpoints", "__pycache__", "datasets"}
CONNECT_TIMEOUT = 15      # seconds to reach the scheduler
WORKER_WAIT = 60          # seconds to wait for a first worker

_templates: dict[str, Path] = {}  # bundle digest -> template course folder (per worker process)
_template_lock = threading.Lock()
_grading_lock = threading.Lock()   # nbgrader chdirs: one grading per process at a time
_user_threads = os.environ.get(THREADS_ENV)


class DaskSetupError(Exception):
    """The cluster cannot be used; the message says why and what to do."""


# ---------------------------------------------------------------- bundles

def _skipped(path):
    return any(part in SKIP for part in path.parts) or path.suffix in (".h5", ".pyc")


def course_bundle(root: StrPath = COURSE_ROOT) -> tuple[bytes, str]:
    """(zip bytes, sha256) of what a worker needs of the course: config,
    source/ and release/ (no data, no caches). Same files, same bytes."""
    root = Path(root).resolve()
    files = []
    for part in BUNDLE_PARTS:
        top = root / part
        if top.is_file():
            files.append(top)
        elif top.is_dir():
            files += sorted(p for p in top.rglob("*") if p.is_file() and not _skipped(p.relative_to(root)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes())
    data = buf.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def submission_files(root: StrPath, assignment: str, student: str) -> dict[str, bytes]:
    """The student's submitted folder as {relative path: bytes}."""
    folder = Path(root) / "submitted" / student / assignment
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not _skipped(p.relative_to(folder))}


def _write_files(folder, files):
    """Write {relative path: bytes} under ``folder``, refusing paths that leave it."""
    folder = Path(folder).resolve()
    for rel, data in files.items():
        target = (folder / rel).resolve()
        if folder not in target.parents:
            raise ValueError(f"refusing to write {rel!r} outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# ---------------------------------------------------------------- worker side

def _template(bundle, digest):
    """This process's template course for the bundle: built once, reused."""
    with _template_lock:
        if digest in _templates and (_templates[digest] / "gradebook.db").is_file():
            return _templates[digest]
        base = Path(tempfile.mkdtemp(prefix=f"dnn-course-{digest[:12]}-"))
        with zipfile.ZipFile(io.BytesIO(bundle)) as z:
            z.extractall(base / "bundle")
        _templates[digest] = course_copy(base / "course", root=base / "bundle")
        return _templates[digest]


def _set_threads(graders_per_host):
    """DNN_APP_THREADS for the kernels this worker starts (unless set by the user)."""
    if _user_threads:
        return
    from distributed import get_worker

    host = get_worker().address.rsplit(":", 1)[0]
    os.environ[THREADS_ENV] = str(threads_per_worker((graders_per_host or {}).get(host, 1)))


def grade_remote(bundle: bytes, digest: str, assignment: str, student: str, files: dict[str, bytes],
                 graders_per_host: dict[str, int] | None = None, data: str | tuple[str, dict[str, bytes]] | None = None,
                 full_run: bool = False) -> dict[str, Any]:
    """Grade one submission in a scratch course on this worker; return a dict:
    ``files`` (the autograded folder), ``status``/``reason``/``result`` (the
    worker's view) and timing. ``data`` is the client's course data
    (``course_data.data_payload``; None: the worker's own ``DNN_APP_DATA``).
    ``full_run``: run every cell (the client's ``--full-run``; ``skip.py``).
    Pure: the same inputs give the same output."""
    quiet_gradebook_warnings()
    started = time.monotonic()
    _set_threads(graders_per_host)
    template = _template(bundle, digest)
    with _grading_lock, (data_env(received_folder(data)) if data is not None
                         else contextlib.nullcontext()):
        waited = time.monotonic() - started
        work = Path(tempfile.mkdtemp(prefix="dnn-grade-"))
        try:
            course = shutil.copytree(template, work / "course")
            _write_files(course / "submitted" / student / assignment, files)
            # the scratch course's own gradebook, whatever the bundle's config names
            api = make_api(course, sqlite_url(course / "gradebook.db"), full_run=full_run)
            result = grade_one(api, course, assignment, student, force=True)
            out = course / "autograded" / student / assignment
            produced = {p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()} if out.is_dir() else {}
        finally:
            shutil.rmtree(work, ignore_errors=True)
    from distributed import get_worker

    return {"student": student, "status": result.status, "reason": result.reason,
            "result": result.as_dict(), "files": produced, "worker": get_worker().address,
            "pid": os.getpid(), "seconds": time.monotonic() - started, "waited": waited}


def _unchanged(data):
    """The course bundle as a task result (see grade_dask)."""
    return data


def check_worker() -> list[str]:
    """Run on each worker before a batch: what would stop it grading (list of text)."""
    problems = []
    try:  # imported here: a worker without the course environment is told so, not crashed
        import nbgrader

        import dnn_app_utils  # noqa: F401  (the kernels import it)
        if not nbgrader.__version__.startswith("0.9"):
            problems.append(f"nbgrader {nbgrader.__version__} (the course needs 0.9)")
    except ImportError as e:
        problems.append(f"the course environment is not installed ({e}): pip install -r requirements.txt")
    return problems  # the course data comes from the client (grade_dask)


# ---------------------------------------------------------------- client side

def check_address(address: str | None) -> None:
    """A DaskSetupError unless ``address`` looks like a scheduler address."""
    if not address or ("://" not in address and ":" not in address):
        raise DaskSetupError(f"--scheduler {address!r} is not a scheduler address; give the "
                             "one `dask scheduler` prints, e.g. tcp://127.0.0.1:8786")


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> "Client":
    """A Dask client for ``address``, or a DaskSetupError naming the problem and the fix."""
    try:
        from distributed import Client
    except ImportError:
        raise DaskSetupError("--scheduler needs the packages dask and distributed: "
                             "pip install -r requirements.txt") from None
    check_address(address)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TimeoutError) as e:
        raise DaskSetupError(f"--scheduler {address}: no Dask scheduler answered there within "
                             f"{timeout} s ({type(e).__name__}: {e}). Start one with `dask "
                             "scheduler` and pass the address it prints (e.g. "
                             "tcp://127.0.0.1:8786), and check the host, port and firewall.") from None


def _graders_per_host(client):
    """{host: worker processes there}: each grades one submission at a time."""
    counts: dict[str, int] = {}
    for addr in client.scheduler_info()["workers"]:
        host = addr.rsplit(":", 1)[0]
        counts[host] = counts.get(host, 0) + 1
    return counts


def check_cluster(client: "Client", wait: float = WORKER_WAIT) -> None:
    """Fail early, with a reason, when no worker can grade."""
    try:
        client.wait_for_workers(1, timeout=wait)
    except (TimeoutError, OSError):
        address = client.scheduler.address if client.scheduler else "?"
        raise DaskSetupError(f"the scheduler {address} has no workers after "
                             f"{wait} s: start some with `dask worker {address} "
                             "--nthreads 1`") from None
    bad = {w: p for w, p in client.run(check_worker).items() if p}
    if bad:
        raise DaskSetupError("these workers cannot grade: " + "; ".join(
            f"{w}: {', '.join(p)}" for w, p in sorted(bad.items())))


def record(api: Any, root: StrPath, assignment: str, student: str, payload: dict[str, Any],
           digest: str) -> SubmissionResult:
    """Write a worker's autograded folder into ``root`` and its grades into the
    gradebook (nbgrader's own preprocessors on the returned notebook); return
    the SubmissionResult, read back as for local grading."""
    root = Path(root)
    out_dir = root / "autograded" / student / assignment
    clear_receipt(root, assignment, student)
    if out_dir.exists():  # an older grading of this submission (ours, regenerated below)
        shutil.rmtree(out_dir)
    url, course_id = api.coursedir.db_url, api.coursedir.course_id
    with Gradebook(url, course_id) as gb:
        gb.update_or_create_student(student)
        stamp = api.coursedir.get_existing_timestamp(str(root / "submitted" / student / assignment))
        if stamp:
            gb.update_or_create_submission(assignment, student, timestamp=stamp)
        else:
            gb.update_or_create_submission(assignment, student)
        max_score = max_score_of(gb, assignment)
    if payload["status"] != "graded" or NOTEBOOK not in payload["files"]:
        return SubmissionResult.not_graded(student, max_score, payload["reason"])
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    _write_files(staging, payload["files"])
    staging.rename(out_dir)
    nb = nbformat.read(str(out_dir / NOTEBOOK), as_version=4)
    resources = {"nbgrader": {"notebook": Path(NOTEBOOK).stem, "assignment": assignment,
                              "student": student, "db_url": url}}
    for step in (SaveAutoGrades, AssignLatePenalties, RecordGrade):
        nb, resources = step(config=api.config).preprocess(nb, resources)
    write_receipt(root, assignment, student, digest)
    with api.gradebook as gb:
        return read_result(gb, root, assignment, student)


def grade_dask(assignment: str, root: StrPath = COURSE_ROOT, students: Iterable[str] | None = None,
               scheduler_address: str | None = None, force: bool = False, db_url: str | None = None,
               progress: bool = True, course: Course | None = None) -> BatchResults:
    """Grade ``students`` on the Dask cluster at ``scheduler_address``, as ``grade_all`` grades them.

    Args:
        scheduler_address: the scheduler, e.g. ``tcp://10.0.0.5:8786``; the others as
            for ``grading.batch.grade_all``.

    Returns:
        BatchResults: in the order of ``students``; ``runs``: student -> {"worker",
        "pid", "seconds", "waited", "record_s"} for the submissions the cluster graded.
    """
    check_address(scheduler_address)
    batch = start_batch(assignment, root, students, db_url, force, course)
    root, api = batch.root, batch.api
    results = {}
    remote = [s for s in batch.students if needs_run(root, assignment, s, force)]
    if remote and course_data_problem(root, assignment):
        remote = []  # nothing can run: grade_one says why, without the cluster
    # needs_run read the receipts already: order without checking them again
    remote = longest_first(root, assignment, remote, force=True)
    for s in batch.students:
        if s not in remote:  # invalid, missing or already graded: nothing to run
            results[s] = retry_locked(lambda: grade_one(api, root, assignment, s, force))
    if remote:
        results.update(_grade_remote_batch(batch, remote, scheduler_address, progress))
    return batch.results(results)


def _grade_remote_batch(batch, remote, scheduler_address, progress):
    """Send ``remote`` to the cluster, record each returned grading; return {student: result}."""
    from distributed import as_completed

    root, assignment, api, results = batch.root, batch.assignment, batch.api, {}
    client = connect(scheduler_address)
    try:
        check_cluster(client)
        bundle, digest = course_bundle(root)
        # a task, not scattered data: if every copy dies with its worker the
        # scheduler recomputes it from its spec instead of cancelling the batch
        shared = client.submit(_unchanged, bundle, key=f"course-bundle-{digest}", pure=False)
        payload = data_payload(find_course_data(root, assignment))  # the client's data
        tag = "synthetic" if payload == "synthetic" else payload[0][:16]
        data = client.submit(_unchanged, payload, key=f"course-data-{tag}", pure=False)
        hosts = _graders_per_host(client)
        futures, digests = {}, {}
        for rank, s in enumerate(remote):  # longest first: Dask runs high priority first
            files = submission_files(root, assignment, s)
            digests[s] = hashlib.sha256(files[NOTEBOOK]).hexdigest()
            f = client.submit(grade_remote, shared, digest, assignment, s, files, hosts, data,
                              runs_every_cell(api.config),
                              key=f"grade-{assignment}-{s}-{digests[s][:12]}-{time.time_ns()}",
                              pure=False, priority=len(remote) - rank)
            futures[f] = s
        bar = tqdm(total=len(remote), desc=f"grading {assignment} on {scheduler_address}",
                   unit="submission", disable=not progress)
        for future in as_completed(futures, loop=client.loop):
            s = futures[future]
            try:
                payload = future.result()
                run = batch.runs[s] = {k: payload[k] for k in ("worker", "pid", "seconds", "waited")}
                t = time.monotonic()
                results[s] = retry_locked(
                    lambda: record(api, root, assignment, s, payload, digests[s]))
                run["record_s"] = time.monotonic() - t
            except Exception as e:  # KilledWorker, or a fault on the worker
                results[s] = batch.not_graded(s, "grading on the cluster failed: "
                                                 f"{type(e).__name__}: {e}")
            bar.update(1)
            bar.set_postfix_str(s)
        bar.close()
    finally:
        client.close()
    return results
