"""What a page would do with a piece of HTML that learner content must not (tests' shared check)."""
from html.parser import HTMLParser

from dnn_course.preprocessors.sanitize import TAGS

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "srcdoc", "data")


class Elements(HTMLParser):
    """Every element and attribute of an HTML text, as a browser's tokenizer sees them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.found, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def problems(fragment):
    """What a page showing ``fragment`` would do that learner content must not."""
    out = []
    parsed = Elements(fragment)
    for tag, attrs in parsed.found:
        if tag not in TAGS:
            out.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "id", "name", "srcdoc"):
                out.append(f"{tag} {name}")
            if name == "class" and set(value.split()) & {"alert", "alert-success", "navbar-fixed-top",
                                                           "dnn-summary"}:
                out.append(f"{tag} class={value}")
            remote = ":" in value.split("/")[0] or value.startswith("//")
            if tag == "a" and name == "href":  # a link needs a click: only web and mail ones
                if remote and not value.startswith(("http://", "https://", "mailto:")):
                    out.append(f"a href={value[:30]}")
            elif name in URL_ATTRIBUTES and remote:  # loads by itself: only an embedded image
                if not (tag == "img" and value.startswith("data:image/png;base64,")):
                    out.append(f"{tag} {name}={value[:30]}")
    text = "".join(parsed.text)
    for command in ("\\href", "\\style", "\\raise", "\\rule", "\\kern"):
        if command in text:
            out.append(f"TeX {command}")
    return out
