"""Where grading finds the course data: one resolver for every way of grading.

``find_course_data`` looks, in this order, first match wins:
  1. ``DNN_APP_DATA``: a folder, or the word ``synthetic`` (the stand-in data,
     taken as it is). When it is set, grading looks nowhere else: a folder
     that lacks the files is an error, never a silent fall-back;
  2. ``source/<assignment>/datasets/`` in the course folder (the place
     ``nbgrader_config.py`` keeps out of release/ with ``CourseDirectory.ignore``);
  3. ``datasets/`` at the course folder's top.
A folder counts when it holds both ``train_catvnoncat.h5`` and
``test_catvnoncat.h5`` and they load with the course's schema. The kernel,
the verification re-run and the grader itself then read the folder through
``DNN_APP_DATA`` (``course_data_env``); nothing is ever copied into the course.
"""
import atexit
import contextlib
import functools
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from traitlets.config import Config

from dnn_app_utils.data import DataError, load_data
from dnn_course.course.facts import DATA_ENV, DATA_FILES, SYNTHETIC, TEST_FILE, TRAIN_FILE
from dnn_course.course.paths import ASSIGNMENT, COURSE_ROOT, StrPath

FILES = DATA_FILES


class CourseDataMissing(Exception):
    """No usable course data for grading; the message says where grading looked."""


def candidate_folders(root: StrPath = COURSE_ROOT, assignment: str = ASSIGNMENT) -> list[Path]:
    """The course's own places for the data, in the order they are tried.

    Args:
        root: the course folder.
        assignment: the assignment id (its source folder may hold ``datasets/``).

    Returns:
        [source/<assignment>/datasets, datasets] as absolute Paths.
    """
    root = Path(root).resolve()
    return [root / "source" / assignment / "datasets", root / "datasets"]


def _missing_files(folder):
    return [name for name in FILES if not (Path(folder) / name).is_file()]


@functools.lru_cache(maxsize=8)
def _unreadable(folder, _stamp):
    """Why the data in ``folder`` cannot be loaded, or None (cached per file state)."""
    try:
        load_data(folder)
    except DataError as e:
        return str(e).split(" Put the course files")[0]
    return None


def _check(folder):
    """None when ``folder`` holds loadable course data, else what is wrong."""
    missing = _missing_files(folder)
    if missing:
        return f"no {' or '.join(missing)}" if Path(folder).is_dir() else "no such folder"
    stamp = tuple((os.stat(Path(folder) / n).st_mtime_ns, os.stat(Path(folder) / n).st_size)
                  for n in FILES)
    return _unreadable(str(folder), stamp)


def how_to_fix(root: StrPath = COURSE_ROOT, assignment: str = ASSIGNMENT) -> str:
    """The instructor's fix, as one clause.

    Args:
        root: the course folder.
        assignment: the assignment id.

    Returns:
        "put ... in <root>/source/<assignment>/datasets/ (or set DNN_APP_DATA ...), then grade again".
    """
    place = candidate_folders(root, assignment)[0]
    return (f"put {TRAIN_FILE} and {TEST_FILE} in {place}/ (or set {DATA_ENV} to the folder "
            "that holds them), then grade again")


def find_course_data(root: StrPath = COURSE_ROOT, assignment: str = ASSIGNMENT,
                     environ: Mapping[str, str] | None = None) -> str:
    """The course data for grading ``assignment`` of the course at ``root``.

    Args:
        root: the course folder.
        assignment: the assignment id.
        environ: the environment to read ``DNN_APP_DATA`` from (default os.environ).

    Returns:
        The absolute folder holding both data files (str), or ``"synthetic"``.

    Raises:
        CourseDataMissing: no place holds usable data; the message names every
        place looked in, what was wrong there, and the fix.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(DATA_ENV, "").strip()
    if value == SYNTHETIC:
        return SYNTHETIC
    if value:
        folder = os.path.abspath(os.path.expanduser(value))
        problem = _check(folder)
        if problem is None:
            return folder
        raise CourseDataMissing(
            f"the course data was not found (looked in: {DATA_ENV}={folder}: {problem}; "
            f"when {DATA_ENV} is set, grading looks nowhere else); fix or unset {DATA_ENV}: "
            + how_to_fix(root, assignment))
    looked = [f"{DATA_ENV} (not set)"]
    for place in candidate_folders(root, assignment):
        problem = _check(place)
        if problem is None:
            return str(place)
        looked.append(f"{place}/ ({problem})")
    raise CourseDataMissing(f"the course data was not found (looked in: {'; '.join(looked)}); "
                            + how_to_fix(root, assignment))


def course_data_problem(root: StrPath = COURSE_ROOT, assignment: str = ASSIGNMENT) -> str | None:
    """``find_course_data``'s message when it finds nothing, else None.

    Args:
        root: the course folder.
        assignment: the assignment id.

    Returns:
        The instructor-facing reason (str), or None when the data is there.
    """
    try:
        find_course_data(root, assignment)
    except CourseDataMissing as e:
        return str(e)
    return None


@contextlib.contextmanager
def course_data_env(root: StrPath = COURSE_ROOT, assignment: str = ASSIGNMENT) -> Iterator[str]:
    """Within the block, ``DNN_APP_DATA`` names the found data (absolute), so
    kernels, the sandbox and the verification re-run all read that folder;
    the previous value comes back afterwards.

    Args:
        root: the course folder.
        assignment: the assignment id.

    Returns:
        A context manager yielding the folder (str) or ``"synthetic"``.

    Raises:
        CourseDataMissing: as ``find_course_data``, before anything is changed.
    """
    with data_env(find_course_data(root, assignment)) as found:
        yield found


def course_root_for(config: Config, folder: StrPath) -> Path:
    """The course folder a grading preprocessor works for.

    Args:
        config: the preprocessor's traitlets config (``CourseDirectory.root``
            is used when set, as in ``nbgrader_config.py``).
        folder: the notebook's folder, e.g. ``<root>/autograded/<student>/<assignment>``.

    Returns:
        The course folder (Path).
    """
    section = config.get("CourseDirectory", {}) if config is not None else {}
    if "root" in section and section["root"]:
        return Path(section["root"]).resolve()
    if folder:
        path = Path(folder).resolve()  # <root>/autograded/<student>/<assignment>
        if len(path.parents) >= 3 and path.parents[1].name == "autograded":
            return path.parents[2]
    return Path.cwd()


# ------------------------------------------- to graders without a shared disk

def data_payload(found: str) -> str | tuple[str, dict[str, bytes]]:
    """What a remote grader (a Dask worker) needs of the data ``find_course_data`` found.

    Args:
        found: a folder (str) or ``"synthetic"``.

    Returns:
        ``"synthetic"``, or (digest, {file name: bytes}) of the two data files (~3 MB).
    """
    if found == SYNTHETIC:
        return SYNTHETIC
    files = {name: (Path(found) / name).read_bytes() for name in FILES}
    digest = hashlib.sha256(b"".join(files[name] for name in FILES)).hexdigest()
    return digest, files


_received: dict[str, str] = {}  # digest -> folder, per grader process
_received_lock = threading.Lock()


def received_folder(payload: str | tuple[str, dict[str, bytes]]) -> str:
    """On the remote grader: a private folder holding the shipped data (written
    once per process, outside any course folder, removed at exit).

    Args:
        payload: what ``data_payload`` returned on the client.

    Returns:
        The folder (str), or ``"synthetic"``; set it as ``DNN_APP_DATA``.
    """
    if isinstance(payload, str):  # SYNTHETIC, the one str data_payload gives
        return SYNTHETIC
    digest, files = payload
    with _received_lock:
        folder = _received.get(digest)
        if folder is None or _missing_files(folder):
            folder = tempfile.mkdtemp(prefix=f"dnn-course-data-{digest[:12]}-")
            for name in FILES:
                (Path(folder) / name).write_bytes(files[name])
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            _received[digest] = folder
        return folder


@contextlib.contextmanager
def data_env(found: str) -> Iterator[str]:
    """Within the block ``DNN_APP_DATA`` is ``found``; the previous value comes back after.

    Args:
        found: a folder (str) or ``"synthetic"``.

    Returns:
        A context manager yielding ``found``.
    """
    before = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = found
    try:
        yield found
    finally:
        if before is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = before
