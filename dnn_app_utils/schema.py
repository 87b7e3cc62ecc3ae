"""The course's data schema: what a cat / non-cat data file holds, and reading
and writing one split of it with that schema checked.

A split ("train" or "test") is one HDF5 file, ``train_catvnoncat.h5`` or
``test_catvnoncat.h5``, holding three datasets:
  ``<split>_set_x``  uint8, (m, 64, 64, 3): m RGB images of 64 x 64 pixels;
  ``<split>_set_y``  integers, (m,): 1 for a cat, 0 for a non-cat;
  ``list_classes``   bytes, (2,): [b'non-cat', b'cat'], the name of each label.
``read_split`` refuses any file that differs, with a ``DataError`` that says how.
"""
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
CLASSES = (b"non-cat", b"cat")
IMAGE_SHAPE = (64, 64, 3)


class DataError(Exception):
    """The data files are missing, unreadable or not of the course's schema."""


def read_split(path: str | os.PathLike, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def write_split(path: str | os.PathLike, split: str, x: np.ndarray, y: np.ndarray,
                classes: Sequence[bytes] = CLASSES) -> Path:
    """Write one split in the course's schema (the inverse of reading it).

    x: (m, 64, 64, 3) uint8; y: (m,) of 0/1. The file is written under a
    unique temporary name, checked, then moved into place: a crash never
    leaves a half-written file, and concurrent writers never mix.
    """
    import h5py  # here, as in read_split

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
        read_split(tmp, split)  # never hand out a file we could not read back
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
