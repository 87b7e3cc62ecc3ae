"""Finding and loading the cat / non-cat data (the synthetic stand-in included).

Where ``load_data`` looks, first match wins:
  1. its ``data_dir`` argument;
  2. the environment variable ``DNN_APP_DATA`` (a folder, or the word
     ``synthetic``);
  3. ``datasets/`` in the current folder, i.e. beside the notebook.
A folder must hold ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``, each
of the schema that ``schema.py`` states and checks.
``data_dir="synthetic"`` (or ``DNN_APP_DATA=synthetic``) loads the project's
generated stand-in data instead, and says so every time.
"""
import os
from pathlib import Path

import numpy as np

from .schema import CLASSES, IMAGE_SHAPE, TEST_FILE, TRAIN_FILE, DataError, read_split
from .synthetic import TEST_NAME, TRAIN_NAME, notice, synthetic_data_dir

__all__ = ["DATA_ENV", "SYNTHETIC", "HOW_TO_GET_DATA", "resolve_data_dir", "load_data",
           # the schema, from .schema, for the callers that find it here
           "CLASSES", "IMAGE_SHAPE", "TEST_FILE", "TRAIN_FILE", "DataError"]

DATA_ENV = "DNN_APP_DATA"
SYNTHETIC = "synthetic"

HOW_TO_GET_DATA = (
    "Put the course files train_catvnoncat.h5 and test_catvnoncat.h5 in a "
    "folder named datasets/ beside the notebook, or set the environment "
    f"variable {DATA_ENV} to the folder that holds them, or call "
    "load_data('path/to/folder'). To practise without the course data, use "
    f"load_data('{SYNTHETIC}') or set {DATA_ENV}={SYNTHETIC}."
)


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> tuple[Path | str, str]:
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


def load_data(data_dir: str | os.PathLike | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
        folder = synthetic_data_dir()
        print(notice())
        names = (TRAIN_NAME, TEST_NAME)
    else:
        names = (TRAIN_FILE, TEST_FILE)
    paths = [Path(folder) / n for n in names]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise DataError(
            f"Could not find {', '.join(p.name for p in missing)} in {folder} "
            f"(chosen by {how}). {HOW_TO_GET_DATA}"
        )
    train_x, train_y, classes = read_split(paths[0], "train")
    test_x, test_y, _ = read_split(paths[1], "test")
    return (train_x, train_y.reshape(1, -1), test_x, test_y.reshape(1, -1), classes)
