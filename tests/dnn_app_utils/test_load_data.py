"""load_data: where it looks, and the message for each way the data can be wrong.

Most tests write small files of their own with h5py. The tests marked
"course data" read the folder named by DNN_APP_DATA (conftest.course_data_dir):
they FAIL when it is unset or lacks the files, and skip when it is "synthetic".
"""
import os
import shutil

import h5py
import numpy as np
import pytest

from dnn_app_utils import DataError, load_data
from dnn_app_utils.data import DATA_ENV, HOW_TO_GET_DATA, TEST_FILE, TRAIN_FILE
from dnn_app_utils.synthetic import TRAIN_NAME, write_synthetic
from conftest import course_data_dir

# Read once at import, before any test's monkeypatch changes the environment.
COURSE_DATA = os.environ.get(DATA_ENV, "")
GOOD_CLASSES = np.array([b"non-cat", b"cat"], dtype="S7")


def _write(path, split, m, x=None, y=None, classes=GOOD_CLASSES, names=None):
    """Write an h5 file like the course's, with any part replaced.

    Default: {split}_set_x (m, 64, 64, 3) uint8 filled with m, {split}_set_y
    (m,) int64 alternating 1, 0, and list_classes (2,) S7. names maps the
    default dataset names to others.
    """
    x = np.full((m, 64, 64, 3), m, dtype=np.uint8) if x is None else x
    y = (np.arange(m) % 2 == 0).astype(np.int64) if y is None else y
    data = {f"{split}_set_x": x, f"{split}_set_y": y, "list_classes": classes}
    names = names or {}
    with h5py.File(path, "w") as f:
        for key, value in data.items():
            f.create_dataset(names.get(key, key), data=value)
    return path


def _pair(folder, m_train=4, m_test=3):
    """A folder holding a good train/test pair of small files."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / TRAIN_FILE, "train", m_train)
    _write(folder / TEST_FILE, "test", m_test)
    return folder


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    """No DNN_APP_DATA, and a current folder without datasets/."""
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_good_pair_loads_with_label_rows(no_env):
    train_x, train_y, test_x, test_y, classes = load_data(_pair(no_env / "d"))
    assert train_x.shape == (4, 64, 64, 3) and train_y.shape == (1, 4)
    assert test_x.shape == (3, 64, 64, 3) and test_y.shape == (1, 3)
    assert classes.tolist() == [b"non-cat", b"cat"]


# --- where it looks --------------------------------------------------------

def test_argument_beats_env_beats_datasets_folder(no_env, monkeypatch):
    _pair(no_env / "datasets", m_train=2)
    _pair(no_env / "from_env", m_train=5)
    _pair(no_env / "from_arg", m_train=6)
    assert load_data()[0].shape[0] == 2  # ./datasets
    monkeypatch.setenv(DATA_ENV, str(no_env / "from_env"))
    assert load_data()[0].shape[0] == 5  # the env var wins over ./datasets
    assert load_data(no_env / "from_arg")[0].shape[0] == 6  # the argument wins
    assert load_data(str(no_env / "from_arg"))[0].shape[0] == 6


def test_empty_env_var_is_ignored(no_env, monkeypatch):
    _pair(no_env / "datasets", m_train=2)
    monkeypatch.setenv(DATA_ENV, "")
    assert load_data()[0].shape[0] == 2


@pytest.mark.parametrize("chosen_by", ["argument", "environment variable", "default"])
def test_missing_folder_names_it_how_it_was_chosen_and_what_to_do(no_env, monkeypatch, chosen_by):
    folder, how = {
        "argument": (no_env / "nowhere", "the data_dir argument"),
        "environment variable": (no_env / "env_folder", f"the {DATA_ENV} environment variable"),
        "default": (no_env.resolve() / "datasets", "default datasets/ folder"),
    }[chosen_by]
    if chosen_by == "environment variable":
        monkeypatch.setenv(DATA_ENV, str(folder))
    with pytest.raises(DataError) as err:
        load_data(folder if chosen_by == "argument" else None)
    msg = str(err.value)
    assert str(folder) in msg and how in msg
    assert TRAIN_FILE in msg and TEST_FILE in msg
    assert HOW_TO_GET_DATA in msg and "synthetic" in msg


def test_only_the_missing_file_is_named(no_env):
    folder = _pair(no_env / "d")
    (folder / TEST_FILE).unlink()
    with pytest.raises(DataError) as err:
        load_data(folder)
    assert f"Could not find {TEST_FILE} in" in str(err.value)
    assert TRAIN_FILE not in str(err.value).split(HOW_TO_GET_DATA)[0]


# --- damaged or foreign files ---------------------------------------------

@pytest.mark.parametrize("source", ["generated", "course data"])
def test_truncated_file(no_env, source):
    folder = _pair(no_env / "d")
    if source == "course data":
        course = course_data_dir(COURSE_DATA)
        shutil.copyfile(course / TRAIN_FILE, folder / TRAIN_FILE)
    else:
        write_synthetic(no_env / "syn")  # a full-size file of the same layout
        shutil.copyfile(no_env / "syn" / TRAIN_NAME, folder / TRAIN_FILE)
    data = (folder / TRAIN_FILE).read_bytes()
    (folder / TRAIN_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError) as err:
        load_data(folder)
    assert str(folder / TRAIN_FILE) in str(err.value)
    assert "truncated" in str(err.value)


def test_not_an_hdf5_file(no_env):
    folder = _pair(no_env / "d")
    (folder / TEST_FILE).write_text("<html>404 Not Found</html>")
    with pytest.raises(DataError, match="not a readable HDF5 file"):
        load_data(folder)


def test_wrong_dataset_names(no_env):
    folder = _pair(no_env / "d")
    _write(folder / TRAIN_FILE, "train", 4, names={"train_set_x": "images", "train_set_y": "labels"})
    with pytest.raises(DataError) as err:
        load_data(folder)
    msg = str(err.value)
    assert "train_set_x" in msg and "train_set_y" in msg
    assert "'images'" in msg and "'labels'" in msg  # what the file does have


def test_train_and_test_swapped(no_env):
    folder = no_env / "d"
    folder.mkdir()
    _write(folder / TRAIN_FILE, "test", 3)
    _write(folder / TEST_FILE, "train", 4)
    with pytest.raises(DataError, match="swapped"):
        load_data(folder)


@pytest.mark.parametrize("x, expected", [
    (np.zeros((4, 64, 64, 3), dtype=np.float32), "uint8"),
    (np.zeros((4, 64, 64, 3), dtype=np.int64), "uint8"),
    (np.zeros((4, 32, 32, 3), dtype=np.uint8), r"\(m, 64, 64, 3\)"),
    (np.zeros((4, 12288), dtype=np.uint8), r"\(m, 64, 64, 3\)"),
    (np.zeros((4, 64, 64), dtype=np.uint8), r"\(m, 64, 64, 3\)"),
])
def test_wrong_image_dtype_or_shape(no_env, x, expected):
    folder = _pair(no_env / "d")
    _write(folder / TRAIN_FILE, "train", 4, x=x)
    with pytest.raises(DataError, match=f"train_set_x must be .*{expected}"):
        load_data(folder)


@pytest.mark.parametrize("y, expected", [
    (np.array([1.0, 0.0, 1.0, 0.0]), "must be integers"),
    (np.array([[1], [0], [1], [0]], dtype=np.int64), r"must be integers of shape \(m,\)"),
    (np.array([1, 0, 1], dtype=np.int64), "4 images but train_set_y has 3 labels"),
    (np.array([1, 0, 2, -1], dtype=np.int64), r"only 0 \(non-cat\) and 1 \(cat\), found \[-1, 2\]"),
])
def test_wrong_labels(no_env, y, expected):
    folder = _pair(no_env / "d")
    _write(folder / TRAIN_FILE, "train", 4, y=y)
    with pytest.raises(DataError, match=expected):
        load_data(folder)


@pytest.mark.parametrize("classes", [
    np.array([b"cat", b"non-cat"], dtype="S7"),
    np.array([b"non-cat", b"dog"], dtype="S7"),
    np.array([b"non-cat", b"cat", b"dog"], dtype="S7"),
])
def test_wrong_classes(no_env, classes):
    folder = _pair(no_env / "d")
    _write(folder / TEST_FILE, "test", 3, classes=classes)
    with pytest.raises(DataError) as err:
        load_data(folder)
    assert str(folder / TEST_FILE) in str(err.value)
    assert "list_classes must be [b'non-cat', b'cat']" in str(err.value)


# --- the course data itself -------------------------------------------------

def test_course_data_has_the_course_schema():
    course = course_data_dir(COURSE_DATA)
    train_x, train_y, test_x, test_y, classes = load_data(course)
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and train_y.sum() == 72
    assert test_y.shape == (1, 50) and test_y.sum() == 33
    assert classes.tolist() == [b"non-cat", b"cat"]
