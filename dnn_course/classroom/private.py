"""What learners must never read in the course folder a classroom runs from, checked before start, opened to the instructor alone."""
import os
import stat
from pathlib import Path

from dnn_course.classroom.acl import grant
from dnn_course.classroom.runtime import closed_folder

# The solutions and hidden tests (source/), the checkout's own gradebook, and the hidden
# tests' helpers and cases, which the grading kernels import from the course's packages.
HIDDEN_MODULES = ("public_tests/hidden.py", "public_tests/hidden_cases.py", "public_tests/printed.py")
PRIVATE = ("source", "gradebook.db", *HIDDEN_MODULES)


def _files(path: Path) -> list[Path]:
    """``path`` and, for a folder, everything below it."""
    return [path, *sorted(path.rglob("*"))] if path.is_dir() else [path]


def readable_by_others(path: Path) -> bool:
    """Whether an account that is neither the owner nor in the group can read ``path``.

    Args:
        path: a file or folder (a folder counts when any file or folder below it is readable).

    Returns:
        bool: every folder on the way lets others pass (o+x) and something there is o+r.
    """
    if closed_folder(path):
        return False
    for item in _files(path):
        if closed_folder(item):
            continue  # a folder above it is closed to others
        if item.is_symlink():
            continue
        if item.lstat().st_mode & stat.S_IROTH:
            return True
    return False


def exposed(checkout: Path) -> list[Path]:
    """The paths of ``PRIVATE`` in the course folder that other accounts can read.

    Args:
        checkout: the course folder (a clone of this project) the classroom runs from.

    Returns:
        list of Path, in ``PRIVATE``'s order; empty when learners can read none of them.
    """
    found = []
    for name in PRIVATE:
        path = checkout / name
        if (path.exists() or path.is_symlink()) and readable_by_others(path):
            found.append(path)
    return found


def refusal(checkouts: list[Path]) -> str | None:
    """Why ``classroom start`` refuses to run from these course folders, with the fix.

    Args:
        checkouts: the course folder start copies from and the one whose packages the
            learners' servers import (often the same).

    Returns:
        The message, or None when no learner can read the solutions, the gradebook or the
        hidden tests in any of them.
    """
    lines = []
    for checkout in dict.fromkeys(Path(c).resolve() for c in checkouts):
        found = exposed(checkout)
        if found:
            names = " ".join(str(p.relative_to(checkout)) for p in found)
            lines.append(f"every account on this machine can read {', '.join(map(str, found))}: a "
                         f"learner with a terminal would read the solutions or the hidden tests. "
                         f"Close them to other accounts: cd {checkout} && chmod -R o-rwx {names}")
    if not lines:
        return None
    return ("\n".join(lines) + "\n(start then gives the instructor's account read access to "
            "source/ and the hidden tests itself: the grading service needs them.)")


def open_to_instructor(checkout: Path, uid: int) -> list[Path]:
    """Give the instructor's account read access to source/ and the hidden tests' modules.

    The grading service runs as the instructor and reads the reference solutions from
    ``source/`` and imports the hidden tests' helpers from the course's packages; the
    other accounts stay shut out (a named ACL entry for this account alone).

    Args:
        checkout: the course folder the classroom's packages come from.
        uid: the instructor's user id.

    Returns:
        list of Path: the files and folders given an entry.
    """
    changed = []
    for name in ("source", *HIDDEN_MODULES):
        path = checkout / name
        if not path.exists() or os.stat(path).st_uid == uid:
            continue
        for item in _files(path):
            if not item.is_symlink():
                grant(item, [uid], 5 if item.is_dir() else 4)
                changed.append(item)
    return changed
