"""The grading sandbox (dnn_course/sandbox/): each protection, checked from
inside a kernel started through the dnn-course-sandbox kernelspec, in a scratch
course folder with source/, a gradebook and other learners' folders."""
import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from dnn_course import sandbox

from dnn_course.sandbox.kernelspec import install_kernelspec, kernelspec
from dnn_course.course.paths import COURSE_ROOT

SECRET = "hidden-test-secret-7f3a"

# Skipped where the host has no sandbox, unless DNN_COURSE_REQUIRE_SANDBOX=1 (CI):
# then they run, and fail.
needs_sandbox = pytest.mark.skipif(
    sandbox.sandbox_status()["problem"] is not None and not sandbox.require_sandbox(),
    reason=f"no sandbox on this host: {sandbox.sandbox_status()['problem']}")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder laid out like the real one, every file holding SECRET."""
    root = tmp_path_factory.mktemp("sandbox") / "course"
    files = {
        "nbgrader_config.py": f"# {SECRET}\n",
        "gradebook.db": f"SQLite {SECRET}",
        "source/dnn_app/x.ipynb": json.dumps({"secret": SECRET}),
        "release/dnn_app/x.ipynb": "{}",
        "submitted/alice/dnn_app/dnn_app.ipynb": "{}",
        "submitted/bob/dnn_app/dnn_app.ipynb": json.dumps({"bob": SECRET}),
        "autograded/bob/dnn_app/dnn_app.ipynb": json.dumps({"bob": SECRET}),
        "feedback/bob/dnn_app/dnn_app.html": SECRET,
        "autograded/alice/dnn_app/dnn_app.ipynb": "{}",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory):
    """The kernelspec installed into a scratch prefix that Jupyter searches."""
    prefix = tmp_path_factory.mktemp("prefix")
    install_kernelspec(prefix=prefix)
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    yield prefix
    mp.undo()


@contextmanager
def kernel(workdir, **env):
    """A running sandboxed kernel in ``workdir`` (grading's ipc transport); yields (km, kc)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=sandbox.NAME, transport="ipc", ip=sandbox.ipc_prefix())
    km.start_kernel(cwd=str(workdir), env={**os.environ, **env},
                    extra_arguments=["--HistoryManager.hist_file=:memory:"])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code, timeout=60):
    """Execute code; return (status, printed text, error name or None)."""
    out = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(msg["content"]["ename"] + ": " + msg["content"]["evalue"])
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return reply["content"]["status"], "".join(out), reply["content"].get("ename")


def marked_processes(marker):
    """Host pids whose command line holds ``marker``."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in cmd and "python" not in cmd:
                pids.append(int(entry.name))
    return pids


PROBE = '''
import os
def probe(path, mode="r"):
    try:
        with open(path, mode) as f:
            return "ok:" + (f.read() if mode == "r" else str(f.write("tampered")))
    except OSError as e:
        return type(e).__name__
'''


@pytest.fixture(scope="module")
def alice(course, jupyter_path):
    """One sandboxed kernel working in autograded/alice/dnn_app, shared by the checks."""
    with kernel(course / "autograded" / "alice" / "dnn_app",
                GRADER_API_TOKEN=SECRET) as (km, kc):
        assert run(kc, PROBE)[0] == "ok"
        yield km, kc


def test_kernelspec_runs_the_launcher_without_cwd_on_path(jupyter_path):
    folder = jupyter_path / "share/jupyter/kernels" / sandbox.NAME
    assert folder.stat().st_mode & 0o777 == 0o755, "every account of a shared install reads it"
    assert install_kernelspec(prefix=jupyter_path) == folder / "kernel.json", "installed again: replaced"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec == kernelspec()
    assert spec["argv"][1] in ("-P", "-I") and spec["argv"][2:4] == ["-m", "dnn_course.sandbox"]
    assert spec["display_name"] == "Python 3 (dnn-course sandbox)"


@needs_sandbox
def test_course_files_are_invisible(course, alice):
    _, kc = alice
    for rel in ("source/dnn_app/x.ipynb", "gradebook.db", "nbgrader_config.py",
                "autograded/bob/dnn_app/dnn_app.ipynb", "submitted/bob/dnn_app/dnn_app.ipynb",
                "feedback/bob/dnn_app/dnn_app.html"):
        status, text, _ = run(kc, f"print(probe({str(course / rel)!r}))")
        assert status == "ok" and not text.startswith("ok"), (rel, text)
    # the real course folder too, where the helper packages live
    for rel in ("source/dnn_app/dnn_app.ipynb", "nbgrader_config.py", "gradebook.db"):
        text = run(kc, f"print(probe({str(COURSE_ROOT / rel)!r}))")[1]
        assert not text.startswith("ok"), (rel, text)
    text = run(kc, f"print(sorted(os.listdir({str(course / 'autograded')!r})))")[1]
    assert "bob" not in text
    text = run(kc, f"print(sorted(os.listdir({str(COURSE_ROOT)!r})))")[1]
    assert "source" not in text and "gradebook.db" not in text


@needs_sandbox
def test_course_files_cannot_be_changed(course, alice):
    _, kc = alice
    before = {rel: (course / rel).read_text() for rel in ("nbgrader_config.py", "gradebook.db")}
    for rel in before:
        run(kc, f"print(probe({str(course / rel)!r}, 'w'))")
        run(kc, f"print(probe({str(COURSE_ROOT / rel)!r}, 'a'))")
    assert {rel: (course / rel).read_text() for rel in before} == before
    assert "tampered" not in (COURSE_ROOT / "nbgrader_config.py").read_text()


@needs_sandbox
def test_own_working_folder_is_writable(course, alice):
    _, kc = alice
    status, text, _ = run(kc, "print(probe('written-by-kernel.txt', 'w'), os.getcwd())")
    assert status == "ok" and text.startswith("ok:8"), text
    mine = course / "autograded" / "alice" / "dnn_app" / "written-by-kernel.txt"
    assert mine.read_text() == "tampered"
    mine.unlink()


@needs_sandbox
def test_runs_as_nobody_without_secrets(alice):
    _, kc = alice
    text = run(kc, "print(os.getuid(), probe('/etc/shadow')[:7], dict(os.environ))")[1]
    assert text.split()[0] == "65534" and "ok:root" not in text
    assert SECRET not in text and "GRADER_API_TOKEN" not in text


@needs_sandbox
def test_helpers_and_course_data_load(alice):
    _, kc = alice
    status, text, _ = run(kc, "import numpy, dnn_app_utils, public_tests\n"
                              "from dnn_app_utils import load_data, speed\n"
                              "print(load_data()[0].shape, speed.installed())", timeout=120)
    assert status == "ok", text
    assert "(209, 64, 64, 3) True" in text     # grading's fast path, installed as it started


@needs_sandbox
def test_memory_cap(alice):
    _, kc = alice
    status, text, ename = run(kc, "import numpy as np\nx = np.ones(10**9)")  # 8 GB
    assert ename == "MemoryError", text
    assert run(kc, "print(6 * 7)")[1].strip() == "42"  # the kernel lives on


@needs_sandbox
def test_no_network(alice):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(5)
    port = listener.getsockname()[1]
    got = []
    threading.Thread(target=lambda: got.append(_accept(listener)), daemon=True).start()
    _, kc = alice
    code = ("import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=3); print('connected')\n"
            "except OSError as e:\n    print(type(e).__name__)")
    text = run(kc, code)[1]
    time.sleep(0.5)
    listener.close()
    assert "connected" not in text and got in ([], [None]), (text, got)


def _accept(listener):
    try:
        return listener.accept()
    except OSError:
        return None


@needs_sandbox
def test_no_processes_left_behind(course, jupyter_path):
    marker = "317.4242"
    with kernel(course / "autograded" / "alice" / "dnn_app") as (km, kc):
        status, text, _ = run(kc, "import subprocess\nps = [subprocess.Popen(['sleep', "
                                  f"'{marker}'], start_new_session=True) for _ in range(20)]")
        assert status == "ok", text
        assert len(marked_processes(marker)) == 20
    end = time.monotonic() + 10
    while marked_processes(marker) and time.monotonic() < end:
        time.sleep(0.2)
    assert marked_processes(marker) == []


@needs_sandbox
def test_process_cap(course, jupyter_path):
    """Past DNN_COURSE_MAX_PROCS the kernel is refused or killed, orphans included."""
    marker = "318.4242"
    with kernel(course / "autograded" / "alice" / "dnn_app", DNN_COURSE_MAX_PROCS="40") as (km, kc):
        # children, and orphans (sh starts sleep in the background and exits)
        code = ("import subprocess, time\nps = []\ntry:\n"
                "    for i in range(100):\n"
                f"        ps.append(subprocess.Popen(['sleep', '{marker}']) if i % 2 else\n"
                f"                  subprocess.run(['sh', '-c', 'sleep {marker} &']))\n"
                "except OSError as e:\n    print('refused', e)\ntime.sleep(2)\nprint(len(ps))")
        try:
            status, text, _ = run(kc, code, timeout=8)
            assert "refused" in text or status != "ok", text  # refused, or the kernel killed
        except (RuntimeError, TimeoutError):
            pass  # the sandbox was killed: no reply
        assert len(marked_processes(marker)) <= 40
    time.sleep(1)
    assert marked_processes(marker) == []


@needs_sandbox
def test_cpu_limit_ends_a_loop_that_ignores_signals(course, jupyter_path):
    workdir = course / "autograded" / "alice" / "dnn_app"
    with kernel(workdir, DNN_COURSE_CPU_SECONDS="2") as (km, kc):
        code = ("import signal\nfor s in (signal.SIGINT, signal.SIGTERM, signal.SIGXCPU):\n"
                "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass")
        kc.execute(code)
        time.sleep(1)
        km.interrupt_kernel()  # ignored
        end = time.monotonic() + 30
        while km.is_alive() and time.monotonic() < end:
            time.sleep(0.5)
        assert not km.is_alive()


def test_refuses_without_sandbox_when_required(tmp_path):
    conn = tmp_path / "kernel.json"
    conn.write_text(json.dumps({"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1}))
    env = {**os.environ, "PATH": str(tmp_path), "DNN_COURSE_REQUIRE_SANDBOX": "1"}
    run_ = subprocess.run([sys.executable, "-P", "-m", "dnn_course.sandbox", "-f", str(conn)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert run_.returncode == 3
    assert "WARNING" in run_.stderr and "bubblewrap" in run_.stderr
    assert "not started" in run_.stderr


def test_falls_back_with_a_warning_and_limits(tmp_path, jupyter_path):
    """Over TCP (no ipc transport) the kernel runs outside the namespaces, says
    so on stderr, and keeps its resource limits."""
    from jupyter_client.manager import KernelManager

    log = tmp_path / "stderr.txt"
    km = KernelManager(kernel_name=sandbox.NAME)
    env = {**os.environ, "DNN_COURSE_MEMORY_MB": "3000"}
    env.pop("DNN_COURSE_REQUIRE_SANDBOX", None)
    with open(log, "w") as err:
        km.start_kernel(cwd=str(tmp_path), stderr=err, env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        text = run(kc, "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0])")[1]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert text.strip() == str(3000 * 1024 * 1024)
    warning = log.read_text()
    assert "WARNING" in warning and "TCP" in warning and "Lost" in warning


@needs_sandbox
def test_nbgrader_execute_uses_the_sandbox(course, jupyter_path):
    """The config lines grading needs reach nbgrader's Execute preprocessor."""
    import nbformat
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    cfg = Config()
    cfg.Execute.kernel_name = sandbox.NAME
    cfg.KernelManager.transport = "ipc"
    cfg.KernelManager.ip = sandbox.ipc_prefix()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        PROBE + f"print(os.getuid(), probe({str(course / 'gradebook.db')!r}))")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    workdir = course / "autograded" / "alice" / "dnn_app"
    out, _ = Execute(config=cfg).preprocess(nb, {"metadata": {"path": str(workdir)}})
    text = "".join(o.get("text", "") for o in out.cells[0].outputs)
    assert text.split()[0] == "65534" and SECRET not in text


@needs_sandbox
def test_command_prefix_runs_a_command_in_the_sandbox(course, tmp_path):
    """The same sandbox for any command (grading's out-of-kernel re-run uses it)."""
    code = (PROBE + f"print(os.getuid(), probe({str(course / 'gradebook.db')!r}), "
            "probe('made-here.txt', 'w'))")
    done = subprocess.run([*sandbox.command_prefix(), sys.executable, "-I", "-c", code],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    uid, gradebook, mine = done.stdout.split()
    assert uid == "65534" and not gradebook.startswith("ok") and mine == "ok:8"
    assert (tmp_path / "made-here.txt").read_text() == "tampered"


def test_watchdog_counts_a_process_tree_and_stops_past_the_limit():
    """_count_tree sees children of children, and reads no further than needed."""
    import signal

    from dnn_course.sandbox.watchdog import _count_tree

    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"):
        pytest.skip("this kernel does not list children (CONFIG_PROC_CHILDREN)")
    # sh, two sleeps, a subshell and the subshell's sleep: 5 processes
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & (sleep 30 & wait) & wait"],
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while _count_tree(shell.pid, 100) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _count_tree(shell.pid, 100) == 5
        assert _count_tree(shell.pid, 2) == 3  # stops once past the limit
    finally:
        os.killpg(shell.pid, signal.SIGKILL)
        shell.wait()
