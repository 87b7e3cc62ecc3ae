"""Draw the notebook's own figures into source/dnn_app/images/.

    python figures/draw.py            # from the course folder

Writes four PNG files, all drawn here with matplotlib (no course data is used,
so every file may be shipped with the release):

  image_to_vector.png   how a 64 x 64 x 3 picture becomes a 12288-vector
  two_layer.png         LINEAR -> RELU -> LINEAR -> SIGMOID
  L_layer.png           [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID
  my_image.png          a drawn cat, the test picture of section 7

The output is deterministic: running the script twice gives the same bytes.
"""
import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "source" / "dnn_app" / "images"
PNG_META = {"Software": None}  # no version string: same bytes on every machine
DPI = 100

INPUT_C = "#d9e7f5"
RELU_C = "#fde2c4"
SIGMOID_C = "#d8f0d2"
EDGE = "#333333"


def _save(fig, path, **kw):
    fig.savefig(path, dpi=DPI, metadata=PNG_META, **kw)
    plt.close(fig)
    return path


# ---------------------------------------------------------------- the drawn cat
def _draw_cat(ax):
    """A cartoon cat's face on a garden background, in axes units [0, 1]."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 0), 1, 1, color="#8fbf6a"))          # lawn
    ax.add_patch(Rectangle((0, 0.62), 1, 0.38, color="#a9d3f0"))    # sky
    fur, dark = "#e39a3b", "#b86b1d"
    for side in (-1, 1):                                            # ears
        x0 = 0.5 + side * 0.22
        ax.add_patch(Polygon([(x0 - 0.12, 0.68), (x0 + 0.12, 0.68),
                              (x0 + side * 0.06, 0.93)], color=fur))
        ax.add_patch(Polygon([(x0 - 0.06, 0.7), (x0 + 0.06, 0.7),
                              (x0 + side * 0.04, 0.86)], color="#f4b6b6"))
    ax.add_patch(Ellipse((0.5, 0.47), 0.66, 0.58, color=fur))      # head
    for dx in (-0.12, 0.0, 0.12):                                   # stripes
        ax.add_patch(Rectangle((0.49 + dx, 0.66), 0.025, 0.08, color=dark))
    for side in (-1, 1):                                            # eyes
        ax.add_patch(Ellipse((0.5 + side * 0.13, 0.52), 0.12, 0.14, color="#f6f0a0"))
        ax.add_patch(Ellipse((0.5 + side * 0.13, 0.52), 0.035, 0.12, color="black"))
    ax.add_patch(Polygon([(0.46, 0.42), (0.54, 0.42), (0.5, 0.37)], color="#e07080"))
    ax.plot([0.5, 0.5], [0.37, 0.32], color="black", lw=1.2)
    ax.plot([0.44, 0.5, 0.56], [0.29, 0.32, 0.29], color="black", lw=1.2)
    for side in (-1, 1):                                            # whiskers
        for dy in (-0.03, 0.0, 0.03):
            ax.plot([0.5 + side * 0.1, 0.5 + side * 0.36],
                    [0.36 + dy / 2, 0.36 + dy * 2.2], color="white", lw=1)


def cat_pixels(size=64):
    """The drawn cat as a (size, size, 3) uint8 array."""
    fig = plt.figure(figsize=(size / DPI, size / DPI), dpi=DPI)
    ax = fig.add_axes([0, 0, 1, 1])
    _draw_cat(ax)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    plt.close(fig)
    return rgba[:, :, :3].copy()


def draw_my_image(out):
    """Section 7's test picture: the drawn cat at 256 x 256 pixels."""
    fig = plt.figure(figsize=(256 / DPI, 256 / DPI), dpi=DPI)
    ax = fig.add_axes([0, 0, 1, 1])
    _draw_cat(ax)
    return _save(fig, out / "my_image.png")


# ------------------------------------------------------------ image to vector
def draw_image_to_vector(out):
    img = cat_pixels(64)
    fig = plt.figure(figsize=(10, 4.2))
    # 1. the picture
    ax = fig.add_axes([0.04, 0.12, 0.29, 0.76])
    ax.imshow(img, interpolation="nearest")
    ax.add_patch(Rectangle((-0.5, -0.5), 2, 1, fill=False, ec="red", lw=2))
    ax.set_title("one picture: 64 x 64 pixels,\n3 numbers (R, G, B) per pixel", fontsize=10)
    ax.set_xticks([0, 63])
    ax.set_yticks([0, 63])
    # 2. the first two pixels of row 0, channel by channel
    ax = fig.add_axes([0.36, 0.12, 0.24, 0.76])
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.5, 0.95, "row 0, pixels 0 and 1", ha="center", fontsize=10)
    for k, col in enumerate((0, 1)):
        y0 = 0.62 - k * 0.38
        r, g, b = (int(v) for v in img[0, col])
        ax.add_patch(Rectangle((0.05, y0), 0.22, 0.22, color=img[0, col] / 255, ec=EDGE))
        ax.text(0.16, y0 - 0.06, f"pixel (0, {col})", ha="center", fontsize=8)
        for j, (name, v, c) in enumerate(zip("RGB", (r, g, b), ("#c0392b", "#27ae60", "#2e5fa8"))):
            ax.text(0.36, y0 + 0.18 - j * 0.08, f"{name} = {v}", color=c, fontsize=10,
                    family="monospace", va="center")
    ax.annotate("", xy=(1.02, 0.5), xytext=(0.8, 0.5), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="->", lw=2))
    ax.text(0.91, 0.56, "reshape,\n/ 255", ha="center", fontsize=9, transform=ax.transAxes)
    # 3. the column vector
    ax = fig.add_axes([0.64, 0.02, 0.34, 0.96])
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    entries = [("R", 0, 0), ("G", 0, 0), ("B", 0, 0), ("R", 0, 1), ("G", 0, 1), ("B", 0, 1)]
    n = len(entries) + 3
    top, h = 0.9, 0.085
    for i, (ch, row, col) in enumerate(entries):
        v = img[row, col, "RGB".index(ch)] / 255
        y = top - (i + 1) * h
        ax.add_patch(Rectangle((0.1, y), 0.42, h, fill=False, ec=EDGE))
        ax.text(0.31, y + h / 2, f"{v:.3f}", ha="center", va="center", family="monospace", fontsize=9)
        ax.text(0.56, y + h / 2, f"{ch} of ({row}, {col})", va="center", fontsize=8)
    y = top - (len(entries) + 1) * h
    ax.add_patch(Rectangle((0.1, y), 0.42, h, fill=False, ec=EDGE))
    ax.text(0.31, y + h / 2, "...", ha="center", va="center", fontsize=11)
    y = top - (len(entries) + 2) * h
    v = img[63, 63, 2] / 255
    ax.add_patch(Rectangle((0.1, y), 0.42, h, fill=False, ec=EDGE))
    ax.text(0.31, y + h / 2, f"{v:.3f}", ha="center", va="center", family="monospace", fontsize=9)
    ax.text(0.56, y + h / 2, "B of (63, 63)", va="center", fontsize=8)
    ax.text(0.31, top + 0.02, "x: (12288, 1)", ha="center", fontsize=10, weight="bold")
    ax.text(0.31, top - n * h - 0.02, "64 * 64 * 3 = 12288 values in [0, 1]",
            ha="center", fontsize=8)
    return _save(fig, out / "image_to_vector.png")


# --------------------------------------------------------------- architectures
def _box(ax, x, y, w, h, text, color, fontsize=9):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02",
                                fc=color, ec=EDGE))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, x0, x1, y, label=None):
    ax.add_patch(FancyArrowPatch((x0, y), (x1, y), arrowstyle="-|>", mutation_scale=12, color=EDGE))
    if label:
        ax.text((x0 + x1) / 2, y + 0.09, label, ha="center", fontsize=8, family="monospace")


def _canvas(width):
    fig = plt.figure(figsize=(width, 2.6))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, 2.6)
    ax.axis("off")
    return fig, ax


def draw_two_layer(out):
    fig, ax = _canvas(11)
    y = 1.3
    _box(ax, 0.75, y, 1.1, 1.3, "x\n(12288, 1)\nthe picture,\nflattened", INPUT_C)
    _arrow(ax, 1.35, 1.95, y)
    _box(ax, 3.0, y, 1.9, 1.0, "LINEAR\nZ1 = W1 x + b1\nW1: (7, 12288)", RELU_C)
    _arrow(ax, 3.98, 4.35, y)
    _box(ax, 4.95, y, 1.0, 0.7, "RELU", RELU_C)
    _arrow(ax, 5.48, 6.2, y, "A1 (7, 1)")
    _box(ax, 7.2, y, 1.8, 1.0, "LINEAR\nZ2 = W2 A1 + b2\nW2: (1, 7)", SIGMOID_C)
    _arrow(ax, 8.13, 8.45, y)
    _box(ax, 9.0, y, 0.95, 0.7, "SIGMOID", SIGMOID_C, 8)
    _arrow(ax, 9.5, 9.95, y)
    _box(ax, 10.45, y, 0.85, 1.0, "A2 = ŷ\n> 0.5:\ncat", "white", 8)
    ax.text(3.95, 2.3, "layer 1 (hidden, 7 units)", ha="center", fontsize=10, weight="bold")
    ax.text(8.1, 2.3, "layer 2 (output, 1 unit)", ha="center", fontsize=10, weight="bold")
    ax.text(5.5, 0.2, "two_layer_model: layers_dims = (12288, 7, 1)", ha="center", fontsize=10,
            family="monospace")
    return _save(fig, out / "two_layer.png")


def draw_L_layer(out):
    fig, ax = _canvas(11)
    y = 1.3
    _box(ax, 0.75, y, 1.1, 1.3, "x = A0\n(12288, 1)", INPUT_C)
    _arrow(ax, 1.35, 1.85, y)
    ax.add_patch(Rectangle((1.9, 0.55), 4.3, 1.5, fill=False, ec=EDGE, ls="--"))
    _box(ax, 3.0, y, 1.9, 0.9, "LINEAR\nZl = Wl A(l-1) + bl", RELU_C)
    _arrow(ax, 3.98, 4.5, y)
    _box(ax, 5.15, y, 1.0, 0.7, "RELU", RELU_C)
    ax.text(4.05, 2.25, "[LINEAR -> RELU] x (L - 1), l = 1 .. L-1", ha="center", fontsize=10,
            weight="bold")
    ax.add_patch(FancyArrowPatch((5.6, 1.05), (2.2, 1.05), connectionstyle="arc3,rad=-0.2",
                                 arrowstyle="-|>", mutation_scale=10, color="#777777"))
    ax.text(3.9, 0.6, "Al feeds the next layer", ha="center", fontsize=8, color="#555555")
    _arrow(ax, 6.2, 6.75, y, "A(L-1)")
    _box(ax, 7.55, y, 1.4, 0.9, "LINEAR\nZL = WL A(L-1) + bL", SIGMOID_C, 8)
    _arrow(ax, 8.27, 8.6, y)
    _box(ax, 9.1, y, 0.9, 0.7, "SIGMOID", SIGMOID_C, 8)
    _arrow(ax, 9.57, 9.95, y)
    _box(ax, 10.45, y, 0.85, 1.0, "AL = ŷ\n> 0.5:\ncat", "white", 8)
    ax.text(8.35, 2.25, "output layer L", ha="center", fontsize=10, weight="bold")
    ax.text(5.5, 0.2, "L_layer_model: layers_dims = [12288, 20, 7, 5, 1], so L = 4",
            ha="center", fontsize=10, family="monospace")
    return _save(fig, out / "L_layer.png")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for draw in (draw_image_to_vector, draw_two_layer, draw_L_layer, draw_my_image):
        print(draw(args.out))


if __name__ == "__main__":
    main()
