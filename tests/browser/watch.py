"""What learner content did in a page: titles it set, dialogs, requests it made, live markup left.

``Watch(page, sink)`` must be made before the page opens anything: it wraps the
``document.title`` setter and alert/confirm/prompt in every frame (an init script), keeps
every dialog and request, and ``ran()`` lists what hostile content did. ``scan()`` finds
hostile markup still alive (handlers, javascript: and data: URLs, style, base, meta, frames,
forms) that would run on a click; ``click_text_links`` clicks the links JupyterLab makes of
printed URLs. ``uncovered(locator)`` checks that an element is shown and
on top at its centre, so no learner content hides or covers it.
"""
from urllib.parse import urlsplit

from hostile_xss import MARK

BINDING = "__dnnHostileSignal"
INIT_SCRIPT = """(() => {
  const send = (kind, detail) => { try { window.%(binding)s(kind, String(detail)); } catch (e) {} };
  const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
  Object.defineProperty(Document.prototype, 'title', {
    configurable: true, enumerable: title.enumerable,
    get() { return title.get.call(this); },
    set(value) { send('title', value); title.set.call(this, value); },
  });
  for (const name of ['alert', 'confirm', 'prompt']) {
    const original = window[name];
    window[name] = function (message) { send(name, message); return original.apply(this, arguments); };
  }
})();""" % {"binding": BINDING}
# POSTs that create a shell or a kernel: no page an instructor opens needs one.
TAKEOVER_PATHS = ("/api/terminals", "/api/kernels")
SCAN_SCRIPT = """(mark) => {
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
  const live = ['SCRIPT', 'STYLE', 'BASE', 'META', 'IFRAME', 'FRAME', 'OBJECT', 'EMBED', 'FORM', 'LINK'];
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toUpperCase();
    if (live.includes(tag) && el.outerHTML.includes(mark.sink)) found.push(`<${tag.toLowerCase()}> calling ${mark.sink}`);
    if (live.includes(tag) && el.outerHTML.includes(mark.mark)) found.push(`<${tag.toLowerCase()}> ${el.outerHTML.slice(0, 120)}`);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (name.startsWith('on') && a.value.includes(mark.mark)) found.push(`${name} on <${tag.toLowerCase()}>: ${a.value.slice(0, 80)}`);
      if (name === 'srcdoc') found.push(`srcdoc on <${tag.toLowerCase()}>`);
      const where = el.closest('.jp-RenderedText') ? 'in a text output, ' : '';
      if ((urlAttrs.includes(name) || name.endsWith('href')) &&
          /^(javascript|vbscript|data:text\\/html)/.test(value)) found.push(`${where}${name}=${a.value.slice(0, 80)} on <${tag.toLowerCase()}>`);
      if (name === 'style' && a.value.includes(mark.sink)) found.push(`style calling ${mark.sink} on <${tag.toLowerCase()}>`);
    }
  }
  return found;
}"""


class Watch:
    """Everything hostile content does in one page (and its frames and popups)."""

    def __init__(self, page, sink):
        """Args:
            page: a fresh Page (nothing opened yet); its context gets the init script.
            sink: the test's counting server (``url``, ``hits``).
        """
        self.page, self.sink = page, sink
        self.signals, self.requests, self.dialogs = [], [], []
        self._sink_hits = len(sink.hits)
        context = page.context
        context.expose_binding(BINDING, self._signal)
        context.add_init_script(INIT_SCRIPT)
        context.on("request", lambda r: self.requests.append((r.method, r.url)))
        context.on("page", self._attach)
        self._attach(page)

    def _signal(self, source, kind, detail):
        self.signals.append((kind, detail, source["frame"].url))

    def _attach(self, page):
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    def ran(self):
        """What hostile content did so far.

        Returns:
            list of str, empty when nothing ran: titles and dialogs carrying the marker
            (or any dialog at all), POSTs creating a terminal or kernel, requests to the sink.
        """
        found = [f"{kind}({detail!r}) in {url[:100]}" for kind, detail, url in self.signals
                 if kind != "title" or str(detail).startswith(MARK)]
        found += [f"dialog {kind}: {message!r}" for kind, message in self.dialogs]
        for method, url in self.requests:
            path = urlsplit(url).path
            if method == "POST" and path in TAKEOVER_PATHS:
                found.append(f"POST {url}")
            elif url.startswith(self.sink.url) or MARK in url:
                found.append(f"{method} {url}")
        found += [f"the counting server was asked for {hit}" for hit in self.sink.hits[self._sink_hits:]]
        return found

    def scan(self):
        """Hostile markup still alive in the page's frames (it would run on a click or later).

        Returns:
            list of str naming each element and attribute.
        """
        found = []
        for frame in self.page.frames:
            try:
                found += [f"{frame.url[:80]}: {f}" for f in frame.evaluate(
                    SCAN_SCRIPT, {"mark": MARK, "sink": self.sink.url})]
            except Exception as e:  # noqa: BLE001 (a frame gone or navigating: say so)
                found.append(f"{frame.url[:80]}: could not be scanned ({str(e).splitlines()[0]})")
        return found


TEXT_LINK = "in a text output, "  # how scan() names a link JupyterLab made of printed text


def click_text_links(page):
    """Click every javascript: or data: link JupyterLab made of URLs in printed text.

    JupyterLab turns URL-like text of stream and error outputs into links (target _blank),
    so a learner's printed ``data:text/html,<script>...`` becomes one; the browser must
    refuse to open it (Chromium blocks top-level data: and javascript: navigations there).

    Args:
        page: the Page showing a notebook.

    Returns:
        How many distinct links were clicked.
    """
    links = page.locator(".jp-RenderedText a[href^='data:'], .jp-RenderedText a[href^='javascript:']")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    firsts = [hrefs.index(h) for h in dict.fromkeys(hrefs)]  # one click per distinct link
    for i in firsts:
        links.nth(i).scroll_into_view_if_needed()
        links.nth(i).click(timeout=5_000, no_wait_after=True)
    page.wait_for_timeout(1_000)
    return len(firsts)


def uncovered(locator):
    """Whether an element is shown and nothing else lies on top of it at its centre.

    Args:
        locator: one element.

    Returns:
        (bool, what lies on top when something else does).
    """
    locator.scroll_into_view_if_needed()
    if not locator.is_visible():
        return False, "not visible"
    top = locator.evaluate("""el => { const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 8));
        return hit && (el === hit || el.contains(hit)) ? '' : (hit ? hit.outerHTML.slice(0, 120) : 'nothing'); }""")
    return not top, top
