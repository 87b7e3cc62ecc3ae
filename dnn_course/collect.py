"""Bring notebooks downloaded from a learning platform into nbgrader's layout.

Accepts a folder or a .zip. Each notebook names its student either by its
folder (``<student>/anything.ipynb``) or by its file name, the student id
being what comes before the first "_" (``<student>_anything.ipynb``, as LMS
downloads name them) or the whole name (``<student>.ipynb``). Each lands in
``submitted/<student>/<assignment>/<notebook>``. An existing different
submission is never overwritten unless ``force``.
"""
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.@+-]{0,63}$")


class CollectError(Exception):
    pass


def _student_of(path, top):
    rel = path.relative_to(top)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return path.stem.split("_", 1)[0]


def _notebooks(top):
    return sorted(p for p in Path(top).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts)


def collect(source, root, assignment, notebook, force=False):
    """Copy the notebooks in ``source`` into submitted/. Return (added, unchanged, refused)."""
    source = Path(source)
    if not source.exists():
        raise CollectError(f"{source} does not exist: give a folder or a .zip of notebooks.")
    with tempfile.TemporaryDirectory() as tmp:
        top = source
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise CollectError(f"{source} is neither a folder nor a .zip file.")
            with zipfile.ZipFile(source) as z:
                for member in z.namelist():  # refuse paths that climb out of the folder
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise CollectError(f"{source} holds an unsafe path: {member}")
                z.extractall(tmp)
            top = Path(tmp)
        found = _notebooks(top)
        if not found:
            raise CollectError(f"no .ipynb files in {source}.")
        by_student = {}
        for nb in found:
            student = _student_of(nb, top)
            if not STUDENT_ID.match(student):
                raise CollectError(f"{nb.name}: {student!r} is not a usable student id "
                                   "(letters, digits, . @ + -).")
            if student in by_student:
                raise CollectError(f"two notebooks for student {student}: {by_student[student].name} "
                                   f"and {nb.name}; keep one.")
            by_student[student] = nb
        added, unchanged, refused = [], [], []
        for student, nb in by_student.items():
            dest = Path(root) / "submitted" / student / assignment / notebook
            if dest.exists():
                if dest.read_bytes() == nb.read_bytes():
                    unchanged.append(student)
                    continue
                if not force:
                    refused.append(student)
                    continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, dest)
            added.append(student)
        return added, unchanged, refused
