"""Grading finds the course data wherever the course allows it, and grades nothing
(never low) when it finds none.

Places, in order: DNN_APP_DATA, source/<assignment>/datasets/, datasets/ at the
course's top (dnn_course/course/course_data.py). The grading tests run `dnn-course` and
`nbgrader` as subprocesses without DNN_APP_DATA, on scratch courses whose data,
if any, is two symbolic links in source/dnn_app/datasets/ to the real files.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import course_data_dir
from dnn_app_utils.data import DATA_ENV, TEST_FILE, TRAIN_FILE
from dnn_course.course.course_data import CourseDataMissing, find_course_data
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from dnn_course.grading.results import read_result
from dnn_course.demo.samples import write_samples

FILES = (TRAIN_FILE, TEST_FILE)
NOT_FOUND = "the course data was not found"


def link_data(folder, real=None):
    """``folder`` holding symbolic links to the real data files (in ``real``,
    default DNN_APP_DATA)."""
    real = real or course_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (folder / name).symlink_to(real / name)
    return folder


def without_data_env():
    """This environment less DNN_APP_DATA, with the venv's tools (alembic) on PATH."""
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def dnn_course(root, *args):
    return subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(root), *args],
                          env=without_data_env(), capture_output=True, text=True, timeout=900)


def nbgrader_autograde(root, student):
    return subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT,
                           "--student", student, "--force"], cwd=root, env=without_data_env(),
                          capture_output=True, text=True, timeout=900)


def result_of(root, student):
    with make_api(root).gradebook as gb:
        return read_result(gb, root, ASSIGNMENT, student)


def scratch_course(template, base, students):
    """A copy of the session's course ``template`` with the correct sample submitted under each of ``students``."""
    root = template.copy(base / "course")
    write_samples(root, only={"demo-correct"})
    for student in students:
        dest = root / "submitted" / student / ASSIGNMENT
        dest.mkdir(parents=True)
        shutil.copy2(root / "submitted" / "demo-correct" / ASSIGNMENT / NOTEBOOK, dest / NOTEBOOK)
    return root


# ------------------------------------------------------------ the resolver

@pytest.fixture
def real():
    """The real data folder (DNN_APP_DATA), read before a test unsets it."""
    return course_data_dir()


@pytest.fixture
def no_env(real, monkeypatch):
    monkeypatch.delenv(DATA_ENV, raising=False)


def test_looks_in_order_env_then_source_then_top(tmp_path, monkeypatch, real, no_env):
    """DNN_APP_DATA first, then source/<assignment>/datasets/, then datasets/."""
    source = link_data(tmp_path / "source" / ASSIGNMENT / "datasets", real)
    top = link_data(tmp_path / "datasets", real)
    assert find_course_data(tmp_path, ASSIGNMENT) == str(source)
    shutil.rmtree(source)
    assert find_course_data(tmp_path, ASSIGNMENT) == str(top)
    elsewhere = link_data(tmp_path / "elsewhere", real)
    monkeypatch.setenv(DATA_ENV, str(elsewhere))
    assert find_course_data(tmp_path, ASSIGNMENT) == str(elsewhere)
    monkeypatch.setenv(DATA_ENV, "synthetic")
    assert find_course_data(tmp_path, ASSIGNMENT) == "synthetic"


def test_a_wrong_data_env_is_an_error_not_a_fall_back(tmp_path, monkeypatch):
    """A DNN_APP_DATA folder without the files is named, even when source/ has data."""
    link_data(tmp_path / "source" / ASSIGNMENT / "datasets")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "empty"))
    with pytest.raises(CourseDataMissing) as e:
        find_course_data(tmp_path, ASSIGNMENT)
    assert f"{DATA_ENV}={tmp_path / 'empty'}: no {TRAIN_FILE} or {TEST_FILE}" in str(e.value)


def test_nothing_found_names_every_place_and_the_fix(tmp_path, real, no_env):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / TRAIN_FILE).symlink_to(real / TRAIN_FILE)
    with pytest.raises(CourseDataMissing) as e:
        find_course_data(tmp_path, ASSIGNMENT)
    source = tmp_path / "source" / ASSIGNMENT / "datasets"
    assert str(e.value) == (
        f"{NOT_FOUND} (looked in: {DATA_ENV} (not set); {source}/ (no such folder); "
        f"{tmp_path / 'datasets'}/ (no {TEST_FILE})); put {TRAIN_FILE} and {TEST_FILE} in "
        f"{source}/ (or set {DATA_ENV} to the folder that holds them), then grade again")


def test_a_truncated_file_is_not_course_data(tmp_path, real, no_env):
    folder = tmp_path / "source" / ASSIGNMENT / "datasets"
    folder.mkdir(parents=True)
    (folder / TRAIN_FILE).write_bytes((real / TRAIN_FILE).read_bytes()[:4096])
    (folder / TEST_FILE).symlink_to(real / TEST_FILE)
    with pytest.raises(CourseDataMissing, match="is not a readable HDF5 file"):
        find_course_data(tmp_path, ASSIGNMENT)


def test_the_sandbox_shows_a_folder_of_links(tmp_path, monkeypatch):
    """A kernel in the grading sandbox loads data from a folder of symbolic links."""
    from dnn_course.sandbox.launch import command_prefix

    data = link_data(tmp_path / "source" / ASSIGNMENT / "datasets")
    work = tmp_path / "autograded" / "alice" / ASSIGNMENT
    work.mkdir(parents=True)
    code = "from dnn_app_utils import load_data; print(load_data()[0].shape)"
    run = subprocess.run([*command_prefix(), sys.executable, "-I", "-c", code], cwd=work,
                         env={**without_data_env(), DATA_ENV: str(data)},
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "(209, 64, 64, 3)", run.stderr[-2000:]


# ------------------------------------------------ a course without any data

@pytest.fixture(scope="module")
def course_without_data(tmp_path_factory, course_template):
    return scratch_course(course_template, tmp_path_factory.mktemp("nodata"), ["bob"])


@pytest.mark.parametrize("mode", [[], ["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:9"]],
                         ids=["1-worker", "2-workers", "dask"])
def test_grade_without_data_grades_nothing_and_says_so_once(course_without_data, mode):
    """Every submission "not graded" with the instructor's reason, exit 1, the
    message once, no receipt, no autograded copy; the cluster is never contacted."""
    root = course_without_data
    p = dnn_course(root, "grade", "--student", "demo-correct", *mode)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stderr.count(NOT_FOUND) == 1, p.stderr
    assert f"{root / 'source' / ASSIGNMENT / 'datasets'}/ (no such folder)" in p.stderr
    r = result_of(root, "demo-correct")
    assert (r.status, r.score) == ("not graded", None), r
    row = next(line for line in p.stdout.splitlines() if line.startswith("demo-correct"))
    assert "not graded" in row and NOT_FOUND in row and "then grade again" in row
    assert "Error" not in p.stdout, p.stdout
    assert not (root / ".dnn_course" / "graded" / ASSIGNMENT / "demo-correct").exists()
    assert not (root / "autograded" / "demo-correct").exists()


def test_plain_nbgrader_autograde_without_data_records_no_grade(course_without_data):
    root = course_without_data
    p = nbgrader_autograde(root, "bob")
    assert p.returncode != 0
    assert f"CourseDataMissing: {NOT_FOUND}" in p.stdout + p.stderr
    assert not (root / "autograded" / "bob" / ASSIGNMENT).exists()  # nbgrader: not autograded
    r = result_of(root, "bob")
    assert (r.status, r.score) == ("not graded", None), r


def test_check_without_data_fails_naming_the_places(course_without_data):
    root = course_without_data
    p = dnn_course(root, "check")
    assert p.returncode == 1
    for place in (f"{DATA_ENV} (not set)", f"{root / 'source' / ASSIGNMENT / 'datasets'}/",
                  f"{root / 'datasets'}/"):
        assert place in p.stderr, p.stderr
    assert "validation" not in p.stderr  # the data comes first: nothing else was run


# ------------------------------------- data only in source/dnn_app/datasets/

@pytest.fixture(scope="module")
def course_with_source_data(tmp_path_factory, course_template):
    root = scratch_course(course_template, tmp_path_factory.mktemp("sourcedata"), ["bob"])
    link_data(root / "source" / ASSIGNMENT / "datasets")
    return root


def h5_files_outside_source(root):
    return [p for p in Path(root).rglob("*.h5") if "source" not in p.relative_to(root).parts]


@pytest.mark.slow
def test_dnn_course_grade_finds_source_datasets(course_with_source_data):
    """The bug: a correct submission got 10/20 (NameError: train_x) with the data there."""
    root = course_with_source_data
    p = dnn_course(root, "grade", "--student", "demo-correct")
    assert p.returncode == 0, p.stdout + p.stderr
    r = result_of(root, "demo-correct")
    assert (r.status, r.score, r.max_score) == ("graded", 20, 20), r
    assert h5_files_outside_source(root) == []


@pytest.mark.slow
def test_plain_nbgrader_autograde_finds_source_datasets(course_with_source_data):
    root = course_with_source_data
    p = nbgrader_autograde(root, "bob")
    assert p.returncode == 0, p.stderr[-3000:]
    r = result_of(root, "bob")
    assert (r.status, r.score, r.max_score) == ("graded", 20, 20), r
    assert h5_files_outside_source(root) == []


@pytest.mark.slow
def test_dask_workers_without_data_grade_with_the_clients(course_with_source_data, real,
                                                          monkeypatch):
    """Workers with no DNN_APP_DATA and no copy of the course: the client sends
    the data it found in source/dnn_app/datasets/ (a submission that skips the
    2500-iteration trainings keeps this quick; its test cells need the data)."""
    from dnn_course.scale.distributed import grade_dask
    from scale_helpers import Cluster, fast_samples, write

    root = course_with_source_data
    write(root, "fast-correct", fast_samples()["fast-correct"])
    monkeypatch.delenv(DATA_ENV)
    cluster = Cluster(workers=1)  # started without DNN_APP_DATA
    try:
        [r] = grade_dask(ASSIGNMENT, root, ["fast-correct"], cluster.address, progress=False)
    finally:
        cluster.close()
    assert (r.status, r.score, r.max_score) == ("graded", 20, 20), r
    assert h5_files_outside_source(root) == []
