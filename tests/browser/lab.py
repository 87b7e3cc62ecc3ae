"""Driving a notebook in JupyterLab as a learner does: type into regions, Run All, read outputs, Validate."""
import re

START = "# YOUR CODE STARTS HERE"
END = "# YOUR CODE ENDS HERE"
STUB = "raise NotImplementedError"
KERNEL_TIMEOUT = 90_000  # ms for the kernel to start
RUN_TIMEOUT = 600_000  # ms for Run All or Validate (two full trainings)


def regions(solution_source):
    """The code of each solution region of a filled-in solution cell, in order.

    Args:
        solution_source: the cell's source with its regions filled in.

    Returns:
        A list of strings: each region's lines, the first without its indentation
        (it replaces the stub after the stub's indentation), the rest as they are.
    """
    found = re.findall(rf"{re.escape(START)}\n(.*?)\n[ \t]*{re.escape(END)}", solution_source, re.S)
    return [body.lstrip() for body in found]


def open_notebook(page, server, name):
    """Open notebook ``name`` on ``server`` in a fresh workspace; wait for an idle kernel.

    Args:
        page: the Page.
        server: the LabServer.
        name: the notebook's path under the server's root.
    """
    page.goto(server.page_url(f"lab/tree/{name}?reset"))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    status = page.locator(".jp-StatusBar-Widget", has_text="| Idle")
    status.first.wait_for(timeout=KERNEL_TIMEOUT)


def code_cell(page, text):
    """The code cell whose source contains ``text`` (exactly one must).

    Args:
        page: the Page.
        text: a piece of the cell's source, e.g. "def two_layer_model(".

    Returns:
        The cell's Locator, pinned to the cell's place in the notebook: CodeMirror draws only
        the lines near the view, so once the cell is scrolled the text may no longer be drawn.
    """
    cell = page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea .cm-content", has_text=text))
    count = cell.count()
    assert count == 1, f"{count} code cells contain {text!r}, expected one"
    index = cell.get_attribute("data-windowed-list-index")
    if index is None:
        return cell
    return page.locator(f'.jp-CodeCell[data-windowed-list-index="{index}"]')


def fill_regions(page, cell, bodies):
    """Type each body in place of the next ``raise NotImplementedError`` line of the cell.

    Args:
        page: the Page.
        cell: the solution cell's Locator.
        bodies: the code of each region, as ``regions`` gives it.
    """
    for body in bodies:
        stub = cell.locator(".cm-line", has_text=STUB).first
        if not stub.count():  # CodeMirror draws only the lines near the view: walk down to it
            cell.locator(".cm-content").click(position={"x": 2, "y": 4})
            for _ in range(200):
                page.keyboard.press("ArrowDown")
                if stub.count():
                    break
        stub.scroll_into_view_if_needed()
        stub.click(position={"x": 2, "y": 4})  # in the indentation of its first row
        page.keyboard.press("Home")  # to the end of the indentation
        for _ in range(4):  # the line wraps: each Shift+End reaches the next row's end
            page.keyboard.press("Shift+End")
        page.keyboard.insert_text(body)
    assert cell.locator(".cm-line", has_text=STUB).count() == 0, "a stub line is left in the cell"
    page.keyboard.press("Escape")  # back to command mode


def save(page):
    """Save the notebook (Ctrl+S) and wait until JupyterLab shows it unmodified.

    Args:
        page: the Page showing the notebook.
    """
    page.keyboard.press("Control+s")
    page.locator(".jp-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=30_000)


def run_all(page, above=None):
    """Run > Run All Cells (or, given ``above``, Run All Above Selected Cell with that cell
    selected); wait until no cell is running or queued any more.

    Args:
        page: the Page showing the notebook.
        above: None, or the Locator of the first cell not to run.
    """
    if above is not None:
        above.scroll_into_view_if_needed()
        above.locator(".jp-InputPrompt").click()  # selects the cell, in command mode
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = "Run All Cells" if above is None else "Run All Above Selected Cell"
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()
    page.locator(".jp-InputPrompt", has_text="[*]").first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.innerText.includes('*'))",
        timeout=RUN_TIMEOUT, polling=500)


def output_text(cell):
    """The text of a cell's outputs, as displayed.

    Args:
        cell: the cell's Locator.

    Returns:
        The outputs' visible text, joined by newlines.
    """
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def validate(page):
    """Press nbgrader's Validate button and wait for its result dialog.

    Args:
        page: the Page showing the notebook.

    Returns:
        The dialog's Locator.
    """
    page.locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=RUN_TIMEOUT)
    return dialog


def bring_into_view(page, locator):
    """Scroll ``locator`` into the notebook's view as a learner would, and wait until it is there.

    JupyterLab draws only the cells near the view, so a cell far down is blank until it has
    been scrolled to and painted: this scrolls its cell to the top of the notebook panel
    and waits for the element to sit inside the window.

    Args:
        page: the Page.
        locator: an element inside a notebook cell, e.g. a cell's last output.

    Returns:
        dict: the element's box in the window (x, y, width, height, in CSS pixels).
    """
    locator.evaluate("el => el.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    locator.scroll_into_view_if_needed()
    page.wait_for_function(
        """el => { const r = el.getBoundingClientRect();
                   return r.height > 0 && r.top >= 0 && r.top < innerHeight; }""",
        arg=locator.element_handle(), timeout=10_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return locator.bounding_box()


def wait_idle(page):
    """Wait until no cell of the notebook is running or queued.

    Args:
        page: the Page showing the notebook.
    """
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.innerText.includes('*'))",
        timeout=RUN_TIMEOUT, polling=500)


def run_cell(page, cell):
    """Select ``cell`` and run it alone (Shift+Enter), as a learner does; wait until it is done.

    Args:
        page: the Page showing the notebook.
        cell: the cell's Locator.
    """
    cell.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-InputPrompt", has_text="[").first.wait_for(timeout=30_000)
    page.wait_for_function(
        "c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt').innerText)",
        arg=cell.element_handle(), timeout=RUN_TIMEOUT, polling=250)


def menu(page, top, item):
    """Click the menu bar's ``top`` menu, then its item ``item``.

    Args:
        page: the Page.
        top: the menu's label, e.g. "Kernel".
        item: the item's label, e.g. "Restart Kernel…".
    """
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def restart_kernel(page):
    """Kernel > Restart Kernel…, confirmed in its dialog; wait for the idle kernel.

    Args:
        page: the Page showing the notebook.
    """
    menu(page, "Kernel", "Restart Kernel")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached", timeout=30_000)
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=KERNEL_TIMEOUT)
