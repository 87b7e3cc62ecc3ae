"""The watchdog that kills a sandbox past its process cap (for root graders, where RLIMIT_NPROC does not bind)."""
import os
import signal
import sys
import threading
import time
from pathlib import Path

WATCH_INTERVAL = 0.1  # seconds between process counts in the sandbox


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


def watch_processes(bwrap_pid: int, cap: int, stop: threading.Event) -> None:
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
