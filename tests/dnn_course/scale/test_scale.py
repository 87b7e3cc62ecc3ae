"""Grading at scale gives the same results as grading one by one: 2 worker
processes, a loopback Dask cluster (a scheduler and two workers as
subprocesses), SQLite under lock contention and a real PostgreSQL server.

The batch is cheap on purpose: blank, raising and invalid submissions, and
"fast" ones whose functions are right (or carry one catalogued mistake) but
refuse the notebook's two 2500-iteration trainings, which no test cell needs.
So each runs in seconds while still scoring 20/20 or losing named points.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from glob import glob
from pathlib import Path

import pytest

from conftest import course_data_dir
from dnn_course.grading.batch import grade_all
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.demo.samples import RAISES, sample_notebooks, write_samples
from scale_helpers import Cluster, _dask, fast_samples, free_port, missing, write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_env():
    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def template(tmp_path_factory, data_env, course_template):
    """A scratch course with the cheap batch submitted, not yet graded."""
    root = course_template.copy(tmp_path_factory.mktemp("template") / "course")
    write_samples(root, only={"demo-blank", "demo-raises", "demo-invalid-json"})
    for student, nb in fast_samples().items():
        write(root, student, nb)
    return root


def fresh(template, tmp_path, name="course"):
    """A copy of the ungraded course (its own gradebook), for one grading mode."""
    return Path(shutil.copytree(template, tmp_path / name))


def key(results):
    """What must be identical across modes: every field of every result."""
    return {r.student: r.as_dict() for r in results}


@pytest.fixture(scope="module")
def baseline(template, tmp_path_factory):
    """The batch graded one by one (grade_all): the reference for every mode."""
    root = fresh(template, tmp_path_factory.mktemp("baseline"))
    results = grade_all(ASSIGNMENT, root, progress=False)
    by = {r.student: r for r in results}
    assert by["fast-correct"].score == 20, by["fast-correct"]
    assert 0 < by["fast-wrong-sign-dA2"].score < 20 and 0 < by["fast-hard-coded-rate"].score < 20
    assert by["demo-blank"].score == 0 and by["demo-invalid-json"].status == "not graded"
    return root, results


def autograded_files(root):
    base = Path(root) / "autograded"
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


# ---------------------------------------------------------------- workers

def test_two_workers_grade_like_one(template, baseline, tmp_path):
    """--workers 2: same results, same autograded files, two processes at work."""
    from dnn_course.scale.parallel import grade_parallel

    root = fresh(template, tmp_path)
    results = grade_parallel(ASSIGNMENT, root, workers=2, progress=False)
    assert [r.student for r in results] == [r.student for r in baseline[1]]
    assert key(results) == key(baseline[1])
    assert autograded_files(root) == autograded_files(baseline[0])
    last_run = results.runs  # run statistics come back with the results
    assert len({run["pid"] for run in last_run.values()}) == 2
    # longest first: the blank and the invalid one (alphabetically first) wait
    # until a filled-in submission is done
    started = {s: run["started"] for s, run in last_run.items()}
    filled = [s for s in started if s.startswith("fast-")]
    first_filled = min(started[s] for s in filled)
    assert min(started["demo-blank"], started["demo-invalid-json"]) > first_filled, started
    again = grade_parallel(ASSIGNMENT, root, workers=2, progress=False)  # resumable: no change
    assert key(again) == key(baseline[1])


def test_worker_threads_share_the_cores():
    from dnn_course.scale.resources import threads_per_worker

    assert [threads_per_worker(n, cores=2) for n in (1, 2, 3)] == [2, 1, 1]
    assert threads_per_worker(2, cores=8) == 4


# ---------------------------------------------------------------- SQLite locking

def hold_lock(db, seconds):
    """Hold SQLite's exclusive lock on ``db`` for ``seconds`` in a thread."""
    ready = threading.Event()

    def run():
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        ready.set()
        time.sleep(seconds)
        con.execute("COMMIT")
        con.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    ready.wait(10)
    return t


def test_busy_timeout_waits_where_a_plain_url_fails(tmp_path):
    """The hazard is real: a writer without busy handling fails on a held lock;
    the prepared URL waits for it."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import OperationalError

    from dnn_course.course.gradebook_db import prepare
    from dnn_course.course.nbapi import venv_on_path

    venv_on_path()  # a new gradebook runs `alembic`
    db = tmp_path / "gb.db"
    with Gradebook(f"sqlite:///{db}"):
        pass
    t = hold_lock(str(db), 2.5)
    with pytest.raises(OperationalError, match="database is locked"):
        with Gradebook(f"sqlite:///{db}?timeout=0.5") as gb:
            gb.add_student("impatient")
    url = prepare(f"sqlite:///{db}")
    assert "timeout=120" in url
    with Gradebook(url) as gb:
        gb.add_student("patient")  # waits for the lock, then writes
    t.join()
    with Gradebook(url) as gb:
        assert [s.id for s in gb.students] == ["patient"]


def test_concurrent_grading_under_lock_contention_loses_no_grade(template, baseline, tmp_path):
    """Two workers grade while another process keeps taking the gradebook's
    exclusive lock for longer than the writers' busy timeout: "database is
    locked" happens, the submissions are graded again, and every grade arrives."""
    from dnn_course.scale.parallel import ATTEMPTS, BACKOFF, grade_parallel

    root = fresh(template, tmp_path)
    db = root / "gradebook.db"
    stop = threading.Event()
    # The contention must end well inside the retries' own window (the sleeps
    # alone span 2 + 4 + 8 + 16 = 30 s); a 40 s window let a fast-failing
    # submission use up all its tries while the lock was still being taken.
    # It starts once a worker is grading (its autograded folder appears): on a loaded
    # machine the workers' start-up alone outlasted a window opened before them.
    window = 0.5 * BACKOFF * (2 ** (ATTEMPTS - 1) - 1)

    def contend():
        started = time.monotonic()
        while not stop.is_set() and time.monotonic() - started < 600 and not (
                (root / "autograded").is_dir() and any((root / "autograded").iterdir())):
            time.sleep(0.05)
        con = sqlite3.connect(str(db), isolation_level=None, timeout=30)
        deadline = time.monotonic() + window
        while not stop.is_set() and time.monotonic() < deadline:
            con.execute("BEGIN EXCLUSIVE")
            time.sleep(2.0)
            con.execute("COMMIT")
            time.sleep(0.7)
        con.close()

    t = threading.Thread(target=contend, daemon=True)
    t.start()
    try:  # a 0.3 s busy timeout: far shorter than the 2 s lock, so writers do fail
        results = grade_parallel(ASSIGNMENT, root, workers=2, progress=False,
                                 db_url=f"sqlite:///{db}?timeout=0.3")
    finally:
        stop.set()
        t.join()
    assert key(results) == key(baseline[1])
    assert sum(run["retries"] for run in results.runs.values()) > 0, results.runs


# ---------------------------------------------------------------- PostgreSQL

def _pg_bin():
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="module")
def pg_url():
    """A PostgreSQL server URL: $DNN_COURSE_TEST_PG_URL, or a throw-away server
    started here on 127.0.0.1 (initdb into a scratch folder, as the postgres
    user when root: PostgreSQL refuses to run as root)."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        missing("psycopg2 is not installed: pip install -r requirements.txt")
    if os.environ.get("DNN_COURSE_TEST_PG_URL"):
        yield os.environ["DNN_COURSE_TEST_PG_URL"]
        return
    bindir = _pg_bin()
    if bindir is None:
        missing("PostgreSQL's server binaries are not installed (apt-get install -y postgresql)")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:  # in the postgres user's home: /tmp may not be traversable for it
        import pwd

        home = Path(pwd.getpwnam("postgres").pw_dir)
        home.mkdir(parents=True, exist_ok=True)
        shutil.chown(home, "postgres", "postgres")
        data = Path(tempfile.mkdtemp(prefix="dnn-course-test-", dir=home))
        shutil.chown(data, "postgres", "postgres")
    else:
        data = Path(tempfile.mkdtemp(prefix="dnn-course-pg-"))
    port = free_port()
    run = lambda *cmd: subprocess.run(as_pg + [str(c) for c in cmd], check=True,  # noqa: E731
                                      capture_output=True, text=True)
    try:
        run(bindir / "initdb", "-D", data / "db", "-U", "postgres", "--auth=trust", "-E", "UTF8")
        run(bindir / "pg_ctl", "-D", data / "db", "-l", data / "log", "-w", "-t", "60", "start",
            "-o", f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off")
    except subprocess.CalledProcessError as e:
        shutil.rmtree(data, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {e.stderr}")
    import sqlalchemy as sa

    admin = sa.create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text("CREATE ROLE grader LOGIN PASSWORD 'grader' CREATEDB"))
    admin.dispose()
    try:
        yield f"postgresql+psycopg2://grader:grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(as_pg + [str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast",
                                "-w", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_postgres_gradebook_graded_concurrently(template, baseline, tmp_path, pg_url):
    """Two workers grade into one PostgreSQL gradebook (created if missing): same results."""
    from nbgrader.api import Gradebook

    from dnn_course.course.gradebook_db import prepare
    from dnn_course.scale.parallel import grade_parallel
    from dnn_course.course.assignment import generate

    root = fresh(template, tmp_path)
    url = prepare(pg_url)  # creates the database
    assert generate(root, db_url=url) == "unchanged"  # records the assignment there
    results = grade_parallel(ASSIGNMENT, root, workers=2, progress=False, db_url=url)
    assert key(results) == key(baseline[1])
    with Gradebook(url, "dnn-cat-course") as gb:
        graded = {s.student.id for s in gb.find_assignment(ASSIGNMENT).submissions}
    assert graded == {r.student for r in results if r.status == "graded"}


def test_bad_db_urls_are_explained(tmp_path):
    from dnn_course.course.gradebook_db import GradebookURLError, prepare

    for url, words in (("not a url", "not a database URL"),
                       ("mysql://u@h/db", "SQLite and PostgreSQL"),
                       (f"sqlite:///{tmp_path}/nowhere/gb.db", "does not exist"),
                       (f"postgresql+psycopg2://u:p@127.0.0.1:{free_port()}/x", "server running")):
        with pytest.raises(GradebookURLError, match=words):
            prepare(url)


# ---------------------------------------------------------------- Dask

def test_dask_cluster_grades_like_local(template, baseline, tmp_path, dask_cluster):
    """Two loopback Dask workers, submissions and results through Dask: the same
    results, autograded files and gradebook as local grading."""
    from dnn_course.scale.distributed import grade_dask

    root = fresh(template, tmp_path)
    results = grade_dask(ASSIGNMENT, root, scheduler_address=dask_cluster.address, progress=False)
    assert key(results) == key(baseline[1])
    assert autograded_files(root) == autograded_files(baseline[0])
    assert len({run["worker"] for run in results.runs.values()}) == 2
    assert (root / "submitted" / "fast-correct" / ASSIGNMENT / NOTEBOOK).is_file()
    # a second run finds everything graded (receipts) and sends nothing
    again = grade_dask(ASSIGNMENT, root, scheduler_address=dask_cluster.address, progress=False)
    assert key(again) == key(baseline[1]) and not again.runs


def test_bad_scheduler_address_is_explained(tmp_path):
    _dask()
    from dnn_course.scale.distributed import DaskSetupError, connect

    with pytest.raises(DaskSetupError, match="dask scheduler"):
        connect(f"tcp://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(DaskSetupError, match="not a scheduler address"):
        connect("nonsense")


def test_cli_rejects_bad_scheduler_and_db(template):
    for extra, words in ((["--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler"),
                         (["--db", "bogus"], "not a database URL")):
        args = extra if extra[0] == "--scheduler" else []
        top = extra if extra[0] == "--db" else []
        p = subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(template), *top,
                            "grade", "--student", "demo-blank", *args],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 2 and words in p.stderr, p.stderr


SLEEPY = """import time as _time
_time.sleep(15)  # the kernel is busy here when the test kills its worker
"""


def _kernels(proc):
    """The notebook kernels among a process's descendants."""
    import psutil

    found = []
    for child in proc.children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_killed_dask_worker_submission_is_graded_elsewhere(template, baseline, tmp_path, data_env):
    """A worker killed while its kernel runs a submission: the scheduler gives the
    task to the other worker, and the result is what local grading gives."""
    import psutil
    from distributed import Client

    from dnn_course.scale.distributed import grade_dask

    root = fresh(template, tmp_path)
    nb = sample_notebooks()["demo-blank"]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "two_layer_model":
            cell.source = SLEEPY + RAISES["two_layer_model"]
        elif cell.metadata.get("nbgrader", {}).get("grade_id") == "L_layer_model":
            cell.source = RAISES["L_layer_model"]
    write(root, "sleepy", nb)
    cluster = Cluster()
    box, killed = {}, {}
    try:
        def grade():
            try:
                box["r"] = grade_dask(ASSIGNMENT, root, ["sleepy"], cluster.address, progress=False)
            except BaseException as e:  # shown by the assertions below
                box["error"] = e

        t = threading.Thread(target=grade)
        t.start()
        with Client(cluster.address, timeout=30) as client:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and t.is_alive():
                busy = [w for w, keys in client.processing().items()
                        if any(str(k).startswith("grade-") for k in keys)]
                if busy:
                    proc = psutil.Process(client.run(os.getpid, workers=busy)[busy[0]])
                    kernels = _kernels(proc)
                    if kernels:  # its kernel runs the notebook: mid-task
                        break
                time.sleep(0.5)
            else:
                pytest.fail(f"no worker started grading: {box}")
        time.sleep(3)  # well inside the 15 s cell
        assert proc.is_running() and _kernels(proc), "the worker finished before the kill"
        proc.kill()
        killed["worker"] = busy[0]
        for kernel in kernels:  # the dead worker's orphaned kernel
            try:
                kernel.kill()
            except psutil.NoSuchProcess:
                pass
        t.join(300)
    finally:
        cluster.close()
    assert not t.is_alive() and "r" in box, box
    [result] = box["r"]
    assert box["r"].runs["sleepy"]["worker"] != killed["worker"]
    raises = {r.student: r for r in baseline[1]}["demo-raises"]
    # its tests fail as the raising sample's do (the sleep is before the same raise)
    assert (result.status, result.score, result.max_score, result.tests) == \
        (raises.status, raises.score, raises.max_score, raises.tests)
