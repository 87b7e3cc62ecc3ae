"""The feedback and formgrader pages' formulas as MathML made at generation time, so they show with no network."""
# nbgrader's feedback template loads MathJax from a CDN: without network (exam
# rooms, campus proxies, the page opened later offline) every formula shows as
# raw TeX, and a proxy that holds the request blanks the page until it times out.
# Chromium (109+) and Firefox draw MathML themselves, so:
#   - mathml_cells turns each $...$, $$...$$, \(...\) and \[...\] of the markdown
#     cells (and of the graders' comments) into MathML; code spans, fenced code,
#     code cells and outputs are left alone (a $ there is not math); a formula
#     latex2mathml cannot convert keeps its TeX text and is logged;
#   - OfflineMathHTMLExporter writes the page without the MathJax scripts;
#   - MarkdownMathML does the same conversion for nbgrader's formgrader, whose
#     grading page (an HTMLExporter configured in nbgrader_config.py) still
#     loads MathJax from the CDN: online it finds no TeX left, offline the
#     formulas read as MathML all the same.
import html
import logging
import re
from typing import Any

from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from dnn_course.course.csp import with_csp

LOG = logging.getLogger(__name__)

FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# One alternative per thing the scanner meets: a code span's opening backticks,
# an escaped dollar, or a formula (display before inline, so $$ is not two $).
TOKEN = re.compile(r"""
    (?P<code>`+)
  | (?P<escaped>\\[$\\])
  | \$\$(?P<dollars2>.+?)\$\$
  | \\\[(?P<bracket>.+?)\\\]
  | \\\((?P<paren>.+?)\\\)
  | \$(?P<dollar>[^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)
""", re.S | re.X)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
TEXT_NODE = re.compile(r">([^<]+)<")
ENTITY = re.compile(r"&(?:#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);")


def _markdown_safe(mathml):
    # Markdown reads the text between the tags: [ ] * _ ` \ ! ~ $ there could
    # become links, emphasis, code or math again, so every character other
    # than a letter, a digit or a space becomes a numeric character reference.
    def text(m):
        parts = ENTITY.split(m.group(1))
        entities = ENTITY.findall(m.group(1)) + [""]
        safe = "".join("".join(c if c.isalnum() or c == " " else f"&#x{ord(c):X};" for c in part)
                       + entity for part, entity in zip(parts, entities))
        return f">{safe}<"
    return TEXT_NODE.sub(text, mathml)


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """One TeX formula as a MathML element on one line, safe inside markdown.

    Args:
        tex: the formula without its delimiters, e.g. ``W^{[1]}``.
        display: True for a display formula (``$$...$$``), else inline.

    Returns:
        str: ``<math ...>...</math>``.

    Raises:
        ValueError: latex2mathml cannot convert it, or left a TeX command it
            does not know in the result (it copies those as text).
    """
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds on bad input
        raise ValueError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
    unknown = re.findall(r">[^<]*(\\[A-Za-z]+)", mathml)
    if unknown:
        raise ValueError(f"unknown command {unknown[0]}")
    return _markdown_safe(mathml.replace("\n", " "))


def _convert_text(text, failed):
    out, pos = [], 0
    while True:
        m = TOKEN.search(text, pos)
        if not m:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:m.start()])
        if m.group("code"):  # a code span runs to the next run of as many backticks
            close = re.compile(rf"(?<!`){m.group('code')}(?!`)").search(text, m.end())
            end = close.end() if close else m.end()
            out.append(text[m.start():end])
            pos = end
            continue
        tex = m.group("dollars2") or m.group("bracket") or m.group("paren") or m.group("dollar")
        if m.group("escaped") or BLANK_LINE.search(tex):  # a formula never spans paragraphs
            out.append(m.group(0) if m.group("escaped") else text[m.start()])
            pos = m.end() if m.group("escaped") else m.start() + 1
            continue
        try:
            # a cleaned cell (sanitize.py) is HTML: its formulas' < and & are character references
            out.append(tex_to_mathml(html.unescape(tex),
                                     display=bool(m.group("dollars2") or m.group("bracket"))))
        except ValueError as exc:
            failed.append((m.group(0), str(exc)))
            out.append(m.group(0))
        pos = m.end()


def mathml_markdown(source: str) -> tuple[str, list[tuple[str, str]]]:
    """A markdown text with its formulas as MathML; code spans and fenced code kept as they are.

    Args:
        source: the markdown text of a cell.

    Returns:
        (str, list): the new text, and (formula with its delimiters, reason)
        for each formula left as TeX because it could not be converted.
    """
    failed: list[tuple[str, str]] = []
    out: list[str] = []
    chunk: list[str] = []
    fence = None
    for line in source.splitlines(keepends=True):
        opening = FENCE.match(line)
        if fence is None and opening:
            out.append(_convert_text("".join(chunk), failed))
            chunk, fence = [], opening.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
        else:
            chunk.append(line)
    out.append(_convert_text("".join(chunk), failed))
    return "".join(out), failed


def mathml_cells(nb: NotebookNode, log: logging.Logger | logging.LoggerAdapter[Any] = LOG) -> int:
    """Turn the formulas of a notebook's markdown cells into MathML, in place.

    Args:
        nb: the notebook (code cells and outputs are not touched; the graders'
            comments, markdown on the page, are converted too).
        log: where to warn about each formula that keeps its TeX text.

    Returns:
        int: how many formulas could not be converted (they stay as TeX text).
    """
    failures = 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        # the grader's comment on a cell is markdown on the page too (GetGrades puts it there)
        if isinstance(meta.get("comment"), str):
            meta["comment"], failed = mathml_markdown(meta["comment"])
            failures += _warn(failed, log)
        if cell.cell_type == "markdown":
            cell.source, failed = mathml_markdown(cell.source)
            failures += _warn(failed, log)
    return failures


def _warn(failed, log):
    for tex, reason in failed:
        log.warning("Feedback page: formula left as TeX (%s): %s", reason, tex)
    return len(failed)


MATHJAX = re.compile(r"""
    <!--[^>]*mathjax[^>]*-->\s*
  | <script\b[^>]*\bsrc="[^"]*mathjax[^"]*"[^>]*>\s*</script>\s*
  | <script\b[^>]*type="text/x-mathjax-config"[^>]*>.*?</script>\s*
""", re.I | re.S | re.X)


# Chromium and Firefox draw MathML in the page's text size; MathJax drew it a
# little larger, which keeps inline fractions and their superscripts readable.
MATH_CSS = "<style>math { font-size: 1.15em; }</style>\n"


def without_mathjax(page: str) -> str:
    """An HTML page without the scripts and comments nbconvert's ``mathjax()`` macro
    writes, with the CSS of the MathML that replaces it.

    Args:
        page: the HTML text.

    Returns:
        str: the page without them.
    """
    page = MATHJAX.sub("", page)
    head = page.find("</head>")
    return page if head < 0 else page[:head] + MATH_CSS + page[head:]


class OfflineMathHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter, writing the page without MathJax (its formulas are MathML)
    and with the course's Content-Security-Policy (no script, no style attribute, nothing
    loaded from elsewhere: ``dnn_course/course/csp.py``)."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,  # type: ignore[override]
                           **kw: Any) -> tuple[str, dict[str, Any]]:  # (HTMLExporter's own ignore: its base is wider)
        output, resources = super().from_notebook_node(nb, resources, **kw)
        return with_csp(without_mathjax(output), style_attributes=False), resources


class MarkdownMathML(Preprocessor):
    """``mathml_cells`` as an nbconvert preprocessor: the markdown cells' formulas as MathML."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        mathml_cells(nb, self.log)
        return nb, resources
