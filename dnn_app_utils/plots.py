"""Figures for the notebook: cost curves and mislabeled images."""
from collections.abc import Sequence

import numpy as np


def _plt():
    import matplotlib.pyplot as plt  # imported late: training never needs it
    return plt


def plot_costs(costs: Sequence[float | np.ndarray], learning_rate: float = 0.0075,
               title: str | None = None) -> None:
    """Plot the costs a model recorded, one every 100 iterations.

    costs: list of m_c costs (numbers or 0-d arrays), as the models return it;
    learning_rate goes in the default title.
    """
    plt = _plt()
    plt.plot(np.squeeze(np.asarray(costs, dtype=float)))
    plt.ylabel("cost")
    plt.xlabel("iterations (per hundreds)")
    plt.title(title or f"Learning rate = {learning_rate}")
    plt.show()


def print_mislabeled_images(classes: np.ndarray, X: np.ndarray, y: np.ndarray,
                            p: np.ndarray) -> None:
    """Show every example whose prediction p differs from the label y.

    classes: the class names (bytes); X: (12288, m) flattened images;
    y, p: (1, m). One panel per mislabeled example, five to a row, titled
    with the prediction and the true class.
    """
    plt = _plt()
    mislabeled = np.asarray(np.where((p + y) == 1))[1]
    n = len(mislabeled)
    if n == 0:
        print("No mislabeled images: every prediction is right.")
        return
    side = int(round((X.shape[0] / 3) ** 0.5))
    cols = min(n, 5)
    rows = -(-n // cols)
    # this figure only (the notebook's defaults stay): 2.2 x 2.6 inches a panel,
    # so the titles stay readable when the notebook fits the figure to its width
    fig = plt.figure(figsize=(2.2 * cols, 2.6 * rows))
    for i, index in enumerate(mislabeled):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(X[:, index].reshape(side, side, 3), interpolation="nearest")
        ax.axis("off")
        pred = classes[int(p[0, index])].decode("utf-8")
        true = classes[int(y[0, index])].decode("utf-8")
        ax.set_title(f"Prediction: {pred}\nClass: {true}", fontsize=10)
    fig.tight_layout()
    plt.show()
