"""The learner in JupyterLab: typed solutions pass and validate; a typical mistake shows its explanation."""
import shutil
import time

import nbformat
import pytest

from dnn_course.course.mistakes import MUTANTS, mutate
from heldback_mistakes import HELD_BACK
from dnn_course.course.paths import NOTEBOOK
from dnn_course.course.solutions import solution_sources

from .lab import (bring_into_view, code_cell, fill_regions, menu, open_notebook, output_text, regions,
                  restart_kernel, run_all, run_cell, save, validate, wait_idle)
from .pages import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 1280
FUNCTIONS = ("two_layer_model", "L_layer_model")
PASSED = " All tests passed."


def call_of(function):
    """The call of ``function``'s first test cell, as the notebook writes it."""
    return f'run_test_cell("{function}", globals())'


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
    """Both functions typed in: running the cells down to the L-layer training shows both public
    tests passed; Validate (which runs the whole notebook, both trainings) says success."""
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
    # the L-layer training and what follows run once, in Validate below
    run_all(page, above=code_cell(page, "parameters, costs = L_layer_model("))
    print(f"Run All Above: {time.monotonic() - start:.0f} s")
    for i, function in enumerate(FUNCTIONS, start=3):
        cell = code_cell(page, call_of(function))
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
    run_all(page, above=code_cell(page, "parameters, costs = two_layer_model("))  # down to its test
    cell = code_cell(page, call_of(function))
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


# Where the first line of the first failed cell's explanation sits, and whether it can be seen
# without scrolling: inside the window and inside every box around it that scrolls.
FIRST_LINE_IN_VIEW = """dialog => {
    const pre = dialog.querySelectorAll('#validation-message .jp-RenderedText pre')[1];
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.textContent.trim()) node = walker.nextNode();
    const range = document.createRange();
    const text = node.textContent.split('\\n')[0];
    range.setStart(node, 0);
    range.setEnd(node, text.length);
    const r = range.getBoundingClientRect();
    const boxes = [[0, 0, innerWidth, innerHeight]];
    for (let el = pre; el && el !== document.body; el = el.parentElement) {  // the window stands for body
        const style = getComputedStyle(el);
        if (/(auto|scroll|hidden)/.test(style.overflowY + style.overflowX)) {
            const b = el.getBoundingClientRect();
            boxes.push([b.left, b.top, b.right, b.bottom]);
        }
    }
    const inside = boxes.every(([l, t, rr, bb]) => r.left >= l - 1 && r.top >= t - 1
                                                   && r.right <= rr + 1 && r.bottom <= bb + 1);
    return {text, inside, rect: [r.left, r.top, r.right, r.bottom], boxes};
}"""


def test_validate_shows_the_explanation_first(learner_server, make_page, request):
    """A wrong dA given to the first layer's backward step (it raises inside relu_backward):
    at 1280x900 the Validate dialog shows the failing test cell's one call and, without
    scrolling, the first line of the public test's explanation."""
    test = request.node.name
    function, mistake, edits, step = next(m for m in HELD_BACK if m[1] == "dA2-given-to-the-first-layer")
    name = notebook_copy(learner_server, "validate-mistake.ipynb")
    page = make_page(WIDTH, 900)
    open_notebook(page, learner_server, name)
    solve(page, {function: mutate(solution_sources()[function], edits)}, [function], test)
    save(page)
    dialog = validate(page)
    shot(page, test, "02-validate-dialog", full_page=False)
    message = dialog.inner_text()
    assert "nbgrader-ErrorDialog" in dialog.get_attribute("class"), message
    assert f'run_test_cell("{function}", globals())' in message, message
    seen = dialog.evaluate(FIRST_LINE_IN_VIEW)
    assert seen["text"] == f"{function} raised ValueError in call 1 of 4.", seen
    assert seen["inside"], f"the explanation's first line is not in view without scrolling: {seen}"
    words = " ".join(message.split())
    assert f"First step that differs (call 4, learning_rate=0.1, num_iterations=3): {step}:" in words, message
    assert "Traceback" not in message, message
    assert page.errors == []


def test_restarted_kernel_says_which_cells_to_run_first(learner_server, make_page, request):
    """After a kernel restart the test cell says in one line which cells to run, and the menu
    item it names brings the notebook to where the test speaks of the function itself.
    JupyterLab's question about Jupyter news does not cover the notebook (the learner wheel's
    settings answer it)."""
    test = request.node.name
    function = "two_layer_model"
    name = notebook_copy(learner_server, "restarted.ipynb")
    page = make_page(WIDTH)
    open_notebook(page, learner_server, name)
    plugin = page.request.get(learner_server.page_url(
        "lab/api/settings/@jupyterlab/apputils-extension:notification")).json()
    # the server folds overrides.d into the schema's defaults; the learner has set nothing
    effective = {k: plugin["settings"].get(k, v.get("default")) for k, v in plugin["schema"]["properties"].items()}
    assert (effective["fetchNews"], effective["checkForUpdates"]) == ("false", False), effective
    run_cell(page, code_cell(page, "import numpy as np"))
    restart_kernel(page)
    page.wait_for_timeout(2000)  # the news question, when asked, comes up within a second of loading
    assert page.get_by_text("official Jupyter news").count() == 0, "the Jupyter news question is shown"
    assert page.locator(".Toastify__toast").count() == 0, page.locator(".Toastify__toast").all_inner_texts()

    cell = code_cell(page, call_of(function))
    run_cell(page, cell)
    bring_into_view(page, cell.locator(".jp-OutputArea-output").last)
    shot(page, test, "01-test-cell-after-restart", full_page=False)
    text = output_text(cell).strip()
    assert text == "train_x is not defined: run the cells above (Run > Run All Above Selected Cell).", text

    cell.locator(".jp-InputPrompt").first.click()
    menu(page, "Run", "Run All Above Selected Cell")
    wait_idle(page)
    run_cell(page, cell)
    bring_into_view(page, cell.locator(".jp-OutputArea-output").last)
    shot(page, test, "02-test-cell-after-running-the-cells-above", full_page=False)
    text = output_text(cell).strip()
    assert text.startswith(f"{function} is not implemented yet"), text
    assert len(text.splitlines()) == 1 and "Traceback" not in text, text
    assert page.errors == []
