"""Reading the rendered pages the way a browser would: field values, field errors, flashes."""
from __future__ import annotations

from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, list[str]] = {}
        self.checked: dict[str, list[str]] = {}
        self.texts: dict[str, list[str]] = {}   # id -> text inside that element
        self.classes: dict[str, list[str]] = {}  # class -> texts of elements having it
        self._open: list[tuple[str, list[str]]] = []  # (tag, [keys collecting text])
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        keys = []
        if a.get("id"):
            keys.append("#" + a["id"])
        keys += ["." + c for c in (a.get("class") or "").split()]
        if tag not in ("input", "br", "meta", "link", "img", "hr"):
            self._open.append((tag, keys))
            for key in keys:
                self.texts.setdefault(key, []).append("")
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.checked.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.inputs.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.inputs.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.inputs.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = self.inputs[self._textarea][-1]  # browsers drop the newline right after <textarea>
            self.inputs[self._textarea][-1] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        if tag == "select":
            self._select = None
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if self._textarea:
            self.inputs[self._textarea][-1] += data
        for _tag, keys in self._open:
            for key in keys:
                self.texts[key][-1] += data


def page(response) -> _Page:
    parser = _Page()
    parser.feed(response.get_data(as_text=True))
    return parser


def value(response, name: str) -> str:
    """The value a text input, textarea or select shows."""
    return page(response).inputs.get(name, [None])[0]


def checked(response, name: str) -> list[str]:
    return page(response).checked.get(name, [])


def error(response, field_id: str) -> str:
    """The error text under a field ("" when there is none)."""
    return " ".join(page(response).texts.get(f"#{field_id}-error", [""])).strip()


def text_of(response, selector: str) -> str:
    """All text inside elements with this id (#x) or class (.x), joined."""
    return " ".join(" ".join(t.split()) for t in page(response).texts.get(selector, [])).strip()
