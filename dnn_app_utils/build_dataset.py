"""Turn folders of pictures into a data file of the course's schema.

An instructor makes a variant of the data set like this::

    my_images/cat/*.jpg        -> label 1
    my_images/non-cat/*.png    -> label 0

    dnn-build-dataset my_images datasets/train_catvnoncat.h5 --split train

(or ``python -m dnn_app_utils.build_dataset ...``). Every picture is turned
into RGB and resized to 64 x 64 pixels, the size the network expects.
``load_image`` does the same for one picture, so a learner can try the
trained network on a photo of their own (notebook section 7).
"""
import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .schema import CLASSES, IMAGE_SHAPE, TEST_FILE, TRAIN_FILE, DataError, write_split

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
LABELS = {"cat": 1, "non-cat": 0}  # sub-folder name: label
SPLITS = ("train", "test")


def _to_array(path):
    """Read one picture as (64, 64, 3) uint8 RGB; raise DataError if it cannot."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"No image file at {path}. Check the path and the file name.")
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)  # phone photos: turn them upright
            if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")  # put see-through pixels on white
                im = Image.new("RGB", rgba.size, (255, 255, 255))
                im.paste(rgba, mask=rgba.getchannel("A"))
            im = im.convert("RGB").resize(IMAGE_SHAPE[1::-1], Image.Resampling.LANCZOS)
            return np.asarray(im, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise DataError(
            f"Could not read the image {path} ({e}). Open it in an image "
            "viewer to check it, then re-save it or remove it."
        ) from None


def load_image(path: str | Path) -> np.ndarray:
    """Read one picture for the network: (12288, 1) float64 in [0, 1].

    The picture is turned into RGB and resized to 64 x 64; the pixels are
    flattened in the same order as ``train_x_orig.reshape(m, -1).T / 255``.
    """
    return _to_array(path).reshape(-1, 1) / 255.0


def _image_files(folder):
    """Sorted picture files directly inside folder (by suffix, any case)."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def build_dataset(image_root: str | Path, out_path: str | Path, split: str,
                  overwrite: bool = False) -> tuple[Path, int, int]:
    """Build one h5 file of the course's schema from folders of pictures.

    image_root: folder with sub-folders cat/ (label 1) and non-cat/ (label 0).
    out_path: the h5 file to write; an existing file is kept unless
    overwrite=True. split: "train" or "test" (names the datasets inside).
    Writes {split}_set_x (m, 64, 64, 3) uint8, {split}_set_y (m,) int64 and
    list_classes (2,); returns (out_path, m, number of cats).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    root, out = Path(image_root).expanduser(), Path(out_path).expanduser()
    other = {"train": TEST_FILE, "test": TRAIN_FILE}[split]
    if out.name == other:
        raise ValueError(
            f"{out.name} is the name of the other split, but split is "
            f"{split!r}. Use --split {other.split('_')[0]} or another file name."
        )
    folders = {name: root / name for name in LABELS}
    missing = [str(f) for f in folders.values() if not f.is_dir()]
    if missing:
        raise DataError(
            f"Missing folder(s): {', '.join(missing)}. Put cat pictures in "
            f"{root / 'cat'} and other pictures in {root / 'non-cat'}."
        )
    if out.is_dir():
        raise DataError(f"{out} is a folder; give a file name such as {out / (split + '.h5')}.")
    if out.exists() and not overwrite:
        raise DataError(
            f"{out} already exists, so it was left unchanged. Choose another "
            "file name, or pass overwrite=True (--overwrite) to replace it."
        )
    files = [(p, LABELS[name]) for name, f in folders.items() for p in _image_files(f)]
    if not files:
        raise DataError(
            f"No pictures found in {folders['cat']} or {folders['non-cat']} "
            f"(looked for {', '.join(IMAGE_SUFFIXES)}, any case)."
        )
    x = np.stack([_to_array(p) for p, _ in files])
    y = np.array([label for _, label in files], dtype=np.int64)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_split(out, split, x, y, CLASSES)
    return out, len(y), int(y.sum())


def main(argv: list[str] | None = None) -> int:
    """Command line: dnn-build-dataset IMAGE_ROOT OUT.h5 --split train|test."""
    parser = argparse.ArgumentParser(
        prog="dnn-build-dataset",
        description="Build a cat / non-cat h5 file of the course's schema "
                    "from IMAGE_ROOT/cat/ and IMAGE_ROOT/non-cat/.")
    parser.add_argument("image_root", metavar="IMAGE_ROOT",
                        help="folder with sub-folders cat/ and non-cat/")
    parser.add_argument("out_path", metavar="OUT.h5", help="the file to write")
    parser.add_argument("--split", required=True, choices=SPLITS,
                        help="train or test: names the datasets in the file")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace OUT.h5 if it already exists")
    args = parser.parse_args(argv)
    try:
        out, m, cats = build_dataset(args.image_root, args.out_path, args.split,
                                     overwrite=args.overwrite)
    except (DataError, ValueError) as e:
        print(f"dnn-build-dataset: error: {e}", file=sys.stderr)
        return 2
    print(f"Wrote {out}: {m} images ({cats} cat, {m - cats} non-cat), split {args.split!r}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
