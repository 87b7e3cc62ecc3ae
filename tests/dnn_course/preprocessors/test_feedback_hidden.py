"""The feedback hides exactly the regions nbgrader removes from the release (its configurable delimiters)."""
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config

from dnn_course.preprocessors.feedback import HIDDEN_NOTE, HideHiddenTests, strip_hidden


def _hidden_cell(source):
    cell = new_code_cell(source, outputs=[new_output("stream", name="stdout", text="secret print\n")])
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "h", "points": 1, "schema_version": 3}
    return cell


def _release_source(source, config=None):
    """What nbgrader's generate_assignment leaves of a test cell's ``source``."""
    cell = _hidden_cell(source)
    ClearHiddenTests(config=config).preprocess_cell(cell, {}, 0)
    return cell.source


def _feedback(source, config=None):
    nb = new_notebook(cells=[_hidden_cell(source)])
    nb, _ = HideHiddenTests(config=config).preprocess(nb, {})
    return nb.cells[0]


@pytest.mark.parametrize("begin, end", [("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
                                        ("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"),
                                        ("x = 1  # BEGIN HIDDEN TESTS", "#END HIDDEN TESTS!")])
def test_a_region_nbgrader_hides_from_the_release_is_hidden_in_the_feedback(begin, end):
    """nbgrader matches ``BEGIN HIDDEN TESTS`` anywhere in a line: so does the feedback."""
    source = f"visible()\n{begin}\nsecret()\n{end}\nafter()"
    assert "secret" not in _release_source(source)
    cell = _feedback(source)
    assert cell.source == f"visible()\n{HIDDEN_NOTE}\nafter()"
    assert cell.outputs == [], "what the hidden tests printed is dropped"


def test_the_configured_delimiters_are_used():
    """``c.ClearHiddenTests.begin_test_delimeter`` (and end) set for the release apply to the feedback."""
    config = Config({"ClearHiddenTests": {"begin_test_delimeter": "START SECRET",
                                          "end_test_delimeter": "STOP SECRET"}})
    source = "    visible()\n    # START SECRET\n    secret()\n    # STOP SECRET"
    assert _release_source(source, config) == "    visible()"
    assert _feedback(source, config).source == f"    visible()\n    {HIDDEN_NOTE}"
    assert strip_hidden(source, config=config) == "    visible()"
    assert "secret" in _feedback(source).source, "the default delimiters do not match this region"


def test_each_region_gets_its_own_note():
    source = "a()\n### BEGIN HIDDEN TESTS\ns1()\n### END HIDDEN TESTS\nb()\n" \
             "  ### BEGIN HIDDEN TESTS\n  s2()\n  ### END HIDDEN TESTS"
    assert _feedback(source).source == f"a()\n{HIDDEN_NOTE}\nb()\n  {HIDDEN_NOTE}"
    assert strip_hidden(source) == "a()\nb()"


def test_an_unclosed_region_fails_instead_of_showing_hidden_lines():
    """nbgrader refuses such a cell in the release; the feedback never shows its hidden lines."""
    with pytest.raises(RuntimeError, match="No end hidden tests statement"):
        _feedback("visible()\n# BEGIN HIDDEN TESTS\nsecret()")
