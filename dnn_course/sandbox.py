"""A sandbox for the kernels that run learners' code (grading).

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
import argparse
import atexit
import functools
import importlib.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

NAME = "dnn-course-sandbox"
SANDBOX_UID = 65534
INSIDE_RUN = "/run/dnn-course"  # the kernel's connection file and sockets, inside
HELPER_PACKAGES = ("dnn_app_utils", "public_tests", "dnn_course")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
# Files in /etc the kernel may not read (they keep their host owner, which
# the sandbox user is when the grader runs as root).
MASKED = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
          "/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private", "/etc/security/opasswd")
# Environment variables the kernel gets (everything else, e.g. tokens, stays out).
PASS_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "DNN_APP_THREADS",
            "DNN_APP_BLAS_THREADS", "MPLBACKEND", "PYTHONHASHSEED", "PYTHONIOENCODING",
            "PYTHONUNBUFFERED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "VIRTUAL_ENV", "MALLOC_ARENA_MAX", "PYTHONPATH")
# Python started without the working folder on sys.path: a learner's dnn_course/
# or ipykernel_launcher.py beside the notebook cannot replace the launcher or kernel.
SAFE_FLAG = "-P" if sys.version_info >= (3, 11) else "-I"
GRACE_SECONDS = 5  # SIGXCPU at the CPU limit, SIGKILL this much later
WATCH_INTERVAL = 0.1  # seconds between process counts in the sandbox


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"dnn_course.sandbox: {name}={value!r} is not a whole number") from None


def limits():
    """The resource limits from the environment: dict of name -> value."""
    return {"memory_mb": _env_int("DNN_COURSE_MEMORY_MB", 4096),
            "cpu_seconds": _env_int("DNN_COURSE_CPU_SECONDS", 1800),
            "file_mb": _env_int("DNN_COURSE_FILE_MB", 1024),
            "max_procs": _env_int("DNN_COURSE_MAX_PROCS", 256)}


def require_sandbox():
    """True when a kernel must not start without full isolation."""
    return os.environ.get("DNN_COURSE_REQUIRE_SANDBOX", "").strip().lower() in ("1", "yes", "true")


def apply_limits(lim, nproc=True):
    """setrlimit for this process (and what it execs); soft == hard, except CPU."""
    mib = 1024 * 1024
    cpu = lim["cpu_seconds"]
    wanted = [(resource.RLIMIT_AS, lim["memory_mb"] * mib, lim["memory_mb"] * mib),
              (resource.RLIMIT_CPU, cpu, cpu + GRACE_SECONDS),
              (resource.RLIMIT_FSIZE, lim["file_mb"] * mib, lim["file_mb"] * mib),
              (resource.RLIMIT_CORE, 0, 0)]
    if nproc:
        wanted.append((resource.RLIMIT_NPROC, lim["max_procs"], lim["max_procs"]))
    for which, soft, hard in wanted:
        old_soft, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY and hard > old_hard:  # never raise a limit
            hard = old_hard
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))


# ---------------------------------------------------------------- host probe

@functools.lru_cache(maxsize=None)
def _bwrap_problem():
    """None when bubblewrap can build the sandbox here, else what is wrong."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    argv = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid",
            str(SANDBOX_UID), "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
            "--proc", "/proc", "--", "true"]
    try:
        run = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bwrap could not run ({e})"
    if run.returncode != 0:
        return ("bwrap cannot create namespaces here (unprivileged user namespaces "
                f"disabled?): {run.stderr.strip() or 'exit status %d' % run.returncode}")
    return None


def sandbox_status():
    """Which protections grading kernels get on this host: a dict.

    Keys: each protection -> True/False; "bwrap" (path or None); "problem"
    (why the namespaces are unavailable, or None); "limits" (the values).
    """
    problem = _bwrap_problem()
    ns = problem is None
    root = os.geteuid() == 0
    return {
        "bwrap": shutil.which("bwrap"),
        "problem": problem,
        "memory_cap": True, "cpu_time_limit": True, "file_size_cap": True,
        # RLIMIT_NPROC never binds processes owned by root; then the launcher
        # counts the sandbox's processes and ends it past the cap (needs the PID namespace).
        "process_cap": ns,
        "process_cap_how": ("RLIMIT_NPROC in the user namespace" if ns and not root else
                            "process count in the PID namespace, checked every 0.1 s"
                            if ns else "none"),
        "no_network": ns, "no_leftover_processes": ns, "filesystem_view": ns,
        "unprivileged_uid": ns,
        "limits": limits(),
    }


def lost_protections(status):
    """Human lines naming what is missing and the protections lost."""
    if status["problem"] is None:
        return []
    return [f"{status['problem']}.",
            "Lost: no network isolation, no private file-system view (the kernel can read "
            "and write source/, gradebook.db, nbgrader_config.py and other learners' "
            "folders), processes can outlive the kernel, no process cap, the kernel runs "
            "as the grading user. Still applied: memory, CPU-time and file-size limits."]


# --------------------------------------------------------- file-system view

def _package_dirs():
    """Folders of the course's helper packages (found without importing them)."""
    dirs = []
    for name in HELPER_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            dirs.extend(spec.submodule_search_locations)
        elif spec and spec.origin:
            dirs.append(spec.origin)
    return dirs


def _python_dirs():
    """The Python installation and everything on sys.path (outside the working folder)."""
    dirs = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
            str(Path(os.path.realpath(sys.executable)).parent.parent)}
    dirs.update(p for p in sys.path if p and os.path.isabs(p))
    for p in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if p and os.path.isabs(p):
            dirs.add(p)
    return dirs


def _data_dirs(env):
    """Course data (DNN_APP_DATA) and the synthetic cache; sets their absolute paths in env.

    Grading sets DNN_APP_DATA to the folder ``course_data.find_course_data`` found
    (e.g. source/<assignment>/datasets/). The data files are shown too where they
    really are, so a folder of symbolic links to them works inside the sandbox."""
    dirs = []
    data = os.environ.get("DNN_APP_DATA", "")
    if data and data != "synthetic":
        data = os.path.abspath(os.path.expanduser(data))
        if os.path.isdir(data):
            dirs.append(data)
            for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
                path = os.path.join(data, name)
                real = os.path.realpath(path)
                if os.path.isfile(real) and real != path:
                    dirs.append(real)
        env["DNN_APP_DATA"] = data
    elif data:
        env["DNN_APP_DATA"] = data
    cache = os.environ.get("DNN_APP_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "dnn_app_utils")
    cache = os.path.abspath(os.path.expanduser(cache))
    if os.path.isdir(cache):
        dirs.append(cache)
        env["DNN_APP_CACHE"] = cache
    else:  # no cache yet: the kernel writes one in its private home, deleted afterwards
        env["DNN_APP_CACHE"] = os.path.join(env["HOME"], ".cache", "dnn_app_utils")
    return dirs


def _inside(path, parents):
    """True when path is one of parents or below one of them."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in parents)


def _depth(path):
    return len(Path(path).parts)


def bwrap_argv(private, workdir, home, ro_dirs, inner):
    """bubblewrap's command line: namespaces, the file-system view, then ``inner``."""
    argv = [shutil.which("bwrap"), "--unshare-all", "--unshare-user",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--hostname", NAME, "--die-with-parent",
            "--dev", "/dev", "--proc", "/proc",
            "--bind", str(private / "tmp"), "/tmp"]
    if home not in ("/", "/tmp"):
        argv += ["--bind", str(private / "home"), home]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for m in MASKED:
        if os.path.isdir(m) and not os.path.islink(m):
            argv += ["--tmpfs", m, "--remount-ro", m]
        elif os.path.exists(m):
            argv += ["--ro-bind", "/dev/null", m]
    seen = []
    for d in sorted({os.path.abspath(d) for d in ro_dirs if os.path.exists(d)}, key=_depth):
        if _inside(d, seen) or d in SYSTEM_DIRS:
            continue  # already visible
        if _inside(workdir, [d]):
            continue  # never a parent of the working folder: that would show its siblings
        seen.append(d)
        argv += ["--ro-bind", os.path.realpath(d), d]
    argv += ["--bind", str(private / "run"), INSIDE_RUN,
             "--bind", workdir, workdir,
             "--remount-ro", "/",  # bwrap's root (a tmpfs) may not be filled
             "--chdir", workdir, "--"]
    return argv + inner


# --------------------------------------------------------------- ipc plumbing

def ipc_prefix():
    """An absolute ``KernelManager.ip`` for the ipc transport: a private folder
    of this process (removed at exit) + "/kernel". Use in nbgrader_config.py:
    ``c.KernelManager.ip = ipc_prefix()``. Without it jupyter_client uses the
    relative "kernel-ipc", i.e. sockets in the grader's current folder."""
    folder = tempfile.mkdtemp(prefix="dnn-course-ipc-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return os.path.join(folder, "kernel")


def _client_ip(ip):
    """The socket path prefix as the grader sees it (it may be relative to its cwd)."""
    if os.path.isabs(ip):
        return ip
    try:  # the grader is our parent process; relative paths are relative to its cwd
        return os.path.join(os.readlink(f"/proc/{os.getppid()}/cwd"), ip)
    except OSError:
        return os.path.abspath(ip)


def _ports(info):
    return [info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port",
                              "hb_port") if k in info]


def plumb_connection(connection_file, private, inside_run):
    """Copy the connection file into ``private/run`` with socket paths there; link
    the paths the grader connects to onto them. Return (copy path inside, links)."""
    info = json.loads(Path(connection_file).read_text())
    links = []
    if info.get("transport") == "ipc":
        client = _client_ip(info["ip"])
        info["ip"] = f"{inside_run}/k"
        for port in _ports(info):
            link = f"{client}-{port}"
            tmp = f"{link}.{os.getpid()}.tmp"
            os.symlink(str(private / "run" / f"k-{port}"), tmp)
            os.replace(tmp, link)
            links.append(link)
    copy = private / "run" / "kernel.json"
    copy.write_text(json.dumps(info))
    os.chmod(copy, 0o600)
    return f"{inside_run}/kernel.json", links


def _private_folder():
    """A fresh folder for the kernel's /tmp, $HOME and sockets; stale ones of dead
    launchers are removed first."""
    base = Path(tempfile.gettempdir())
    for old in base.glob("dnn-course-kernel-*"):
        try:
            pid = int(old.name.split("-")[3])
            os.kill(pid, 0)
        except ProcessLookupError:
            _remove(old)
        except (ValueError, IndexError, PermissionError, OSError):
            pass
    private = Path(tempfile.mkdtemp(prefix=f"dnn-course-kernel-{os.getpid()}-", dir=base))
    for sub in ("tmp", "home", "run"):
        (private / sub).mkdir()
    os.chmod(private / "tmp", 0o1777)
    return private


def _remove(path):
    """Delete the launcher's own private folder, making read-only parts writable
    first; never touches a mode outside ``path`` (e.g. /tmp itself)."""
    top = os.path.realpath(path)

    def unlock(func, p, _):
        try:
            parent = os.path.realpath(os.path.dirname(p))
            if parent == top or parent.startswith(top + os.sep):
                os.chmod(parent, 0o700)
            if os.path.realpath(p) != top:
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass
    shutil.rmtree(path, onerror=unlock)


# ----------------------------------------------------------------- watchdog

def _pid_ns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _sandbox_init(bwrap_pid, timeout=10.0):
    """The pid of bwrap's child (PID 1 of the sandbox) and its pid namespace."""
    mine = _pid_ns(os.getpid())
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not os.path.exists(f"/proc/{bwrap_pid}"):
            return None, None
        for kid in _children(bwrap_pid):
            ns = _pid_ns(kid)
            if ns and ns != mine:
                return int(kid), ns
        time.sleep(0.02)
    return None, None


def _children(pid):
    """Child pids of pid (from /proc, with or without CONFIG_PROC_CHILDREN)."""
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        pass
    kids, line = [], f"\nPPid:\t{pid}\n"
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and line in Path(entry.path, "status").read_text():
                kids.append(entry.name)
        except OSError:
            pass
    return kids


def _count_in_ns(ns):
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and _pid_ns(entry.name) == ns:
            n += 1
    return n


def _count_tree(init, limit):
    """Processes in the tree under ``init`` (itself included), read from each
    thread's ``children`` list; stops counting past ``limit``. Every process of
    a PID namespace descends from its init (orphans are re-parented to it), so
    this counts the sandbox at a cost that follows its own processes, not the
    host's (a full /proc scan, ``_count_in_ns``, reads every process there is:
    with dozens of graders on one host that adds up)."""
    n, todo = 0, [str(init)]
    while todo and n <= limit:
        pid = todo.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:  # ended meanwhile
            continue
        n += 1
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo.extend(f.read().split())
            except OSError:
                pass
    return n


def watch_processes(bwrap_pid, cap, stop):
    """Kill the sandbox when more than ``cap`` processes run in it (RLIMIT_NPROC
    does not bind processes owned by root, so a root grader needs this)."""
    init, ns = _sandbox_init(bwrap_pid)
    if init is None:
        return
    # the tree walk needs CONFIG_PROC_CHILDREN; without it, scan all of /proc
    tree = os.path.exists(f"/proc/{init}/task/{init}/children")
    while not stop.wait(WATCH_INTERVAL):
        if _pid_ns(init) != ns:  # the sandbox ended (and its pid may be reused)
            return
        count = _count_tree(init, cap + 1) if tree else _count_in_ns(ns)
        if count == 0:
            return
        if count > cap + 1:  # + bwrap's own PID 1
            print(f"dnn_course.sandbox: the kernel started more than {cap} processes "
                  "(DNN_COURSE_MAX_PROCS); the sandbox was killed", file=sys.stderr, flush=True)
            try:
                os.kill(init, signal.SIGKILL)  # PID 1 gone: the kernel ends every process
            except OSError:
                pass
            return


# ------------------------------------------------------------------- launch

def kernel_argv(connection_file, extra):
    """``python -m ipykernel_launcher``, without the working folder on sys.path
    (a learner's ``ipykernel_launcher.py`` must not replace the kernel)."""
    return [sys.executable, SAFE_FLAG, "-m", "ipykernel_launcher", "-f", connection_file, *extra]


def _kernel_env(home):
    env = {k: v for k, v in os.environ.items()
           if k in PASS_ENV or k.startswith("LC_")}
    extra = os.environ.get("DNN_COURSE_PASS_ENV", "")
    env.update({k: os.environ[k] for k in extra.split(",") if k in os.environ})
    env["HOME"] = home
    env.setdefault("MALLOC_ARENA_MAX", "4")  # fewer 64 MB malloc arenas against the memory cap
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                   env.get("PATH", "/usr/bin:/bin")])
    return env


def warn(lines):
    for line in lines:
        print(f"WARNING dnn_course.sandbox: {line}", file=sys.stderr, flush=True)


def command_prefix():
    """Argv words that run a command in the sandbox, its working folder the
    current one: ``[*command_prefix(), sys.executable, "-I", "-m", "x", ...]``."""
    return [sys.executable, SAFE_FLAG, "-m", "dnn_course.sandbox", "--run", "--"]


def launch(connection_file=None, extra=(), command=None):
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
    private = _private_folder()
    links = []
    try:
        if not problem:
            home = os.path.expanduser("~")
            if connection_file:
                inside, links = plumb_connection(connection_file, private, INSIDE_RUN)
                command = kernel_argv(inside, extra)
            env = _kernel_env(home)
            env["JPY_PARENT_PID"] = "1"  # its parent is the sandbox's PID 1: no parent polling
            ro = [*_python_dirs(), *_package_dirs(), *_data_dirs(env)]
            inner = [sys.executable, SAFE_FLAG, "-m", "dnn_course.sandbox", "--inner",
                     json.dumps(lim), "--", *command]
            argv = bwrap_argv(private, os.getcwd(), home, ro, inner)
            cap, preexec = lim["max_procs"], None
        else:
            if connection_file:
                inside, links = plumb_connection(connection_file, private, str(private / "run"))
                command = kernel_argv(inside, extra)
            argv, env, cap = command, dict(os.environ), None
            preexec = functools.partial(apply_limits, lim, nproc=False)
    except BaseException:
        _remove(private)
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
    _remove(private)


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
    _start_cleaner.keep = write_end  # open until this process ends


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


def inner_main(lim_json, argv):
    """Inside the sandbox: apply the limits (RLIMIT_NPROC binds here, in the user
    namespace, for ordinary graders) and become the kernel."""
    apply_limits(json.loads(lim_json))
    os.execvp(argv[0], argv)


def main(args=None):
    parser = argparse.ArgumentParser(
        prog="python -m dnn_course.sandbox",
        description="Start an IPython kernel in the course's grading sandbox.")
    parser.add_argument("-f", dest="connection_file", help="the kernel's connection file")
    parser.add_argument("--install", action="store_true",
                        help=f"install the {NAME} kernelspec into --prefix and exit")
    parser.add_argument("--prefix", default=sys.prefix, help="where --install puts it")
    parser.add_argument("--run", action="store_true",
                        help="run the command after -- in the sandbox (working folder: the "
                             "current one) and exit with its status")
    parser.add_argument("--status", action="store_true",
                        help="print which protections this host offers and exit")
    args = sys.argv[1:] if args is None else list(args)
    if args[:1] == ["--inner"]:  # --inner LIMITS -- ARGV (inside the sandbox)
        return inner_main(args[1], args[3:])
    if args[:2] == ["--run", "--"] and len(args) > 2:
        return launch(command=args[2:])
    ns, rest = parser.parse_known_args(args)
    rest = [a for a in rest if a != "--"]
    if ns.install:
        from .kernelspec import install_kernelspec
        print(install_kernelspec(prefix=ns.prefix))
        return 0
    if ns.status:
        status = sandbox_status()
        print(json.dumps(status, indent=2))
        warn(lost_protections(status))
        return 0
    if ns.run:
        parser.error("usage: --run -- COMMAND [ARGS...]")
    if not ns.connection_file:
        parser.error("-f CONNECTION_FILE is required")
    return launch(ns.connection_file, rest)


if __name__ == "__main__":
    sys.exit(main())
