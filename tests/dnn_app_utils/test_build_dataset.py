"""The dataset builder: folders of pictures in, a course-schema h5 file out."""
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from dnn_app_utils import DataError, load_data
from dnn_app_utils.build_dataset import build_dataset, load_image, main
from dnn_app_utils.schema import read_split

RED, GREEN, BLUE, GREY, YELLOW = (200, 30, 30), (30, 200, 30), (30, 30, 200), (128, 128, 128), (220, 220, 0)


def _solid(path, colour, size=(80, 50), mode="RGB", **save):
    """Save a one-colour picture (any size and mode) at path."""
    img = Image.new("RGB", size, colour)
    if mode != "RGB":
        img = img.convert(mode)
    img.save(path, **save)


@pytest.fixture
def images(tmp_path):
    """image_root with 3 cats and 2 non-cats of mixed formats, sizes and modes."""
    root = tmp_path / "images"
    (root / "cat").mkdir(parents=True)
    (root / "non-cat").mkdir()
    _solid(root / "cat" / "a.png", RED)
    _solid(root / "cat" / "b.JPG", GREEN, size=(64, 64), quality=95)
    _solid(root / "cat" / "c.gif", BLUE, size=(30, 90), mode="P")
    _solid(root / "non-cat" / "d.bmp", GREY, size=(100, 100), mode="L")
    _solid(root / "non-cat" / "e.webp", YELLOW, lossless=True)
    (root / "non-cat" / "notes.txt").write_text("not a picture, ignored")
    return root


def test_round_trip_through_load_data(images, tmp_path, monkeypatch):
    monkeypatch.delenv("DNN_APP_DATA", raising=False)
    out = tmp_path / "datasets"
    assert build_dataset(images, out / "train_catvnoncat.h5", "train") == (
        out / "train_catvnoncat.h5", 5, 3)
    build_dataset(images, out / "test_catvnoncat.h5", "test")
    train_x, train_y, test_x, test_y, classes = load_data(out)
    assert train_x.shape == (5, 64, 64, 3) and train_x.dtype == np.uint8
    assert train_y.tolist() == [[1, 1, 1, 0, 0]]  # cat/ first, each sorted
    assert test_y.tolist() == train_y.tolist()
    assert classes.tolist() == [b"non-cat", b"cat"]
    # Each picture keeps its colour (lossy JPEG within a few levels).
    for img, colour in zip(train_x, (RED, GREEN, BLUE, GREY, YELLOW)):
        assert np.abs(img.reshape(-1, 3).mean(axis=0) - colour).max() < 4


def test_load_image_flattens_like_the_notebook(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "mine.png")
    x = load_image(tmp_path / "mine.png")
    assert x.shape == (12288, 1) and x.dtype == np.float64
    assert 0.0 <= x.min() and x.max() <= 1.0
    # The notebook flattens train_x_orig (m, 64, 64, 3) as reshape(m, -1).T / 255.
    np.testing.assert_array_equal(x, pixels[None].reshape(1, -1).T / 255)


def test_load_image_resizes_and_drops_transparency(tmp_path):
    Image.new("RGBA", (200, 120), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    x = load_image(tmp_path / "clear.png")
    assert x.shape == (12288, 1)
    np.testing.assert_array_equal(x, 1.0)  # see-through pixels become white


def test_load_image_missing_file_says_where(tmp_path):
    with pytest.raises(DataError, match="No image file at .*nope.jpg"):
        load_image(tmp_path / "nope.jpg")


def test_missing_folder_names_it_and_the_layout(images, tmp_path):
    (images / "non-cat" / "d.bmp").unlink()
    (images / "non-cat" / "e.webp").unlink()
    (images / "non-cat" / "notes.txt").unlink()
    (images / "non-cat").rmdir()
    with pytest.raises(DataError) as err:
        build_dataset(images, tmp_path / "out.h5", "train")
    assert str(images / "non-cat") in str(err.value)
    assert "Put cat pictures in" in str(err.value)


def test_no_pictures_is_an_error(tmp_path):
    for name in ("cat", "non-cat"):
        (tmp_path / "img" / name).mkdir(parents=True)
    (tmp_path / "img" / "cat" / "readme.md").write_text("no pictures here")
    with pytest.raises(DataError, match="No pictures found"):
        build_dataset(tmp_path / "img", tmp_path / "out.h5", "train")
    assert not (tmp_path / "out.h5").exists()


def test_unreadable_picture_is_named(images, tmp_path):
    bad = images / "cat" / "broken.jpeg"
    bad.write_bytes(b"this is not a jpeg")
    with pytest.raises(DataError) as err:
        build_dataset(images, tmp_path / "out.h5", "train")
    assert str(bad) in str(err.value) and "re-save it or remove it" in str(err.value)
    assert not (tmp_path / "out.h5").exists()


def test_refuses_to_overwrite_unless_asked(images, tmp_path):
    out = tmp_path / "mine.h5"
    out.write_bytes(b"precious")
    with pytest.raises(DataError, match="already exists.*overwrite"):
        build_dataset(images, out, "train")
    assert out.read_bytes() == b"precious"
    build_dataset(images, out, "train", overwrite=True)
    assert read_split(out, "train")[0].shape == (5, 64, 64, 3)


@pytest.mark.parametrize("split", ["Train", "validation", ""])
def test_bad_split_name(images, tmp_path, split):
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        build_dataset(images, tmp_path / "out.h5", split)


def test_file_named_for_the_other_split_is_refused(images, tmp_path):
    with pytest.raises(ValueError, match="other split"):
        build_dataset(images, tmp_path / "train_catvnoncat.h5", "test")


def test_cli_success_and_refusal(images, tmp_path, capsys):
    out = tmp_path / "t.h5"
    assert main([str(images), str(out), "--split", "test"]) == 0
    assert "5 images (3 cat, 2 non-cat)" in capsys.readouterr().out
    assert main([str(images), str(out), "--split", "test"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dnn-build-dataset: error:") and "already exists" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main([str(images), str(out), "--split", "test", "--overwrite"]) == 0


def test_cli_bad_arguments_exit_2(images, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(images), str(tmp_path / "t.h5"), "--split", "valid"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main([str(tmp_path / "nowhere"), str(tmp_path / "t.h5"), "--split", "train"]) == 2


def test_python_dash_m_works(images, tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "dnn_app_utils.build_dataset", str(images),
         str(tmp_path / "t.h5"), "--split", "train"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    again = subprocess.run(
        [sys.executable, "-m", "dnn_app_utils.build_dataset", str(images),
         str(tmp_path / "t.h5"), "--split", "train"], capture_output=True, text=True)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
