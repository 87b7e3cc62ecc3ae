"""Learner content made safe to show: markdown cells, raw cells and outputs cleaned with bleach.

A submitted notebook is untrusted: its markdown, the outputs kept from the
learner's run and the outputs its code makes while grading all end up in
pages an instructor opens (formgrader's grading view, served from the
instructor's own Jupyter server) and in feedback pages. ``SanitizeLearnerContent``
rewrites the notebook so that whatever renders it afterwards only meets:

- markdown cells rendered to HTML by nbconvert's own markdown renderer, then
  cleaned by bleach against an allow-list (no script, event handler, style,
  class or id the learner chose, form, frame, ``<base>``/``<meta>``/``<link>``,
  ``javascript:`` or ``data:`` link; ``data:`` only as a PNG/JPEG/GIF/WebP image);
- outputs of the MIME types in ``SAFE_TYPES`` only: HTML cleaned as above,
  markdown rendered and cleaned, LaTeX escaped, images checked to be base64;
  any other type (JavaScript, SVG, JSON, widgets, ...) becomes text with a
  one-line note;
- TeX commands that make links, styles or ids in MathJax (``\\href``, ``\\style``,
  ...) with their backslash replaced by a look-alike, so a formula cannot
  become a live link or a styled box.

The result is a fixed point of nbconvert's markdown renderer: rendering a
cleaned markdown cell again (as formgrader does) gives back the same HTML.
docs/safety.md says where this runs.
"""
import base64
import binascii
import html
import re
from pathlib import Path
from typing import Any

import bleach
from bleach.html5lib_shim import Filter
from nbconvert.filters.markdown_mistune import IPythonRenderer, InvalidNotebook, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
import nbformat
from nbgrader.coursedir import CourseDirectory
from pygments.token import STANDARD_TYPES
from traitlets import Bool

TAGS = frozenset("""
    a abbr b blockquote br caption code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd
    li ol p pre q s samp small span strong sub sup table tbody td tfoot th thead tr u ul var
""".split())
ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "img": ["src", "alt", "title", "width",
              "height"], "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"],
              "ol": ["start"], "*": ["class"]}
# Classes the renderer itself writes (code highlighting); any other class could
# borrow the page's own look (a Bootstrap alert, a fixed bar, the summary box).
CLASSES = frozenset(STANDARD_TYPES.values()) | {"highlight", "dnn-learner"}
IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z", re.I)
SIZE = re.compile(r"[0-9]{1,4}(%|px)?\Z")
# MathJax commands that make links, CSS, classes, ids, tooltips or load code, and
# those that move a formula's ink out of its own box (negative kerns, raised
# rules, overlaps), which could cover the page's score or test output.
TEX_ACTIVE = re.compile(r"\\(?=(href|url|style|class|cssId|bbox|require|html|data|mmlToken|csname|"
                        r"toggle|action|mathtip|texttip|tooltip|unicode|raise|lower|moveleft|"
                        r"moveright|kern|mkern|hskip|mskip|hspace|mspace|rule|Rule|llap|rlap|clap|"
                        r"mathllap|mathrlap|mathclap)(?![A-Za-z]))")
TEX_BACKSLASH = "\uFF3C"  # FULLWIDTH REVERSE SOLIDUS: reads as a backslash, is no TeX command
WRAP = '<div class="dnn-learner">'
TEXT_TOKENS = ("Characters", "SpaceCharacters", "Entity")
BLANK_LINE_BREAK = re.compile(r"\n(?=[ \t]*\n)")

# What formgrader's grading view hands its template about the learner, written there unescaped.
FORMGRADER_TEXT = ("student", "last_name", "first_name", "notebook_path")
SAFE_IMAGES = ("image/png", "image/jpeg", "image/gif")
SAFE_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex") + SAFE_IMAGES
NOTE = "[{mime} output not shown: it could run code or restyle the grader's page. Its text:]"
NOTE_BINARY = "[{mime} output not shown: it could run code or restyle the grader's page.]"


def _attribute_allowed(tag, name, value):
    if name == "class":
        return bool(value.split()) and all(c in CLASSES for c in value.split())
    if tag == "img" and name == "src":
        lowered = value.strip().lower()
        if lowered.startswith("data:"):
            return bool(IMAGE_DATA.match(value.strip()))
        return _relative(lowered)
    if tag == "img" and name in ("width", "height"):
        return bool(SIZE.match(value.strip()))
    if name == "href" and value.strip().lower().startswith("data:"):
        return False
    return name in ATTRIBUTES.get(tag, ()) or name in ATTRIBUTES["*"]


def _relative(url):
    # images load without a click: no other site (tracking) and no server path
    return ":" not in url.split("/")[0] and not url.startswith(("/", "\\", "#")) and url != ""


class _NeutralizeTex(Filter):
    """Replace the backslash of MathJax's link and style commands in the page's text."""

    def __iter__(self):
        run = []  # a run of text: bleach gives each character reference (&#92;) its own token
        for token in super().__iter__():
            if token["type"] in TEXT_TOKENS:
                run.append(token)
                continue
            yield from self._text(run)
            run = []
            yield token
        yield from self._text(run)

    @staticmethod
    def _text(run):
        text = "".join(html.unescape(f"&{t['name']};") if t["type"] == "Entity" else t["data"]
                       for t in run)
        if TEX_ACTIVE.search(text):
            yield {"type": "Characters", "data": neutralize_tex(text)}
        else:
            yield from run


_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_attribute_allowed,
                          protocols={"http", "https", "mailto", "data"}, strip=True,
                          strip_comments=True, filters=[_NeutralizeTex])


def neutralize_tex(text: str) -> str:
    """``text`` with MathJax's active commands (``\\href``, ``\\style``, ...) made plain text.

    Args:
        text: any text a page shows, e.g. ``$\\href{javascript:x}{y}$``.

    Returns:
        str: the same text with each such command's backslash replaced by ``\\uFF3C``.
    """
    return TEX_ACTIVE.sub(TEX_BACKSLASH, text)


def clean_html(fragment: str) -> str:
    """An HTML fragment with only the allow-listed tags, attributes and URLs.

    Args:
        fragment: HTML from a learner (a markdown cell rendered, an output).

    Returns:
        str: the cleaned HTML, with no blank line (so markdown renderers keep it one HTML block).
    """
    cleaned = _CLEANER.clean(str(fragment))
    return BLANK_LINE_BREAK.sub("&#10;", cleaned)


class _Renderer(IPythonRenderer):
    """nbconvert's renderer, attachments as data URLs (raster first), no anchor links."""

    def __init__(self, attachments):
        super().__init__(escape=False, allow_harmful_protocols=False, exclude_anchor_links=True,
                         attachments=attachments)

    def _embed_image_or_attachment(self, src):
        name = src[len("attachment:"):] if src.startswith("attachment:") else None
        if name is None:
            return src
        bundle = self.attachments.get(name) or {}
        for mime in SAFE_IMAGES:
            if mime in bundle:
                return f"data:{mime};base64,{bundle[mime]}"
        return ""  # missing or not a raster image: no source, its alt text stays


def clean_markdown(source: str, attachments: dict[str, dict[str, str]] | None = None) -> str:
    """A markdown cell's text as cleaned HTML, to be stored as the cell's new source.

    Args:
        source: the markdown text.
        attachments: the cell's attachments (``attachment:`` images become data URLs).

    Returns:
        str: one ``<div class="dnn-learner">`` block of cleaned HTML; formulas stay
        as TeX text between their ``$`` delimiters for MathJax.
    """
    try:
        rendered = MarkdownWithMath(renderer=_Renderer(attachments or {})).render(source)
    except InvalidNotebook:  # cannot happen with _Renderer; kept as text if it ever does
        rendered = html.escape(source)
    if source.startswith(WRAP) and rendered.strip() == source.strip():
        return clean_html(source)  # cleaned before (feedback after autograde): not wrapped twice
    return clean_html(f"{WRAP}{rendered}</div>")


def _base64_image(data):
    text = "".join(data) if isinstance(data, list) else str(data)
    try:
        base64.b64decode(re.sub(r"\s", "", text), validate=True)
    except (binascii.Error, ValueError):
        return None
    return text


def _text_of(value):
    return "".join(value) if isinstance(value, list) else value if isinstance(value, str) else None


def clean_output(output: NotebookNode) -> list[str]:
    """One output of a code cell, made safe to show (changed in place).

    Args:
        output: an nbformat output (stream and error outputs are left as they are:
            pages escape their text).

    Returns:
        list of str: the MIME types not shown (each told in the output's text).
    """
    data = output.get("data")
    if output.get("output_type") not in ("display_data", "execute_result") or data is None:
        return []
    kept = {}
    dropped = [mime for mime in data if mime not in SAFE_TYPES]
    for mime in SAFE_IMAGES:
        if mime in data:
            image = _base64_image(data[mime])
            if image is None:
                dropped.append(mime)
            else:
                kept[mime] = image
    if "text/plain" in data:
        kept["text/plain"] = _text_of(data["text/plain"]) or ""
    # one HTML view, the richest the output gives: its HTML, else its markdown, else its LaTeX
    if "text/html" in data:
        kept["text/html"] = clean_html(_text_of(data["text/html"]) or "")
    elif "text/markdown" in data:
        kept["text/html"] = clean_markdown(_text_of(data["text/markdown"]) or "")
    elif "text/latex" in data:
        latex = html.escape(neutralize_tex(_text_of(data["text/latex"]) or ""))
        kept["text/html"] = f"{WRAP}{latex}</div>"
    if dropped and not any(m != "text/plain" for m in kept):
        text = _text_of(data[dropped[0]])
        kept["text/plain"] = (NOTE.format(mime=dropped[0]) + "\n" + text if text is not None
                              else NOTE_BINARY.format(mime=dropped[0]))
    output["data"] = kept
    # width and height of images only, as numbers; nothing else of the learner's reaches a page
    meta = output.get("metadata") or {}
    output["metadata"] = {m: {k: v for k, v in meta[m].items()
                              if k in ("width", "height") and isinstance(v, (int, float))}
                          for m in SAFE_IMAGES if m in kept and isinstance(meta.get(m), dict)}
    return dropped


def clean_cell(cell: NotebookNode) -> NotebookNode:
    """One cell made safe to show (changed in place): markdown rendered and cleaned,
    raw cells kept from rendering, outputs cleaned.

    Args:
        cell: an nbformat cell.

    Returns:
        cell: the same cell.
    """
    if cell.cell_type == "markdown":
        cell.source = clean_markdown(cell.source, cell.get("attachments"))
        cell.pop("attachments", None)
    elif cell.cell_type == "raw":  # a raw cell of format text/html goes into pages unchanged
        for key in ("format", "raw_mimetype"):
            cell.metadata.pop(key, None)
    for output in cell.get("outputs", []):
        clean_output(output)
    hidden = cell.metadata.get("jupyter")
    if isinstance(hidden, dict):  # a test cell's output must not be hidden from the grader
        hidden.pop("outputs_hidden", None)
        hidden.pop("source_hidden", None)
    return cell


def escape_formgrader_names(resources: dict[str, Any]) -> None:
    """HTML-escape the student's id, names and notebook path formgrader's grading view passes
    to its template, which writes them unescaped (``formgrade_macros.html.j2``).

    Args:
        resources: the exporter's resources (changed in place; other pages pass none of these).

    Returns:
        None.
    """
    if resources is None or resources.get("dnn_course_escaped"):
        return
    for key in FORMGRADER_TEXT:
        if isinstance(resources.get(key), str):
            resources[key] = html.escape(resources[key])
    resources["dnn_course_escaped"] = True


class SanitizeLearnerContent(Preprocessor):
    """Clean every cell of a submitted notebook before any page renders it.

    Runs in nbgrader's Autograde (after the notebook has been executed) and first
    in GenerateFeedback; idempotent, so running it twice is harmless.
    """

    # nbconvert's preprocessors are off unless configured on; nbgrader calls its
    # steps without turning them on, so this one is on by default (as nbgrader's own are)
    enabled = Bool(True, help="Clean learner content (turn off only for trusted notebooks)").tag(
        config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Clean every cell (a markdown cell exactly as the course released it stays as it
        is) and drop widget state (it loads scripts from a CDN).

        Args:
            nb: the notebook.
            resources: nbconvert resources; nbgrader's name the assignment and notebook,
                whose released markdown is the course's own.

        Returns:
            (nb, resources).
        """
        nb.metadata.pop("widgets", None)
        escape_formgrader_names(resources)
        released = self._released_markdown(resources)
        for cell in nb.cells:
            if not (cell.cell_type == "markdown" and cell.source in released):
                clean_cell(cell)
        return nb, resources

    def _released_markdown(self, resources):
        """The markdown sources of the released notebook (the course's own text, with its
        anchors and image sizes), or an empty set where it is not known or not found."""
        resources = resources or {}
        info = resources.get("nbgrader") or {}
        # nbgrader's converters name them in resources["nbgrader"]; formgrader's grading view
        # passes assignment_id and notebook_id
        assignment = info.get("assignment") or resources.get("assignment_id")
        notebook = info.get("notebook") or resources.get("notebook_id")
        if not (isinstance(assignment, str) and isinstance(notebook, str)):
            return set()
        course = CourseDirectory(config=self.config)
        path = Path(course.format_path(course.release_directory, ".", assignment)) / \
            f"{notebook}.ipynb"
        try:
            released = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError):
            self.log.warning("SanitizeLearnerContent: no released notebook at %s: every markdown "
                             "cell is cleaned, the course's own too", path)
            return set()
        return {c.source for c in released.cells if c.cell_type == "markdown"}
