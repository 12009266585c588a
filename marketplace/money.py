"""Money as integer minor units plus an ISO 4217 currency code; never floats.

Exponents come from our own table, not Babel's CLDR digits (which differ, e.g. RSD) nor Stripe's
(which differ for ISK): parsing, formatting and the Stripe boundary all obey ``CURRENCY_EXPONENTS``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, total_ordering
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol

_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE = "BHD JOD KWD OMR TND"
_TWO = (
    "AED ALL ARS AUD BGN BRL CAD CHF CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR KES MXN MYR "
    "NGN NOK NZD PEN PHP PKR PLN RON RSD SAR SEK SGD THB TRY TWD UAH USD ZAR"
)
CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_TWO.split(), 2),
    **dict.fromkeys(_THREE.split(), 3),
}
SUPPORTED_CURRENCIES: tuple[str, ...] = tuple(sorted(CURRENCY_EXPONENTS))
# Stripe still takes ISK with two (always zero) decimals: 5 ISK is amount=500.
_STRIPE_EXPONENTS: dict[str, int] = {"ISK": 2}
MAX_MINOR = 10**15  # parse() refuses anything larger: a typo, not a budget
_MINUS = ("-", "\u2212")
_SPACES = (" ", "\u00a0", "\u202f")  # space, NBSP, narrow NBSP: always accepted as grouping


class MoneyParseError(ValueError):
    """User input is not an amount; the message is fit to show next to the form field."""


class CurrencyMismatch(ValueError):
    """Arithmetic or ordering between two different currencies."""


def _currency(code: str) -> str:
    if not isinstance(code, str):
        raise TypeError(f"currency must be a str, got {type(code).__name__}")
    norm = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", norm):
        raise ValueError(f"currency must be a 3-letter ISO 4217 code, got {code!r}")
    if norm not in CURRENCY_EXPONENTS:
        raise ValueError(f"unsupported currency {norm!r}: add it to CURRENCY_EXPONENTS first")
    return norm


def exponent(currency: str) -> int:
    """Number of decimal places of ``currency`` (JPY 0, PLN 2, KWD 3)."""
    return CURRENCY_EXPONENTS[_currency(currency)]


def _stripe_scale(code: str) -> int:
    exp = CURRENCY_EXPONENTS[code]
    return 10 ** (_STRIPE_EXPONENTS.get(code, exp) - exp)


def _require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def _digits(s: str) -> bool:
    return s.isascii() and s.isdigit()  # str.isdigit alone admits Thai/Arabic digits


def _locale(locale: str | Locale) -> Locale:
    return locale if isinstance(locale, Locale) else Locale.parse(locale.replace("-", "_"))


@lru_cache(maxsize=512)
def _symbols(code: str, locale: str) -> tuple[str, ...]:
    """Currency markers parse() strips: the code and the symbol in the UI locale, in English
    and in the currency's home country (und_PL -> pl_PL -> "zł"), longest first."""
    found = {code, get_currency_symbol(code, locale), get_currency_symbol(code, "en")}
    try:
        found.add(get_currency_symbol(code, Locale.parse(f"und_{code[:2]}")))
    except (UnknownLocaleError, ValueError):
        pass
    return tuple(sorted((s for s in found if not re.search(r"\d", s)), key=len, reverse=True))


def _strip_symbol(text: str, code: str, locale: Locale) -> str:
    for sym in _symbols(code, str(locale)):
        n = len(sym)
        if text[:n].casefold() == sym.casefold():
            return text[n:].strip()
        if text[-n:].casefold() == sym.casefold():
            return text[:-n].strip()
    return text


@total_ordering  # <=, >, >= from __lt__, so they raise CurrencyMismatch too
@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: ``minor`` units (cents, grosze, yen) of ``currency``.

    ``==`` is structural (0 PLN != 0 EUR) so Money can live in sets and dict keys;
    ``+ - < <= > >=`` across currencies raise CurrencyMismatch instead of guessing.
    """

    minor: int
    currency: str

    def __post_init__(self) -> None:
        _require_int(self.minor, "Money.minor (minor units)")
        object.__setattr__(self, "currency", _currency(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: str) -> Money:
        """Total of ``items``; an empty iterable is zero, since the currency is explicit."""
        total = cls.zero(currency)
        for item in items:
            total = total + item
        return total

    @classmethod
    def parse(cls, text: str, currency: str, *, locale: str | Locale = "en") -> Money:
        """Parse what a user typed into an amount field; zero is allowed, negatives are not.

        Rules, in order: surrounding whitespace goes; one currency marker (the ISO code, any case,
        or the currency's symbol in ``locale``, English or its home country) may lead or trail.
        Digits are ASCII. The decimal separator is the locale's; groups use the locale's group
        symbol or a space/NBSP/narrow NBSP, and must sit where the locale groups (so "1,5" in
        "en" is an error, never 15). Where the locale's decimal is "," (pl) a lone "." with no ","
        in the text is read as the decimal point, because "." is not a group there: "1.234" PLN
        is then rejected for its 3 decimals rather than silently read as 1234. Decimal digits
        count even when zero: "100.0" JPY is refused. The result is capped at MAX_MINOR.
        """
        code = _currency(currency)
        exp = CURRENCY_EXPONENTS[code]
        loc = _locale(locale)
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        s = text.strip()
        if not s:
            raise MoneyParseError("Enter an amount.")
        if len(s) > 64:
            raise MoneyParseError("That amount is too long.")
        negative = s.startswith(_MINUS)
        s = _strip_symbol(s.lstrip("".join(_MINUS)).strip() if negative else s, code, loc)
        if negative or s.startswith(_MINUS):
            raise MoneyParseError("The amount cannot be negative.")
        other = re.search(r"[A-Za-z]{3}", s)
        if other and other.group().upper() in CURRENCY_EXPONENTS:
            raise MoneyParseError(f"That amount is in {other.group().upper()}, expected {code}.")
        invalid = MoneyParseError(f"{text.strip()!r} is not a valid amount.")
        decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
        groups = {group, *_SPACES} - {decimal}
        if decimal == "," and "." not in groups and "," not in s and s.count(".") == 1:
            decimal = "."
        whole, _, frac = s.partition(decimal)
        if not (whole or frac) or (frac and not _digits(frac)):
            raise invalid
        chunks = re.split("|".join(map(re.escape, groups)), whole)
        if not all(_digits(c) for c in chunks) and whole:
            raise invalid
        if len(chunks) > 1:
            primary, secondary = loc.decimal_formats[None].grouping
            if not (
                1 <= len(chunks[0]) <= secondary
                and all(len(c) == secondary for c in chunks[1:-1])
                and len(chunks[-1]) == primary
            ):
                raise MoneyParseError(f"{text.strip()!r} has a misplaced thousands separator.")
        if len(frac) > exp:
            places = f"at most {exp} decimal places" if exp else "no decimal places"
            raise MoneyParseError(f"{code} has {places}.")
        minor = int("".join(chunks) or "0") * 10**exp + int(frac.ljust(exp, "0") or "0")
        if minor > MAX_MINOR:
            raise MoneyParseError(f"The amount is too large (at most {cls(MAX_MINOR, code)}).")
        return cls(minor, code)

    @classmethod
    def from_stripe(cls, amount: int, currency: str) -> Money:
        code = _currency(currency)
        minor, rest = divmod(_require_int(amount, "amount"), _stripe_scale(code))
        if rest:
            raise ValueError(f"Stripe amount {amount} is not a whole number of {code} minor units")
        return cls(minor, code)

    def to_stripe(self) -> dict[str, Any]:
        """``amount``/``currency`` params for Stripe; three-decimal currencies may additionally
        need a last digit of 0 for card payments, which is the caller's business rule."""
        if self.minor < 0:
            raise ValueError(f"Stripe amounts cannot be negative: {self}")
        amount = self.minor * _stripe_scale(self.currency)
        return {"amount": amount, "currency": self.currency.lower()}

    def fee(self, basis_points: int) -> Money:
        """``basis_points``/10000 of this amount (1500 = 15%), rounded half-up in integers.

        Ties round away from zero, symmetrically for negatives, so fee(-x) == -fee(x).
        """
        if not 0 <= _require_int(basis_points, "basis_points") <= 10_000:
            raise ValueError(f"basis_points must be between 0 and 10000, got {basis_points}")
        q, r = divmod(abs(self.minor) * basis_points, 10_000)
        if 2 * r >= 10_000:
            q += 1
        return Money(-q if self.minor < 0 else q, self.currency)

    def amount_text(self) -> str:
        """Plain, locale-neutral decimal: "1234.50", "-0.05", "1235" (JPY)."""
        exp = CURRENCY_EXPONENTS[self.currency]
        whole, frac = divmod(abs(self.minor), 10**exp)
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"

    def format(self, locale: str | Locale = "en") -> str:
        """Localised text via Babel, always with exactly our exponent's decimals."""
        loc = _locale(locale)
        exp = CURRENCY_EXPONENTS[self.currency]
        pattern = copy.copy(loc.currency_formats["standard"])
        pattern.frac_prec = (exp, exp)  # overrides CLDR digits (RSD would otherwise show none)
        value = Decimal(self.minor).scaleb(-exp)
        return pattern.apply(value, loc, currency=self.currency, currency_digits=False)

    def __str__(self) -> str:
        return f"{self.amount_text()} {self.currency}"

    def _check(self, other: Money, op: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot {op} {self.currency} and {other.currency}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other, "add")
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other, "subtract")
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented  # floats, Decimals: use fee() for percentages
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.minor != 0

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other, "compare")
        return self.minor < other.minor
