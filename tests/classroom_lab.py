"""A classroom on this machine for the service's tests and bench: real Unix accounts and nbgrader's exchange.

``Lab.create`` (as root) makes an instructor and learner accounts (``useradd``,
unique names, homes inside the lab), the instructor's course folder (a copy of
the scratch course, mode 0700), the exchange (mode 0777, as nbgrader's docs
set it up) with the assignment released into it by the instructor; ``remove``
deletes the accounts and the folder. ``run_as`` runs a command as an account
(``setpriv``, a clean environment), the way a learner's own terminal would.
"""
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dnn_course.classroom.acl import grant, revoke

COURSE_ID = "dnn-cat-course"
ASSIGNMENT = "dnn_app"
BIN = str(Path(sys.executable).parent)
def grant_interpreter(uids):
    """Let the accounts ``uids`` traverse the folders above this Python and the project.

    On a machine whose Python lives in a private home (pyenv under /root, mode
    0700) another account cannot start it. Each such folder gets a named ACL
    entry ``--x`` per account (no listing, no reading), removed by
    ``revoke_interpreter``.

    Returns:
        list of str: the folders changed.
    """
    targets = {Path(os.path.realpath(sys.executable)), Path(__file__).resolve()}
    folders = sorted({str(p) for t in targets for p in t.parents})
    changed = []
    for folder in folders:
        if os.stat(folder).st_mode & stat.S_IXOTH:
            continue
        grant(folder, uids, 1)
        changed.append(folder)
    return changed


def revoke_interpreter(folders, uids):
    """Remove the entries ``grant_interpreter`` added for ``uids`` from ``folders``."""
    for folder in folders:
        revoke(folder, uids)


def _as(user, args, env):
    """The command line that runs ``args`` as ``user`` (``setpriv``, a clean environment:
    HOME, USER, PATH with this venv, plus ``env``), and the account's home."""
    entry = pwd.getpwnam(user)
    base = {"HOME": entry.pw_dir, "USER": user, "LOGNAME": user,
            "PATH": f"{BIN}:/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})}
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups",
            "env", "-i", *[f"{k}={v}" for k, v in base.items()], *map(str, args)], entry.pw_dir


def run_as(user, args, cwd=None, env=None, check=True, **kwargs):
    """Run ``args`` as ``user`` with a clean environment (HOME, USER, PATH with this venv).

    Args:
        user: the account name.
        args: the command.
        cwd: its folder (default: the account's home).
        env: extra variables.
        check: raise on a non-zero exit.

    Returns:
        subprocess.CompletedProcess (text output captured).
    """
    cmd, home = _as(user, args, env)
    return subprocess.run(cmd, cwd=cwd or home, capture_output=True, text=True, check=check,
                          **kwargs)


def popen_as(user, args, log, env=None):
    """Start ``args`` as ``user`` in the background, output to the file ``log``; returns the Popen."""
    cmd, home = _as(user, args, env)
    return subprocess.Popen(cmd, cwd=home, stdout=open(log, "a"), stderr=subprocess.STDOUT,
                            start_new_session=True)


@dataclass
class Lab:
    """One classroom: ``base`` (0755) with ``course``, ``exchange`` and ``home/<account>``."""
    base: Path
    instructor: str
    learners: list[str]
    granted: list[str] = field(default_factory=list)  # folders grant_interpreter opened

    @property
    def course(self):
        return self.base / "course"

    @property
    def exchange(self):
        return self.base / "exchange"

    def nbgrader_flags(self):
        """The flags a learner's nbgrader needs for this course's exchange."""
        return [f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}"]

    @classmethod
    def create(cls, course_template, learners=2, settings=()):
        """Make the accounts, course and exchange, and release the assignment (as root).

        Args:
            course_template: a tests.course_template.CourseTemplate.
            learners: how many learner accounts.
            settings: lines added to the course's nbgrader_config.py.

        Returns:
            Lab.
        """
        tag = secrets.token_hex(3)
        base = Path(tempfile.mkdtemp(prefix="dnn-classroom-", dir="/tmp"))
        base.chmod(0o755)
        lab = cls(base, f"dnnt{tag}", [f"dnn{i}{tag}" for i in range(learners)])
        (base / "home").mkdir(mode=0o755)
        try:
            lab._make(course_template, settings)
        except BaseException:
            lab.remove()
            raise
        return lab

    def _make(self, course_template, settings):
        """The accounts, the interpreter's access, the course and the exchange (see ``create``)."""
        lab, base = self, self.base
        for user in [lab.instructor, *lab.learners]:
            home = base / "home" / user
            subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell",
                            "/bin/sh", "--user-group", user], check=True)
            home.mkdir(mode=0o700)
            shutil.chown(home, user, user)
        lab.granted = grant_interpreter(lab.uids())
        course_template.copy(lab.course)
        with open(lab.course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in settings))
        subprocess.run(["chown", "-R", f"{lab.instructor}:{lab.instructor}", str(lab.course)],
                       check=True)
        lab.course.chmod(0o700)
        lab.exchange.mkdir(mode=0o777)
        lab.exchange.chmod(0o777)
        run_as(lab.instructor, ["nbgrader", "release_assignment", ASSIGNMENT, "--force",
                                *lab.nbgrader_flags()], cwd=lab.course)

    def uids(self):
        """The lab's accounts' user ids (of those that exist)."""
        known = {e.pw_name: e.pw_uid for e in pwd.getpwall()}
        return [known[u] for u in [self.instructor, *self.learners] if u in known]

    def remove(self):
        """Delete the accounts and the lab's folder, and take back their access to the interpreter."""
        revoke_interpreter(self.granted, self.uids())
        for user in [self.instructor, *self.learners]:
            for _ in range(20):  # userdel refuses while the account's processes are dying
                subprocess.run(["pkill", "-KILL", "-u", user], check=False)
                gone = subprocess.run(["userdel", user], check=False, capture_output=True)
                if gone.returncode in (0, 6):  # 6: no such account
                    break
                time.sleep(0.5)
        shutil.rmtree(self.base, ignore_errors=True)

    def fetch(self, learner):
        """``nbgrader fetch_assignment`` as ``learner``; returns the fetched notebook's path."""
        run_as(learner, ["nbgrader", "fetch_assignment", ASSIGNMENT, *self.nbgrader_flags()])
        return Path(pwd.getpwnam(learner).pw_dir) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def submit(self, learner, notebook_text, extra=()):
        """Put ``notebook_text`` in ``learner``'s assignment folder and ``nbgrader submit`` it as them.

        Returns:
            str: the submission's timestamp (as nbgrader wrote it in the learner's cache).
        """
        home = Path(pwd.getpwnam(learner).pw_dir)
        path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        if not path.exists():
            self.fetch(learner)
        run_as(learner, ["sh", "-c", f"cat > '{path}'"], input=notebook_text)
        out = run_as(learner, ["nbgrader", "submit", ASSIGNMENT, *self.nbgrader_flags(), *extra])
        return out

    def start_service(self, workers=1, env=None, extra=()):
        """Start the grading service as the instructor; returns the Popen (log: base/service.log)."""
        return popen_as(self.instructor, [
            f"{BIN}/python", "-m", "dnn_course.classroom.service", "--course-dir", self.course,
            "--exchange-root", self.exchange, "--course-id", COURSE_ID, "--workers", workers,
            *extra], self.base / "service.log", env=env)

    def restart_service(self, proc, **kwargs):
        """Kill the service ``proc`` and everything it started (SIGKILL), then start it again."""
        os.killpg(proc.pid, 9)
        proc.wait(30)
        return self.start_service(**kwargs)

    def wait_state(self, match, timeout=300):
        """Wait for a finished attempt whose state satisfies ``match``; returns that state."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for state in self.states().values():
                if state["status"] != "queued" and match(state):
                    return state
            time.sleep(0.5)
        raise AssertionError(f"no such attempt finished in {timeout} s; service log:\n"
                             f"{(self.base / 'service.log').read_text()[-3000:]}")

    def report(self):
        """The attempts' states and the service log's end, for a failing assertion."""
        lines = [f"{s['name']}: {s['status']} {s.get('reason', '')}" for s in self.states().values()]
        return "\n".join(lines) + "\n" + (self.base / "service.log").read_text()[-4000:]

    def history(self, learner):
        """The learner's "attempt" lines in the course's grade history."""
        from dnn_course.course import history

        return [c for c in history.read(self.course, learner) if c.what == "attempt"]

    def states(self):
        """The service's attempt states (read as root), by name."""
        import json

        folder = self.course / ".dnn_course" / "classroom" / "state"
        if not folder.is_dir():
            return {}
        return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}

    def wait_finished(self, count, timeout=300, learner=None, since=()):
        """Wait until ``count`` attempts (of ``learner``, or all; none named in ``since``) are finished.

        Returns:
            list of dict: the finished attempts' states.
        """
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            done = [s for s in self.states().values() if s["status"] != "queued"
                    and s["name"] not in since and (learner is None or s["student"] == learner)]
            if len(done) >= count:
                return done
            time.sleep(0.5)
        raise AssertionError(f"only {len(done)} of {count} attempts finished in {timeout} s; "
                             f"service log:\n{(self.base / 'service.log').read_text()[-3000:]}")

    def fetch_feedback(self, learner):
        """``nbgrader fetch_feedback`` as ``learner``; returns {timestamp: page text}."""
        run_as(learner, ["nbgrader", "fetch_feedback", ASSIGNMENT, *self.nbgrader_flags()])
        folder = Path(pwd.getpwnam(learner).pw_dir) / ASSIGNMENT / "feedback"
        if not folder.is_dir():
            return {}
        return {p.parent.name: p.read_text() for p in folder.glob("*/*.html")}
