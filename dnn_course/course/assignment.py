"""The assignment as nbgrader generates it: release/ from source/, recorded in a gradebook.

``generate`` builds the release in a scratch copy of the course folder (so a
failed run never leaves a half-written release/), records the assignment in
the course gradebook, then compares with the committed release: it writes
a new one, leaves an identical one alone, and replaces a different one only
when forced. ``course_copy`` makes a working course folder elsewhere with the
assignment recorded (tests, benchmarks, the demo, each Dask worker). Grading
needs both, so they sit here, below grading/ and scale/; ``dnn-course check``
is ``admin/release.py``.
"""
import json
import shutil
import tempfile
from pathlib import Path

import nbformat

from dnn_course.course.gradebook_db import sqlite_url
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, COURSE_ROOT, NOTEBOOK, StrPath

IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", "datasets", "*.h5")


class ReleaseError(Exception):
    pass


def default_db_url(root: StrPath) -> str:
    """The course's own SQLite gradebook, ``<root>/gradebook.db``, as a URL."""
    return sqlite_url(Path(root) / "gradebook.db")


def _notebook_key(path):
    """A notebook's content without what differs between identical runs."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        cell.pop("id", None)
    return json.dumps(nb, sort_keys=True)


def same_tree(a: StrPath, b: StrPath) -> bool:
    """True when folders a and b hold the same files with the same content."""
    def files(d):
        return sorted(p.relative_to(d) for p in Path(d).rglob("*") if p.is_file())
    if files(a) != files(b):
        return False
    for rel in files(a):
        if rel.suffix == ".ipynb":
            if _notebook_key(Path(a) / rel) != _notebook_key(Path(b) / rel):
                return False
        elif (Path(a) / rel).read_bytes() != (Path(b) / rel).read_bytes():
            return False
    return True


def build_release(root: StrPath = COURSE_ROOT, db_url: str | None = None, out: StrPath | None = None) -> Path:
    """Run generate_assignment in a scratch copy; return the folder of the new release."""
    root = Path(root).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="dnn-release-"))
    shutil.copytree(root / "source", scratch / "source", ignore=IGNORE)
    shutil.copy2(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
    api = make_api(scratch, db_url or default_db_url(root))
    outcome = api.generate_assignment(ASSIGNMENT, force=True, create=True)
    built = scratch / "release" / ASSIGNMENT
    if not outcome.get("success") or not (built / NOTEBOOK).is_file():
        shutil.rmtree(scratch, ignore_errors=True)
        raise ReleaseError("nbgrader generate_assignment failed:\n"
                           + (outcome.get("error") or outcome.get("log") or "no details"))
    if out:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(built, out)
        shutil.rmtree(scratch, ignore_errors=True)
        return Path(out)
    return built


def generate(root: StrPath = COURSE_ROOT, force: bool = False, db_url: str | None = None) -> str:
    """Regenerate release/<assignment>; return "created", "unchanged" or "replaced"."""
    root = Path(root).resolve()
    built = build_release(root, db_url)
    try:
        target = root / "release" / ASSIGNMENT
        if not target.exists():
            status = "created"
        elif same_tree(built, target):
            return "unchanged"
        elif not force:
            raise ReleaseError(f"{target} differs from what source/ generates. It may hold edits "
                               "of yours: compare them (git diff), then run again with --force "
                               "to replace it.")
        else:
            status = "replaced"
            shutil.rmtree(target)
        shutil.copytree(built, target)
        return status
    finally:
        shutil.rmtree(built.parent.parent, ignore_errors=True)


def course_copy(dest: StrPath, root: StrPath = COURSE_ROOT) -> Path:
    """A working course folder at ``dest`` (config, source/, the committed
    release/) with its own empty gradebook, the assignment recorded in it.
    For tests, benchmarks and trial runs that must not touch the real course."""
    root, dest = Path(root).resolve(), Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(root / "source", dest / "source", ignore=IGNORE)
    shutil.copytree(root / "release", dest / "release", ignore=IGNORE)
    if generate(dest) != "unchanged":
        raise ReleaseError(f"the committed release differs from what {root / 'source'} "
                           "generates: run `dnn-course release --force` first")
    return dest
