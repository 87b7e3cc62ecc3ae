"""Correct solutions written from the docstrings, each unlike the reference in form: none may lose a point.

Each is a whole solution cell, as a learner would leave it, kept as a code cell of
``correct_variants.ipynb`` beside this module (a markdown cell above each says how it
differs: whether the cost is printed when print_cost is False, the loop's form, how
the grads dict is built, the containers returned, the cost or the update by hand, the
helpers of one layer called one by one or the layers looped over by hand, the cost
printed rounded, a constant, a helper function or short names for helpers beside the
function). The cell's metadata
``correct_variant`` names its function and the variant. SUBMISSIONS pairs them into
whole notebooks (one variant of each function), so one batch grades them all.
"""
from pathlib import Path

import nbformat

PATH = Path(__file__).with_name("correct_variants.ipynb")
TWO = "two_layer_model"
DEEP = "L_layer_model"


def read_variants(path=PATH):
    """The variants in the notebook at ``path``, in its order.

    Args:
        path: a notebook whose code cells carry ``correct_variant`` metadata.

    Returns:
        dict: {function name: {variant name: the whole cell's source}}.
    """
    variants = {TWO: {}, DEEP: {}}
    for cell in nbformat.read(str(path), as_version=4).cells:
        tag = cell.metadata.get("correct_variant")
        if tag:
            if tag["name"] in variants[tag["function"]]:
                raise ValueError(f"{path}: two cells are variant {tag['name']!r} of {tag['function']}")
            variants[tag["function"]][tag["name"]] = cell.source
    return variants


VARIANTS = read_variants()

# One notebook per pair of variants: (student id, two_layer_model variant, L_layer_model variant).
SUBMISSIONS = tuple((f"variant-{i + 1}", two, deep) for i, (two, deep) in enumerate(zip(VARIANTS[TWO], VARIANTS[DEEP])))
