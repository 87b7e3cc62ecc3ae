"""Browser-test helpers: open a page at a width, keep its errors, take step screenshots, check the layout."""
import re
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
HEIGHT = 900


def launch(playwright):
    """Debian's Chromium, headless, with the flags this machine and CI need.

    Args:
        playwright: a started ``sync_playwright()`` object.

    Returns:
        The Browser.
    """
    if not Path(CHROMIUM).is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium "
                           "(apt-get install chromium); .ci/run does it in CI.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, width, height=HEIGHT):
    """A fresh page (own context) of the given viewport width, collecting its errors.

    Args:
        browser: the session's Browser.
        width: viewport width in CSS pixels.
        height: viewport height in CSS pixels.

    Returns:
        The Page; ``page.errors`` is the list of uncaught page errors (strings).
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def open_page(browser, url_or_path, width, height=HEIGHT):
    """Open a URL or a local file (str or Path) at the given width and wait until it has loaded.

    Args:
        browser: the session's Browser.
        url_or_path: "http://...", "file://..." or a path to an HTML file.
        width: viewport width in CSS pixels.
        height: viewport height in CSS pixels.

    Returns:
        The Page, with ``page.errors`` collecting uncaught page errors.
    """
    url = str(url_or_path)
    if not re.match(r"^[a-z]+://", url):
        url = Path(url).resolve().as_uri()
    page = new_page(browser, width, height)
    page.goto(url, wait_until="load")
    return page


def shot(page, test_name, step, full_page=True):
    """Save a screenshot as screenshots/<test>/<NN-step>.png (git-ignored).

    Args:
        page: the Page.
        test_name: the test's name (the folder).
        step: what the screenshot shows, e.g. "01-notebook-open".
        full_page: the whole page rather than the viewport.

    Returns:
        The file's path.
    """
    def safe(text):
        return re.sub(r"[^\w.-]+", "_", text)
    folder = SCREENSHOTS / safe(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe(step)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def horizontal_overflow(page):
    """How wide the page is against its window.

    Args:
        page: the Page.

    Returns:
        [document scrollWidth, window innerWidth] in CSS pixels.
    """
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def assert_no_horizontal_scroll(page):
    """Fail when the page is wider than its viewport (a person would have to scroll sideways).

    Args:
        page: the Page, after it has loaded.
    """
    scroll, inner = horizontal_overflow(page)
    assert scroll <= inner, (f"{page.url} scrolls sideways at {inner} px: the page is "
                             f"{scroll} px wide; widest elements: {widest_elements(page, inner)}")


def widest_elements(page, limit, count=3):
    """The elements reaching furthest right past ``limit`` px, for failure messages.

    Args:
        page: the Page.
        limit: the x position in CSS pixels (the window's width).
        count: how many to name.

    Returns:
        Strings "tag.class: right edge px".
    """
    return page.evaluate("""([limit, count]) => [...document.querySelectorAll('body *')]
        .map(e => [e, e.getBoundingClientRect().right])
        .filter(([e, r]) => r > limit)
        .sort((a, b) => b[1] - a[1]).slice(0, count)
        .map(([e, r]) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: ${Math.round(r)} px`)""",
                         [limit, count])


def clipped_boxes(page, selector):
    """Boxes matching ``selector`` whose content is wider than the box (cut off or scrolled).

    Args:
        page: the Page.
        selector: a CSS selector, e.g. ".output pre".

    Returns:
        A list of (scrollWidth, clientWidth, first 80 characters of the text).
    """
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)]
        .filter(e => e.scrollWidth > e.clientWidth)
        .map(e => [e.scrollWidth, e.clientWidth, e.innerText.slice(0, 80)])""", selector)
