"""The learner in JupyterLab: typed solutions pass and validate; a typical mistake shows its explanation."""
import shutil
import time

import nbformat
import pytest

from dnn_course.course.mistakes import MUTANTS, mutate
from dnn_course.course.paths import NOTEBOOK
from dnn_course.course.solutions import solution_sources

from .lab import bring_into_view, code_cell, fill_regions, open_notebook, output_text, regions, run_all, save, validate
from .pages import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 1280
FUNCTIONS = ("two_layer_model", "L_layer_model")
PASSED = " All tests passed."


def notebook_copy(server, name):
    """A fresh copy of the released notebook beside it (images/, datasets/ shared).

    Args:
        server: the learner's LabServer.
        name: the copy's file name.

    Returns:
        The name.
    """
    path = server.root_dir / name
    shutil.copy2(server.root_dir / NOTEBOOK, path)
    return name


def solve(page, sources, functions, test_name):
    """Type ``sources[f]``'s regions into each function's cell, with a screenshot after each.

    Args:
        page: the Page showing the notebook.
        sources: function name -> its whole filled-in cell source.
        functions: the functions to fill in.
        test_name: the screenshots' folder.
    """
    for i, function in enumerate(functions, start=1):
        cell = code_cell(page, f"def {function}(")
        fill_regions(page, cell, regions(sources[function]))
        cell.scroll_into_view_if_needed()
        shot(page, test_name, f"{i:02d}-{function}-typed", full_page=False)


def test_solutions_typed_in_pass_the_tests_and_validate(learner_server, make_page, request):
    """Both functions typed in: Run All shows both public tests passed; Validate says success."""
    test = request.node.name  # the screenshots' folder
    name = notebook_copy(learner_server, "solved.ipynb")
    page = make_page(WIDTH)
    open_notebook(page, learner_server, name)
    shot(page, test, "00-opened", full_page=False)
    reference = solution_sources()
    solve(page, reference, FUNCTIONS, test)
    save(page)
    saved = nbformat.read(str(learner_server.root_dir / name), as_version=4)
    typed = {c.source for c in saved.cells}
    for function in FUNCTIONS:
        assert reference[function] in typed, f"the typed {function} cell differs from the reference"

    start = time.monotonic()
    run_all(page)
    print(f"Run All: {time.monotonic() - start:.0f} s")
    for i, function in enumerate(FUNCTIONS, start=3):
        cell = code_cell(page, f"{function}_test({function})")
        bring_into_view(page, cell.locator(".jp-OutputArea-output").last)
        shot(page, test, f"{i:02d}-{function}-test-output", full_page=False)
        text = output_text(cell)
        assert PASSED in text, f"the {function} test cell shows:\n{text}"
        assert "Error" not in text, text

    start = time.monotonic()
    dialog = validate(page)
    print(f"Validate: {time.monotonic() - start:.0f} s")
    shot(page, test, "05-validate-dialog", full_page=False)
    message = dialog.inner_text()
    assert "nbgrader-SuccessDialog" in dialog.get_attribute("class"), f"Validate says:\n{message}"
    assert "Success! Your notebook passes all the tests." in message, message
    assert page.errors == []


def test_typical_mistake_shows_its_explanation(learner_server, make_page, request):
    """The minus sign of dA2 dropped: the public test cell says which checks fail, names the
    first step that differs in the hidden feedback's words (the start of the backward pass:
    dA has the opposite sign) and what to look at, fully visible."""
    test = request.node.name
    function, mistake = "two_layer_model", "wrong-sign-dA2"
    name = notebook_copy(learner_server, "mistake.ipynb")
    page = make_page(WIDTH)
    open_notebook(page, learner_server, name)
    wrong = mutate(solution_sources()[function], MUTANTS[function][mistake])
    solve(page, {function: wrong}, [function], test)
    run_all(page)
    cell = code_cell(page, f"{function}_test({function})")
    box = bring_into_view(page, cell.locator(".jp-OutputArea-output").last)
    shot(page, test, "02-test-output", full_page=False)
    assert box["y"] + box["height"] <= page.viewport_size["height"], \
        f"the explanation does not fit in the window: {box}"
    text = output_text(cell)
    assert PASSED not in text, text
    assert "two_layer_model gives a wrong result in 2 of 4 checks (first: parameters['W1'])." in text, text
    assert "Failed checks:" in text and "Look at where the backward pass starts" in text, text
    words = " ".join(text.split())  # the step's lines are wrapped
    assert ("First step that differs (call 4, learning_rate=0.1, num_iterations=3): "
            "start of the backward pass: ") in words, text
    assert "It has the opposite sign." in words, text
    error = cell.locator(".jp-OutputArea-output").last.inner_text()
    assert len(error.strip().splitlines()) <= 10, error
    assert "Traceback" not in text and "public_tests/" not in text, text
    clipped = cell.evaluate("""c => [...c.querySelectorAll('.jp-OutputArea-output pre')]
        .filter(p => p.scrollWidth > p.clientWidth).map(p => [p.scrollWidth, p.clientWidth])""")
    assert not clipped, f"explanation cut off at {WIDTH} px (content, box widths): {clipped}"
    assert "jp-mod-outputsScrolled" not in cell.get_attribute("class"), \
        "the output is folded into a scrolled box: the explanation is not all in view"
    wide = page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell .cm-scroller')]
        .filter(s => s.scrollWidth > s.clientWidth + 1).length""")
    assert wide == 0, f"{wide} code cells have lines cut off at {WIDTH} px (they should wrap)"
    assert page.errors == []
