"""The HTML pages the course writes itself, as jinja2 templates in ``dnn_course/templates/``.

The class report, the regrade preview, the feedback page's summary and the grading
service's pages. Every template is rendered with autoescaping on: a value put in a
page with ``{{ ... }}`` (a learner's id or name from the LMS, a test's reason, a
finding's text) is escaped, so it shows as text and never becomes markup. Only markup
the course makes itself is marked safe, where it is made (``csp`` below).

The ``.html`` templates are written one element or block per line, indented for
reading; ``JoinLines`` removes each line break with the indentation that follows
it, so the page is the markup as written with no whitespace between the tags (the
summary is a markdown cell, where a blank line or an indented line would change
what the markdown renderer makes of it). Keep a tag (``{% ... %}``, ``{{ ... }}``)
on one line, and write a space that must separate words at the end of a line as
``{{ " " }}``.
"""
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.ext import Extension
from markupsafe import Markup

from dnn_course.course.csp import csp_meta

LINE_BREAK = re.compile(r"\n[ \t]*")


class JoinLines(Extension):
    """An ``.html`` template's lines joined: each line break goes with the indentation after it."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template's text as jinja2 compiles it.

        Args:
            source: the template's text.
            name: its name in the loader (only ``.html`` templates are joined).
            filename: its file.

        Returns:
            The text with its line breaks removed (``.html``), else as it is.
        """
        return LINE_BREAK.sub("", source) if name and name.endswith(".html") else source


ENV = Environment(loader=PackageLoader("dnn_course", "templates"),
                  autoescape=select_autoescape(enabled_extensions=("html",), default=True),
                  undefined=StrictUndefined, extensions=[JoinLines])


def csp(style_attributes: bool = True) -> Markup:
    """The Content-Security-Policy ``<meta>`` element, for a page's head.

    Args:
        style_attributes: as for ``dnn_course.course.csp.csp_meta``.

    Returns:
        The element, marked safe: the course's own constant markup, no learner text in it.
    """
    return Markup(csp_meta(style_attributes))


ENV.globals["csp"] = csp


def render(name: str, **context: Any) -> str:
    """One template rendered.

    Args:
        name: the template's file name in ``dnn_course/templates/``, e.g. ``"report.html"``.
        **context: the values it shows (plain text is escaped).

    Returns:
        The markup.
    """
    return ENV.get_template(name).render(**context)


def text(name: str) -> str:
    """A template file's text as it is (the CSS the feedback page's exporter inlines).

    Args:
        name: the file's name in ``dnn_course/templates/``, e.g. ``"feedback.css"``.

    Returns:
        Its text.
    """
    return ENV.loader.get_source(ENV, name)[0]  # type: ignore[union-attr]
