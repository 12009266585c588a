"""Every user-facing string is marked for translation, and Polish and Thai translate all of them.

The source strings are extracted exactly as `make translations` does (babel.cfg), so a string
added without updating the catalogues, a template text left unmarked, or a translation that
drops or renames a `%(placeholder)s` fails here.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "marketplace" / "translations"
LOCALES = ("pl", "th")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@cache
def source_messages() -> frozenset[str]:
    with (I18N / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, str(I18N / "babel.cfg"))
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


@cache
def catalogue(locale: str):
    with (I18N / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_the_extraction_finds_the_product_s_strings():
    messages = source_messages()
    assert len(messages) > 500
    assert "Log in to Hashmark" in messages and "Meets the brief" in messages


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id
                  for m in catalogue(locale) if m.id and not m.fuzzy and _complete(m.string)}
    missing = sorted(source_messages() - translated)
    assert not missing, f"{len(missing)} strings lack a {locale} translation, e.g. {missing[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale):
    wrong = []
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) - expected:
                wrong.append((ids[0], string))
            elif string and not set(PLACEHOLDER.findall(ids[0])) - {"num"} <= set(PLACEHOLDER.findall(string)):
                wrong.append((ids[0], string))
    assert not wrong, f"{locale}: placeholders differ in {wrong[:5]}"


def _complete(string) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
COMMENT = re.compile(r"\{#.*?#\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S)
ATTRIBUTE = re.compile(r'\b(placeholder|title|alt|aria-label|aria-description)\s*=\s*"([^"]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")
NOT_WORDS = {"Hashmark", "https", "http"}


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in NOT_WORDS]


def untranslated_template_text(directory: Path = ROOT / "templates") -> list[str]:
    found = []
    for path in sorted(directory.rglob("*.html")):
        source = COMMENT.sub("", path.read_text())
        for match in ATTRIBUTE.finditer(source):
            if _words(JINJA.sub("", match.group(2))):
                found.append(f"{path.relative_to(directory)}: {match.group(1)}=\"{match.group(2)}\"")
        text = re.sub(r"&[a-z#0-9]+;", " ", TAG.sub(" ", JINJA.sub(" ", SCRIPT.sub("", source))))
        found += [f"{path.relative_to(directory)}: {line.strip()[:80]}" for line in text.splitlines() if _words(line)]
    return found


def test_no_template_text_is_left_unmarked():
    assert untranslated_template_text() == []


def test_the_scan_would_catch_an_unmarked_sentence(tmp_path):
    (tmp_path / "probe.html").write_text('<p>{{ _("Marked") }} Not marked</p>\n<input placeholder="Type here">\n'
                                        '<a href="{{ url }}" title="{{ _(\'Fine\') }}">{{ _("Also fine") }}</a>')
    found = untranslated_template_text(tmp_path)
    assert found == ['probe.html: placeholder="Type here"', "probe.html: Not marked"]


def test_a_polish_and_a_thai_page_read_in_their_language(client):
    for locale, expected in (("pl", "Zaloguj"), ("th", "เข้าสู่ระบบ")):
        page = client.get("/login", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert expected in page, locale
