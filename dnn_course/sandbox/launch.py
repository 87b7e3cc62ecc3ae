"""Start a learner's kernel (or any command) in the grading sandbox and wait for it.

``python -m dnn_course.sandbox -f CONNECTION_FILE [kernel options]`` is the
argv of the ``dnn-course-sandbox`` kernelspec (see ``kernelspec.py``). It
starts ``python -m ipykernel_launcher`` with:

- resource limits (``setrlimit``): address space (``DNN_COURSE_MEMORY_MB``,
  default 4096), CPU time (``DNN_COURSE_CPU_SECONDS``, default 1800; SIGXCPU,
  then SIGKILL 5 s later, so a loop that ignores signals dies too), file size
  (``DNN_COURSE_FILE_MB``, default 1024), no core files, processes
  (``DNN_COURSE_MAX_PROCS``, default 256);
- inside bubblewrap (``bwrap``), when it works on this host: new user, PID,
  network, IPC, UTS and mount namespaces; the kernel runs as uid 65534
  (nobody) with no capabilities; loopback is its own; when the kernel ends,
  every process it started ends with it; the file system holds only the
  system folders (/usr, /etc without password and key files), the Python
  installation, the course's helper packages, the course data and the
  synthetic-data cache (all read-only), the kernel's working folder
  (read-write), and private /tmp and $HOME that are deleted afterwards.
  Everything else (source/, gradebook.db, submitted/, other learners'
  folders, the grader's home and runtime files) does not exist in there.

``python -m dnn_course.sandbox --run -- COMMAND...`` (``command_prefix()``)
runs any command the same way, its working folder the current one.

Processes: RLIMIT_NPROC binds inside the user namespace when the grader is an
ordinary user; it never binds processes owned by root, so for a root grader
the launcher also counts the processes in the sandbox's PID namespace every
0.1 s and kills the sandbox past the cap. A helper in its own session removes
the kernel's private folder once the launcher is gone, even when the grader
ends it with SIGKILL.

The grader reaches the kernel over ZMQ. Over TCP a new network namespace cuts
it off, so grading sets ``c.KernelManager.transport = "ipc"`` (unix sockets):
the launcher gives the kernel a private folder for its sockets and links the
socket paths the grader expects to them.

When a protection is unavailable the launcher prints a WARNING naming it on
stderr, then refuses to start (``DNN_COURSE_REQUIRE_SANDBOX=1``) or starts
with what is available; it never downgrades silently. ``sandbox_status()``
says what this host offers.
"""
import functools
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from dnn_course.course.facts import PASS_ENV_ENV
from dnn_course.sandbox.bwrap import (bwrap_argv, data_dirs, lost_protections, package_dirs,
                                      python_dirs, sandbox_status)
from dnn_course.sandbox.ipc import plumb_connection, private_folder, remove_private
from dnn_course.sandbox.limits import (INSIDE_RUN, PASS_ENV, SAFE_FLAG, apply_limits, limits,
                                       require_sandbox)
from dnn_course.sandbox.watchdog import watch_processes


# Grading asks for the helpers' fast path: the kernel installs it as it starts (same numbers).
FAST_PATH_EXTENSION = "dnn_app_utils.speed"


def kernel_argv(connection_file: str, extra: Sequence[str]) -> list[str]:
    """``python -m ipykernel_launcher``, without the working folder on sys.path
    (a learner's ``ipykernel_launcher.py`` must not replace the kernel), with the
    helpers' fast path loaded before the first cell."""
    return [sys.executable, SAFE_FLAG, "-m", "ipykernel_launcher", "-f", connection_file,
            f"--ext={FAST_PATH_EXTENSION}", *extra]


def _kernel_env(home):
    env = {k: v for k, v in os.environ.items()
           if k in PASS_ENV or k.startswith("LC_")}
    extra = os.environ.get(PASS_ENV_ENV, "")
    env.update({k: os.environ[k] for k in extra.split(",") if k in os.environ})
    env["HOME"] = home
    env.setdefault("MALLOC_ARENA_MAX", "4")  # fewer 64 MB malloc arenas against the memory cap
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                   env.get("PATH", "/usr/bin:/bin")])
    return env


def warn(lines: Iterable[str]) -> None:
    """Print each line to stderr as the sandbox's warning (the grader's log shows it)."""
    for line in lines:
        print(f"WARNING dnn_course.sandbox: {line}", file=sys.stderr, flush=True)


def command_prefix() -> list[str]:
    """Argv words that run a command in the sandbox, its working folder the
    current one: ``[*command_prefix(), sys.executable, "-I", "-m", "x", ...]``."""
    return [sys.executable, SAFE_FLAG, "-m", "dnn_course.sandbox", "--run", "--"]


def launch(connection_file: str | None = None, extra: Sequence[str] = (), command: Sequence[str] | None = None) -> int:
    """Start the kernel for ``connection_file`` (or ``command``) in the sandbox, or
    with the resource limits only when the sandbox is unavailable (with a warning);
    wait for it; return its exit status. The working folder is the current one."""
    lim = limits()
    problem = lost_protections(sandbox_status())
    what = "the kernel" if connection_file else "the command"
    if connection_file and not problem and json.loads(
            Path(connection_file).read_text()).get("transport", "tcp") != "ipc":
        problem = ["the grader talks to this kernel over TCP, which a network namespace "
                   "cuts off; set c.KernelManager.transport = \"ipc\" in nbgrader_config.py.",
                   "Lost: all namespace isolation (network, file system, processes, user); "
                   "memory, CPU-time and file-size limits still apply."]
    if problem:
        warn(problem)
        if require_sandbox():
            warn([f"DNN_COURSE_REQUIRE_SANDBOX is set: {what} was not started."])
            return 3
    private = private_folder()
    links: list[str] = []
    try:
        if not problem:
            home = os.path.expanduser("~")
            if connection_file:
                inside, links = plumb_connection(connection_file, private, INSIDE_RUN)
                command = kernel_argv(inside, extra)
            assert command is not None, "launch: give connection_file or command"
            env = _kernel_env(home)
            env["JPY_PARENT_PID"] = "1"  # its parent is the sandbox's PID 1: no parent polling
            ro = [*python_dirs(), *package_dirs(), *data_dirs(env)]
            inner = [sys.executable, SAFE_FLAG, "-m", "dnn_course.sandbox", "--inner",
                     json.dumps(lim), "--", *command]
            argv = bwrap_argv(private, os.getcwd(), home, ro, inner)
            cap, preexec = lim["max_procs"], None
        else:
            if connection_file:
                inside, links = plumb_connection(connection_file, private, str(private / "run"))
                command = kernel_argv(inside, extra)
            assert command is not None, "launch: give connection_file or command"
            argv, env, cap = list(command), dict(os.environ), None
            preexec = functools.partial(apply_limits, lim, nproc=False)
    except BaseException:
        remove_private(private)
        raise
    _start_cleaner(private, links)
    return _run(argv, env, cap, preexec)


def _cleanup(private, links):
    for link in links:
        try:
            if os.readlink(link).startswith(str(private)):
                os.unlink(link)
        except OSError:
            pass
    remove_private(private)


def _start_cleaner(private, links):
    """Fork a helper, in its own session, that removes ``private`` and the socket
    links once this launcher has exited, however it exits: the grader ends a
    kernel with SIGKILL to its process group, which the launcher cannot catch."""
    read_end, write_end = os.pipe()  # not inherited by the kernel (O_CLOEXEC)
    if os.fork() == 0:
        try:
            os.setsid()
            os.close(write_end)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while os.read(read_end, 1):  # EOF: the launcher is gone
                pass
            _cleanup(private, links)
        finally:
            os._exit(0)
    os.close(read_end)
    _start_cleaner.keep = write_end  # type: ignore[attr-defined]  # open until this process ends


def _run(argv, env, cap, preexec=None):
    """Run argv as our child, passing on SIGTERM/SIGHUP; SIGINT reaches the kernel
    through the process group, so it is ignored here. Return the exit status."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    proc = subprocess.Popen(argv, env=env, preexec_fn=preexec)

    def forward(signum, _frame):
        try:
            proc.send_signal(signum)
        except OSError:
            pass
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(s, forward)
    stop = threading.Event()
    if cap:
        threading.Thread(target=watch_processes, args=(proc.pid, cap, stop), daemon=True).start()
    try:
        code = proc.wait()
    finally:
        stop.set()
    return code if code >= 0 else 128 - code


def inner_main(lim_json: str, argv: Sequence[str]) -> NoReturn:
    """Inside the sandbox: apply the limits (RLIMIT_NPROC binds here, in the user
    namespace, for ordinary graders) and become the kernel."""
    apply_limits(json.loads(lim_json))
    os.execvp(argv[0], list(argv))
