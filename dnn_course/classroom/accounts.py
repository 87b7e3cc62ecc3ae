"""Real Unix accounts for a classroom's learners and instructor (useradd, chpasswd), recorded in D/accounts.json."""
import json
import pwd
import secrets
import subprocess
from typing import Any

from dnn_course.classroom.layout import Layout
from dnn_course.classroom.roster import Learner, RosterError, check_name


def recorded(layout: Layout) -> dict[str, Any]:
    """What D/accounts.json says this classroom made.

    Args:
        layout: the classroom's Layout.

    Returns:
        {"instructor": name or None, "learners": [ids], "created": [accounts made here]}.
    """
    if layout.accounts.is_file():
        return json.loads(layout.accounts.read_text())
    return {"instructor": None, "learners": [], "created": []}


def _exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def plan(layout: Layout, learners: list[Learner], instructor: str) -> list[str]:
    """Check every account can be made or reused before any is made.

    Args:
        layout: the classroom's Layout.
        learners: the roster's Learner list.
        instructor: the instructor's account name.

    Returns:
        The names of the accounts still to create.

    Raises:
        RosterError: an invalid instructor name, the instructor's name on the roster, or an
            account that already exists on this machine and was not made by this classroom.
    """
    check_name(instructor, "the instructor account")
    if any(l.id == instructor for l in learners):
        raise RosterError(f"the roster lists {instructor!r}, the instructor's account; give the "
                          "instructor another name with --instructor or rename the learner.")
    ours = set(recorded(layout)["created"])
    todo = []
    for name in [instructor] + [l.id for l in learners]:
        if name in ours:
            continue
        if _exists(name):
            raise RosterError(f"the account {name!r} already exists on this machine and this "
                              "classroom did not make it; a classroom only uses accounts it "
                              "creates: rename it in the roster (or --instructor).")
        todo.append(name)
    return todo


def _run(cmd, stdin=None):
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if done.returncode:
        raise OSError(f"{' '.join(cmd[:2])} failed: {done.stderr.strip() or done.returncode}")


def create(layout: Layout, learners: list[Learner], instructor: str,
           todo: list[str]) -> dict[str, str]:
    """Make the planned accounts with home folders in D/home, set their passwords, record them.

    Args:
        layout: the classroom's Layout.
        learners: the roster's Learner list.
        instructor: the instructor's account name.
        todo: the names from plan() to create.

    Returns:
        {account: password} for the accounts made now (shown once, stored nowhere).
    """
    state = recorded(layout)
    state.update(instructor=instructor, learners=[l.id for l in learners])
    names = {l.id: l for l in learners}
    layout.home.mkdir(parents=True, exist_ok=True)
    layout.home.chmod(0o755)
    passwords = {}
    for name in todo:
        learner = names.get(name)
        comment = learner.name if learner else "classroom instructor"
        home = layout.home / name
        _run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
              "--user-group", "--comment", comment, name])
        state["created"].append(name)
        layout.accounts.write_text(json.dumps(state, indent=1))  # recorded as soon as made
        home.chmod(0o700)
        passwords[name] = (learner.password if learner else "") or secrets.token_urlsafe(9)
    if passwords:
        _run(["chpasswd"], "".join(f"{n}:{p}\n" for n, p in passwords.items()))
    layout.accounts.write_text(json.dumps(state, indent=1))
    layout.accounts.chmod(0o644)
    return passwords


def remove(layout: Layout) -> list[str]:
    """Delete the Unix accounts this classroom made (their home folders in D/home stay).

    Args:
        layout: the classroom's Layout.

    Returns:
        The names removed.
    """
    state = recorded(layout)
    gone = []
    for name in list(state["created"]):
        if _exists(name):
            _run(["userdel", name])  # refused while the account runs anything: stop first
        state["created"].remove(name)
        gone.append(name)
        layout.accounts.write_text(json.dumps(state, indent=1))  # recorded as soon as done
    return gone


def ids(name: str) -> tuple[int, int]:
    """The uid and gid of an account.

    Args:
        name: the account.

    Returns:
        (uid, gid).
    """
    p = pwd.getpwnam(name)
    return p.pw_uid, p.pw_gid
