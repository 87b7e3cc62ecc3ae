"""The Content-Security-Policy of the pages the course writes (feedback page, class report)."""
import re

# Neither page needs a script (formulas are MathML, charts are PNG data: URLs), loads
# anything from elsewhere, embeds a frame or sends a form: each of those is refused,
# so markup that got past the cleaning (dnn_course/preprocessors/sanitize.py) can
# neither run, call home, nor redirect the page.
POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
          "font-src data:; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")
HEAD = re.compile(r"<head\b[^>]*>", re.I)


def csp_meta(style_attributes: bool = True) -> str:
    """The ``<meta>`` element that sets the policy.

    Args:
        style_attributes: False also refuses every ``style="..."`` attribute (the
            feedback page, whose own markup uses classes only).

    Returns:
        str: the element.
    """
    policy = POLICY if style_attributes else POLICY + "; style-src-attr 'none'"
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def with_csp(page: str, style_attributes: bool = True) -> str:
    """An HTML page with the policy as the first element of its head (a policy applies to
    what follows it only).

    Args:
        page: the whole page.
        style_attributes: as for ``csp_meta``.

    Returns:
        str: the page with the policy.

    Raises:
        ValueError: the page has no ``<head>``.
    """
    head = HEAD.search(page)
    if head is None:
        raise ValueError("the page has no <head> to put its Content-Security-Policy in")
    return page[:head.end()] + csp_meta(style_attributes) + page[head.end():]
