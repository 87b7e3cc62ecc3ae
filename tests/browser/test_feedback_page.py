"""The feedback page of a submission with a mistake at 1024 px: fits, explains, hides the hidden
tests, shows its formulas with no network."""
import re

import nbformat
import pytest

from dnn_course.course.mistakes import STEP
from dnn_course.course.paths import release_notebook, source_notebook

from .pages import assert_no_horizontal_scroll, clipped_boxes, new_page, open_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 1024
OUTPUT_BOXES = ".output_area pre"


def hidden_test_lines():
    """Non-trivial lines between ### BEGIN HIDDEN TESTS and ### END HIDDEN TESTS
    of the source notebook that the release does not show anyway.

    Returns:
        A set of stripped lines.
    """
    public = {line.strip() for cell in nbformat.read(str(release_notebook()), as_version=4).cells
              for line in cell.source.splitlines()}
    lines, inside = set(), False
    for cell in nbformat.read(str(source_notebook()), as_version=4).cells:
        for line in cell.source.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 15 and line.strip() not in public:
                lines.add(line.strip())
    assert len(lines) > 20, "the source notebook's hidden tests were not found"  # references and check_cell calls
    return lines


@pytest.fixture(scope="module")
def feedback_page(browser, feedback_page_path):
    """The MISTAKE submission's feedback page, opened at WIDTH px."""
    page = open_page(browser, feedback_page_path, WIDTH)
    shot(page, "test_feedback_page", "01-whole-page")
    yield page
    page.context.close()


def test_feedback_page_has_no_horizontal_scroll(feedback_page):
    """Nothing on the page is wider than a 1024 px window."""
    assert_no_horizontal_scroll(feedback_page)


def test_every_explanation_is_fully_visible(feedback_page):
    """Each output box shows all of its text: no sideways scroll bar, nothing cut off."""
    boxes = feedback_page.locator(OUTPUT_BOXES)
    assert boxes.count() >= 5, "the page shows fewer output boxes than the graded test cells"
    clipped = clipped_boxes(feedback_page, OUTPUT_BOXES)
    if clipped:
        feedback_page.locator(OUTPUT_BOXES, has_text=clipped[0][2][:40]).first.scroll_into_view_if_needed()
        shot(feedback_page, "test_feedback_page", "02-first-clipped-box", full_page=False)
    assert not clipped, (f"{len(clipped)} output boxes are wider than they show at {WIDTH} px "
                         f"(content px, box px, text): {clipped[:3]}")


def test_the_wrong_step_is_named(feedback_page):
    """The learner reads which step differs, and how: the sign of dA2."""
    text = feedback_page.inner_text("body")
    step = STEP[("two_layer_model", "wrong-sign-dA2")]
    assert step in text, f"the page does not name the step {step!r}"
    assert "It has the opposite sign." in text
    hint = feedback_page.locator("div.dnn-summary .dnn-look").first
    assert hint.is_visible() and hint.inner_text() == \
        "Look at where the backward pass starts: dA of the output layer.", hint.inner_text()


def test_no_hidden_test_line_on_the_page(feedback_page):
    """No line of a hidden test is in the page, shown or not."""
    text = feedback_page.evaluate("document.documentElement.textContent")
    leaked = sorted(line for line in hidden_test_lines() if line in text)
    assert not leaked, f"{len(leaked)} hidden-test lines on the page, e.g. {leaked[:3]}"


def test_formulas_render_with_no_network(browser, feedback_page_path):
    """With every network request refused, the notebook's formulas are drawn MathML
    (superscripts raised, fractions stacked), no TeX shows in the text, and the page
    asks for nothing outside its own file."""
    page = new_page(browser, WIDTH)
    asked = []

    def local_only(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        asked.append(route.request.url)
        return route.abort()

    page.context.set_offline(True)
    page.route("**/*", local_only)
    try:
        page.goto(feedback_page_path.resolve().as_uri(), wait_until="load")
        text = page.locator(".text_cell_render").all_inner_texts()
        maths = page.locator(".text_cell_render math")
        assert maths.count() >= 20, "the notebook's formulas are not MathML on the page"
        tex = [t for t in text if re.search(r"\$|\\(?:rightarrow|frac|left|text|dots)|\^\{", t)]
        assert not tex, f"raw TeX in the markdown text: {tex[0][:200]!r}"
        assert asked == [] and page.errors == []
        # drawn as MathML, not as a line of letters: the [l] of W^{[l]} sits above W's baseline,
        # and a fraction's numerator above its denominator
        raised = page.evaluate("""() => [...document.querySelectorAll('.text_cell_render msup')]
            .every(s => s.children[1].getBoundingClientRect().bottom
                        < s.children[0].getBoundingClientRect().bottom - 2)""")
        stacked = page.evaluate("""() => [...document.querySelectorAll('.text_cell_render mfrac')]
            .map(f => f.children[0].getBoundingClientRect().bottom
                      <= f.children[1].getBoundingClientRect().top + 1)""")
        assert raised and stacked and all(stacked), (raised, stacked)
        page.locator(".text_cell_render li", has_text="the output layer computes").first \
            .scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -250)")
        shot(page, "test_feedback_page", "03-formulas-offline", full_page=False)
        page.locator(".text_cell_render li", has_text="the backward pass starts").first \
            .scroll_into_view_if_needed()
        shot(page, "test_feedback_page", "04-backward-formula-offline", full_page=False)
    finally:
        page.context.close()
