"""Argument checks shared by the helper functions.

Each check is O(1) (it looks at shapes and types, never at every value), so it
costs nothing measurable inside a training loop. A failed check raises
``ValueError`` or ``TypeError`` whose message names the function, the argument,
what was expected and, where there is one, the usual fix.

Every check takes its arguments in one order: ``where`` (the function that
checks, for the message), then each argument as its name and its value, then
what it must match.
"""
from collections.abc import Sequence

import numpy as np


def as_matrix(where: str, name: str, x: object) -> np.ndarray:
    """Return ``x`` as a 2-D array (a list or a number becomes a float array),
    or raise a clear error."""
    if not isinstance(x, np.ndarray):
        if isinstance(x, (list, tuple, int, float)):
            x = np.asarray(x, dtype=float)
        else:
            raise TypeError(
                f"{where}: {name} must be a numpy array, got {type(x).__name__}."
            )
    if x.ndim != 2:
        hint = ""
        if x.ndim == 1 and name.startswith("b"):  # a bias is a column
            _bad_bias(where, name, x)
        if x.ndim == 1:
            hint = (f" A vector of {x.shape[0]} values should have shape "
                    f"(1, {x.shape[0]}): use {name}.reshape(1, -1).")
        raise ValueError(
            f"{where}: {name} must be a 2-D array (one example per column), "
            f"got shape {x.shape}.{hint}"
        )
    return x


def _bad_bias(where, name, b):
    n = b.shape[0]
    raise ValueError(
        f"{where}: {name} must have shape ({n}, 1), one bias per unit of the "
        f"layer, got {b.shape}. Use {name}.reshape(-1, 1)."
    )


def check_columns(where: str, a_name: str, a: np.ndarray, w_name: str, w: np.ndarray) -> None:
    """``w @ a`` needs ``w.shape[1] == a.shape[0]``; explain when it is not."""
    if w.shape[1] == a.shape[0]:
        return
    hint = ""
    if w.shape[1] == a.shape[1]:
        hint = (f" It looks like the examples are in rows: {a_name} should be "
                f"({w.shape[1]}, m) with one example per column, so pass "
                f"{a_name}.T.")
    raise ValueError(
        f"{where}: {w_name} has shape {w.shape}, so {a_name} needs "
        f"{w.shape[1]} rows (one example per column), but {a_name} has shape "
        f"{a.shape}.{hint}"
    )


def check_bias(where: str, b_name: str, b: np.ndarray, rows: int) -> None:
    """A bias is a column of one value per unit: ``(rows, 1)``."""
    if b.shape != (rows, 1):
        raise ValueError(
            f"{where}: {b_name} must have shape ({rows}, 1), one bias per unit "
            f"of the layer, got {b.shape}."
        )


def linear_inputs(where: str, A: object, W: object, b: object
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A``, ``W`` and ``b`` as 2-D arrays that ``W @ A + b`` accepts, or a clear error."""
    A, W, b = as_matrix(where, "A", A), as_matrix(where, "W", W), as_matrix(where, "b", b)
    check_columns(where, "A", A, "W", W)
    check_bias(where, "b", b, W.shape[0])
    return A, W, b


def check_same_shape(where: str, y_name: str, y: object, a_name: str, a: np.ndarray) -> np.ndarray:
    """``y`` must have exactly the shape of ``a``; (m,) gets a reshape hint."""
    if not isinstance(y, np.ndarray):
        y = np.asarray(y, dtype=float)
    if y.shape == a.shape:
        return y
    hint = ""
    if y.ndim == 1 and a.ndim == 2 and y.shape[0] == a.shape[1]:
        hint = f" Use {y_name}.reshape(1, -1) to make it a (1, m) row."
    raise ValueError(
        f"{where}: {y_name} must have the shape of {a_name}, {a.shape}, "
        f"got {y.shape}.{hint}"
    )


ACTIVATIONS = ("relu", "sigmoid")


def check_activation(where: str, activation: object) -> None:
    """``activation`` names one of ``ACTIVATIONS``."""
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{where}: activation must be \"relu\" or \"sigmoid\", "
            f"got {activation!r}."
        )


def count_layers(where: str, params: object) -> int:
    """Number of layers L in a dict holding ``W1, b1, ..., WL, bL``."""
    if not isinstance(params, dict):
        raise TypeError(
            f"{where}: parameters must be a dict like {{'W1': ..., 'b1': ...}}, "
            f"got {type(params).__name__}."
        )
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    if L == 0:
        raise ValueError(
            f"{where}: parameters has no 'W1'. Its keys are {sorted(params)}; "
            "expected 'W1', 'b1', 'W2', 'b2', ..."
        )
    missing = [f"b{l}" for l in range(1, L + 1) if f"b{l}" not in params]
    if missing:
        raise ValueError(
            f"{where}: parameters has W1..W{L} but is missing {missing}."
        )
    return L


def check_update(where: str, parameters: object, grads: object) -> int:
    """``grads`` holds dW{l}, db{l} of the shapes of W{l}, b{l} for every layer of
    ``parameters`` (checked before anything is updated); returns L."""
    L = count_layers(where, parameters)
    assert isinstance(parameters, dict)
    if not isinstance(grads, dict):
        raise TypeError(f"{where}: grads must be a dict like {{'dW1': ..., 'db1': ...}}, "
                        f"got {type(grads).__name__}.")
    missing = [k for l in range(1, L + 1) for k in (f"dW{l}", f"db{l}") if k not in grads]
    if missing:
        raise ValueError(
            f"{where}: grads is missing {missing}; it needs dW1, db1, "
            f"..., dW{L}, db{L} for the {L} layers in parameters."
        )
    for key in (f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")):
        if np.shape(grads[f"d{key}"]) != np.shape(parameters[key]):
            raise ValueError(
                f"{where}: d{key} has shape {np.shape(grads[f'd{key}'])} but "
                f"{key} has shape {np.shape(parameters[key])}; they must match."
            )
    return L


def check_shape(where: str, name: str, x: np.ndarray, shape: tuple[int, ...], meaning: str) -> None:
    """``x`` must have exactly ``shape``; ``meaning`` says what its axes are."""
    if x.shape != shape:
        raise ValueError(f"{where}: {name} must have shape {shape} {meaning}, got {x.shape}.")


def check_cached_shape(where: str, dA: np.ndarray, Z: np.ndarray) -> None:
    """A backward step's ``dA`` must have the shape of the ``Z`` its forward step cached."""
    if dA.shape != Z.shape:
        raise ValueError(
            f"{where}: dA has shape {dA.shape} but the cached Z has "
            f"shape {Z.shape}; pass the cache from the same layer's forward step."
        )


def check_sizes(where: str, names: Sequence[str], values: Sequence[object]) -> None:
    """Each of ``values`` (called ``names``) is a whole number of at least 1."""
    for name, v in zip(names, values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{where}: {name} must be a positive whole number, got {v!r}.")
