"""The notebook's figures: the mislabeled-images grid stays readable in a notebook."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dnn_app_utils.plots import print_mislabeled_images  # noqa: E402

CLASSES = np.array([b"non-cat", b"cat"])


@pytest.fixture
def shown(monkeypatch):
    """The figures print_mislabeled_images would show, kept open instead."""
    figures = []
    monkeypatch.setattr(plt, "show", lambda: figures.append(plt.gcf()))
    yield figures
    plt.close("all")


def _images(m, rng):
    return rng.random((64 * 64 * 3, m))


@pytest.mark.parametrize("wrong, rows", [(1, 1), (5, 1), (6, 2), (13, 3)])
def test_mislabeled_images_in_rows_of_five(shown, rng, wrong, rows):
    m = 20
    y = np.zeros((1, m))
    p = y.copy()
    p[0, :wrong] = 1  # the first `wrong` examples are predicted "cat" but are not
    print_mislabeled_images(CLASSES, _images(m, rng), y, p)
    (fig,) = shown
    axes = [ax for ax in fig.axes if ax.images]
    assert len(axes) == wrong
    assert {ax.get_subplotspec().get_geometry()[:2] for ax in axes} == {(rows, min(wrong, 5))}
    # a panel is ~2.2 inches wide: at the notebook's 72-100 dpi, five fit in ~1,100 px
    assert fig.get_size_inches()[0] <= 11.0 + 1e-9
    assert [ax.get_title() for ax in axes][0] == "Prediction: cat\nClass: non-cat"


def test_no_mislabeled_images_prints_a_line(shown, capsys):
    y = np.array([[1.0, 0.0]])
    print_mislabeled_images(CLASSES, np.zeros((12288, 2)), y, y.copy())
    assert shown == []
    assert capsys.readouterr().out == "No mislabeled images: every prediction is right.\n"
