"""bubblewrap: whether this host can run it, and its command line (namespaces, file-system view)."""
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from dnn_course.course.facts import CACHE_ENV, DATA_ENV, DATA_FILES, SYNTHETIC
from dnn_course.sandbox.limits import INSIDE_RUN, NAME, SANDBOX_UID, limits

HELPER_PACKAGES = ("dnn_app_utils", "public_tests", "dnn_course")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
# Files in /etc the kernel may not read (they keep their host owner, which
# the sandbox user is when the grader runs as root).
MASKED = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
          "/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private", "/etc/security/opasswd")


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


def sandbox_status() -> dict[str, Any]:
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


def lost_protections(status: Mapping[str, Any]) -> list[str]:
    """Human lines naming what is missing and the protections lost."""
    if status["problem"] is None:
        return []
    return [f"{status['problem']}.",
            "Lost: no network isolation, no private file-system view (the kernel can read "
            "and write source/, gradebook.db, nbgrader_config.py and other learners' "
            "folders), processes can outlive the kernel, no process cap, the kernel runs "
            "as the grading user. Still applied: memory, CPU-time and file-size limits."]


# --------------------------------------------------------- file-system view

def package_dirs() -> list[str]:
    """Folders of the course's helper packages (found without importing them).

    Returns:
        list of str: shown read-only in the sandbox.
    """
    dirs = []
    for name in HELPER_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            dirs.extend(spec.submodule_search_locations)
        elif spec and spec.origin:
            dirs.append(spec.origin)
    return dirs


def python_dirs() -> set[str]:
    """The Python installation and everything on sys.path (outside the working folder).

    Returns:
        set of str: shown read-only in the sandbox.
    """
    dirs = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
            str(Path(os.path.realpath(sys.executable)).parent.parent)}
    dirs.update(p for p in sys.path if p and os.path.isabs(p))
    for p in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if p and os.path.isabs(p):
            dirs.add(p)
    return dirs


def data_dirs(env: MutableMapping[str, str]) -> list[str]:
    """Course data (DNN_APP_DATA) and the synthetic cache; sets their absolute paths in env.

    Grading sets DNN_APP_DATA to the folder ``course_data.find_course_data`` found
    (e.g. source/<assignment>/datasets/). The data files are shown too where they
    really are, so a folder of symbolic links to them works inside the sandbox.

    Args:
        env: the kernel's environment, updated in place.

    Returns:
        list of str: folders (and data files) to show read-only.
    """
    dirs = []
    data = os.environ.get(DATA_ENV, "")
    if data and data != SYNTHETIC:
        data = os.path.abspath(os.path.expanduser(data))
        if os.path.isdir(data):
            dirs.append(data)
            for name in DATA_FILES:
                path = os.path.join(data, name)
                real = os.path.realpath(path)
                if os.path.isfile(real) and real != path:
                    dirs.append(real)
        env[DATA_ENV] = data
    elif data:
        env[DATA_ENV] = data
    cache = os.environ.get(CACHE_ENV) or os.path.join(
        os.path.expanduser("~"), ".cache", "dnn_app_utils")
    cache = os.path.abspath(os.path.expanduser(cache))
    if os.path.isdir(cache):
        dirs.append(cache)
        env[CACHE_ENV] = cache
    else:  # no cache yet: the kernel writes one in its private home, deleted afterwards
        env[CACHE_ENV] = os.path.join(env["HOME"], ".cache", "dnn_app_utils")
    return dirs


def _inside(path, parents):
    """True when path is one of parents or below one of them."""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in parents)


def _depth(path):
    return len(Path(path).parts)


def bwrap_argv(private: Path, workdir: str, home: str, ro_dirs: Iterable[str], inner: Sequence[str]) -> list[str]:
    """bubblewrap's command line: namespaces, the file-system view, then ``inner``."""
    argv = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--unshare-user",
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
    seen: list[str] = []
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
    return argv + list(inner)
