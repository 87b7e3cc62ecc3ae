"""Loading the cat / non-cat data, and checking it has the course's schema.

Where ``load_data`` looks, first match wins:
  1. its ``data_dir`` argument;
  2. the environment variable ``DNN_APP_DATA`` (a folder, or the word
     ``synthetic``);
  3. ``datasets/`` in the current folder, i.e. beside the notebook.
A folder must hold ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``.
``data_dir="synthetic"`` (or ``DNN_APP_DATA=synthetic``) loads the project's
generated stand-in data instead, and says so every time.
"""
import os
from pathlib import Path

import numpy as np

DATA_ENV = "DNN_APP_DATA"
SYNTHETIC = "synthetic"
TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
CLASSES = (b"non-cat", b"cat")
IMAGE_SHAPE = (64, 64, 3)

HOW_TO_GET_DATA = (
    "Put the course files train_catvnoncat.h5 and test_catvnoncat.h5 in a "
    "folder named datasets/ beside the notebook, or set the environment "
    f"variable {DATA_ENV} to the folder that holds them, or call "
    "load_data('path/to/folder'). To practise without the course data, use "
    f"load_data('{SYNTHETIC}') or set {DATA_ENV}={SYNTHETIC}."
)


class DataError(Exception):
    """The data files are missing, unreadable or not of the course's schema."""


def resolve_data_dir(data_dir=None):
    """Return (folder or "synthetic", how it was chosen)."""
    if data_dir is not None:
        chosen, how = data_dir, "the data_dir argument"
    elif os.environ.get(DATA_ENV):
        chosen, how = os.environ[DATA_ENV], f"the {DATA_ENV} environment variable"
    else:
        chosen, how = "datasets", "the default datasets/ folder beside the notebook"
    if str(chosen) == SYNTHETIC:
        return SYNTHETIC, how
    return Path(chosen).expanduser().resolve(), how


def _read_split(path, split):
    """Read one h5 file; return (x, y, classes) after checking the schema."""
    import h5py  # imported here so the numeric helpers never need it

    x_name, y_name = f"{split}_set_x", f"{split}_set_y"
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise DataError(
            f"{path} exists but is not a readable HDF5 file ({e}). It may be "
            "truncated or corrupted: download or copy it again."
        ) from None
    with f:
        missing = [k for k in (x_name, y_name, "list_classes") if k not in f]
        if missing:
            raise DataError(
                f"{path} is not a {split} file of the course's schema: it has "
                f"no {missing} (it has {sorted(f.keys())}). Check that the "
                f"train and test files are not swapped or renamed."
            )
        try:
            x, y, classes = f[x_name][()], f[y_name][()], f["list_classes"][()]
        except OSError as e:
            raise DataError(
                f"{path} could not be read to the end ({e}): the file is "
                "probably truncated. Download or copy it again."
            ) from None
    problems = []
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        problems.append(f"{x_name} must be uint8 of shape (m, 64, 64, 3), "
                        f"got {x.dtype} {x.shape}")
    if not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
        problems.append(f"{y_name} must be integers of shape (m,), got {y.dtype} {y.shape}")
    elif x.ndim >= 1 and y.shape[0] != x.shape[0]:
        problems.append(f"{x_name} has {x.shape[0]} images but {y_name} has {y.shape[0]} labels")
    elif y.size and not np.isin(y, (0, 1)).all():
        bad = np.unique(y[~np.isin(y, (0, 1))])[:5].tolist()
        problems.append(f"{y_name} must hold only 0 (non-cat) and 1 (cat), found {bad}")
    if classes.shape != (2,) or tuple(classes.tolist()) != CLASSES:
        problems.append(f"list_classes must be [b'non-cat', b'cat'], got {classes.tolist()!r}")
    if problems:
        raise DataError(f"{path} does not have the course's schema: " + "; ".join(problems) + ".")
    return x, y, classes


def load_data(data_dir=None):
    """Load the cat / non-cat data.

    data_dir: folder holding train_catvnoncat.h5 and test_catvnoncat.h5, or
    "synthetic"; None means $DNN_APP_DATA, else ./datasets.
    Returns (train_x_orig, train_y, test_x_orig, test_y, classes):
    train_x_orig (m_train, 64, 64, 3) uint8, train_y (1, m_train),
    test_x_orig (m_test, 64, 64, 3) uint8, test_y (1, m_test),
    classes (2,) bytes [b'non-cat', b'cat'].
    """
    folder, how = resolve_data_dir(data_dir)
    if folder == SYNTHETIC:
        from .synthetic import synthetic_data_dir, notice

        folder = synthetic_data_dir()
        print(notice())
        names = ("train_catvnoncat_synthetic.h5", "test_catvnoncat_synthetic.h5")
    else:
        names = (TRAIN_FILE, TEST_FILE)
    paths = [Path(folder) / n for n in names]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise DataError(
            f"Could not find {', '.join(p.name for p in missing)} in {folder} "
            f"(chosen by {how}). {HOW_TO_GET_DATA}"
        )
    train_x, train_y, classes = _read_split(paths[0], "train")
    test_x, test_y, _ = _read_split(paths[1], "test")
    return (train_x, train_y.reshape(1, -1), test_x, test_y.reshape(1, -1), classes)


def write_split(path, split, x, y, classes=CLASSES):
    """Write one split in the course's schema (the inverse of reading it).

    x: (m, 64, 64, 3) uint8; y: (m,) of 0/1. The file is written under a
    unique temporary name, checked, then moved into place: a crash never
    leaves a half-written file, and concurrent writers never mix.
    """
    import h5py

    import tempfile

    path = Path(path)
    x = np.asarray(x, dtype=np.uint8)
    y = np.asarray(y, dtype=np.int64).reshape(-1)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.create_dataset(f"{split}_set_x", data=x)
            f.create_dataset(f"{split}_set_y", data=y)
            f.create_dataset("list_classes", data=np.array(classes, dtype="S7"))
        _read_split(tmp, split)  # never hand out a file we could not read back
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
