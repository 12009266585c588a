"""Reference lists shown in forms: countries, niches, languages."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale
from babel.numbers import get_territory_currencies
from flask_babel import lazy_gettext as _l

from .money import SUPPORTED_CURRENCIES

NICHES = {
    "beauty": _l("Beauty"),
    "fashion": _l("Fashion"),
    "fitness": _l("Fitness"),
    "food": _l("Food & drink"),
    "travel": _l("Travel"),
    "tech": _l("Tech"),
    "gaming": _l("Gaming"),
    "parenting": _l("Parenting"),
    "home": _l("Home & garden"),
    "finance": _l("Personal finance"),
    "music": _l("Music"),
    "sports": _l("Sports"),
    "pets": _l("Pets"),
    "education": _l("Education"),
    "lifestyle": _l("Lifestyle"),
    "health": _l("Health & wellbeing"),
    "automotive": _l("Cars & motoring"),
    "books": _l("Books"),
}

LANGUAGES = {"en": "English", "pl": "Polski", "th": "ไทย"}


@lru_cache(maxsize=8)
def countries(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """ISO 3166 alpha-2 countries with names in `locale`, sorted by name."""
    names = Locale.parse(locale).territories
    codes = [code for code in names if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}]
    return tuple(sorted(((code, names[code]) for code in codes), key=lambda pair: pair[1]))


def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries("en"))


def default_currency(country: str) -> str:
    """The country's own currency when Hashmark supports it, else EUR."""
    for currency in get_territory_currencies(country):
        if currency in SUPPORTED_CURRENCIES:
            return currency
    return "EUR"


def normalise_text(text: str) -> str:
    """Text as search compares it: compatibility-folded and case-folded (Polish, Thai, full-width)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def country_name(code: str) -> str:
    """The country's name in the current language (falls back to the code)."""
    from flask_babel import get_locale

    return get_locale().territories.get(code, code)
