"""The correct variants' notebook (tests/correct_variants.ipynb), read by tests/correct_variants.py."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from correct_variants import DEEP, TWO, VARIANTS, read_variants


def test_every_variant_cell_defines_the_function_it_is_filed_under():
    assert [len(VARIANTS[TWO]), len(VARIANTS[DEEP])] == [10, 10]
    for function, table in VARIANTS.items():
        for name, source in table.items():
            assert f"def {function}(X, Y, layers_dims, " in source, (function, name)
            assert f"def {DEEP if function == TWO else TWO}(" not in source, (function, name)


def test_a_variant_filed_twice_is_refused_not_overwritten(tmp_path):
    def cell(source):
        return new_code_cell(source, metadata={"correct_variant": {"function": TWO, "name": "same"}})

    path = tmp_path / "variants.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("notes"), cell("a = 1\n"), cell("a = 2\n")]), str(path))
    with pytest.raises(ValueError, match="two cells are variant 'same' of two_layer_model"):
        read_variants(path)
    nbformat.write(new_notebook(cells=[new_markdown_cell("notes"), cell("a = 1\n")]), str(path))
    assert read_variants(path) == {TWO: {"same": "a = 1\n"}, DEEP: {}}
