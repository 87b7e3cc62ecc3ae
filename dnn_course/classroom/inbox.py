"""New submissions in the exchange's inbound: noticed by polling, checked, and taken out of learners' reach.

``nbgrader submit`` writes ``<exchange>/<course>/inbound/<student>+<assignment>+<timestamp>[+<random>]``
and makes the folder mode 0777 as its last step, so a folder is taken only once
it has that mode and both its ``timestamp.txt`` and ``submission_secret.txt``.
Taking it is one ``rename`` into the service's private store (0700, in the
course folder): from then on no learner can read, change or delete it.
"""
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from nbgrader.utils import parse_utc


@dataclass(frozen=True)
class Arrival:
    """One submitted attempt: its folder name, who says they sent it, when."""
    name: str
    student: str
    assignment: str
    timestamp: str   # as nbgrader wrote it in the name and in timestamp.txt


def parse_name(name: str) -> Arrival | None:
    """The Arrival a folder name in inbound describes, or None when it is not one.

    Args:
        name: e.g. ``alice+dnn_app+2026-12-02 14:00:00.123456 UTC``.

    Returns:
        Arrival or None.
    """
    parts = name.rsplit("+", 3) if name.count("+") >= 3 else name.rsplit("+", 2)
    if len(parts) < 3 or not parts[0]:
        return None
    try:
        parse_utc(parts[2])
    except Exception:  # dateutil raises several kinds
        return None
    return Arrival(name, parts[0], parts[1], parts[2])


def ready(folder: Path) -> bool:
    """True when ``nbgrader submit`` has finished writing ``folder`` (see the module docstring)."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return False
    return (stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o777 == 0o777
            and (Path(folder) / "timestamp.txt").is_file()
            and (Path(folder) / "submission_secret.txt").is_file())


def arrivals(inbound: Path, assignment: str) -> list[Arrival]:
    """The finished submissions of ``assignment`` waiting in ``inbound``, oldest first.

    Args:
        inbound: ``<exchange>/<course>/inbound``.
        assignment: the assignment name.

    Returns:
        list of Arrival.
    """
    found = []
    for entry in os.scandir(inbound):
        arrival = parse_name(entry.name)
        if arrival and arrival.assignment == assignment and ready(Path(entry.path)):
            found.append(arrival)
    return sorted(found, key=lambda a: (parse_utc(a.timestamp), a.name))


def problem(folder: Path, student: str) -> str | None:
    """Why a taken folder must not be graded as ``student``'s, or None.

    Args:
        folder: the attempt's folder in the private store.
        student: the id its name claims.

    Returns:
        str or None: the folder is not owned by that account (submitted as someone
        else), or holds a link or anything but plain files and folders (a link
        would make the service copy a file the learner cannot read).
    """
    try:
        owner = pwd.getpwuid(os.lstat(folder).st_uid).pw_name
    except KeyError:
        owner = None
    if owner != student:
        return f"submitted by account {owner!r} under the id {student!r}"
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            st = os.lstat(os.path.join(base, name))
            if stat.S_ISLNK(st.st_mode) or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                return f"{name} is a link or a special file"
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                return f"{name} is a hard link"
    return None
