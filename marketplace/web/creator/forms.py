"""Forms of the creator's workspace: marketplace filters (GET), applying, and the profile."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import TextInput

from ...catalog import NICHES, countries
from ...money import SUPPORTED_CURRENCIES, Money, MoneyParseError
from ...queries.marketplace import SORTS, Choices, Filters, search_words
from ...services.applications import MAX_PITCH
from ...services.profiles import MAX_BIO, MAX_DISPLAY_NAME
from ..forms import MultiCheckboxField, options

MAX_QUERY = 200
SORT_LABELS = {
    "fit": _l("Best fit"),
    "newest": _l("Newest"),
    "payout": _l("Highest payout"),
    "deadline": _l("Deadline soonest"),
}
PLATFORM_LABELS = {"instagram": _l("Instagram"), "tiktok": _l("TikTok")}
_TOO_LONG = _l("Use at most %(max)d characters.")
_GROUPED = re.compile(r"\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+")


def _unix_newlines(text: str | None) -> str | None:
    """Browsers count a line break in `maxlength` as one character but send two (CR LF)."""
    return text.replace("\r\n", "\n") if text else text


class MarketplaceFilterForm(FlaskForm):
    """Read from the query string. A value that does not fit is dropped with a message beside its
    field; the rest of the search still runs (bad query parameters never fail the page)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search campaigns"), validators=[Length(max=MAX_QUERY, message=_TOO_LONG)],
                    render_kw={"maxlength": MAX_QUERY, "enterkeyhint": "search"})
    platform = SelectField(_l("Platform"), default="")
    country = SelectField(_l("Only campaigns looking for creators in"), default="")
    niche = SelectField(_l("Niche or product"), default="")
    currency = SelectField(_l("Currency"), default="")
    payout_min = StringField(_l("Payout from"), render_kw={"inputmode": "decimal", "maxlength": 20})
    payout_max = StringField(_l("Payout up to"), render_kw={"inputmode": "decimal", "maxlength": 20})
    sort = SelectField(_l("Sort by"), default="fit", choices=options((key, SORT_LABELS[key]) for key in SORTS))

    FILTERS = ("platform", "country", "niche", "currency", "payout_min", "payout_max")

    def __init__(self, *args, locale: str, choices: Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.platform.choices = options([("", _l("Any platform")), *PLATFORM_LABELS.items()])
        targeted = choices.countries | {self.country.data}  # keep a bookmarked choice
        self.country.choices = options([("", _l("Any country")),
                                        *((code, name) for code, name in countries(locale) if code in targeted)])
        niches = sorted(((code, str(label)) for code, label in NICHES.items()), key=lambda pair: pair[1])
        self.niche.choices = options([("", _l("Any niche")), *niches])
        currencies, requested = choices.currencies, self.currency.data
        if requested in SUPPORTED_CURRENCIES and requested not in currencies:  # e.g. a bookmarked search
            currencies = sorted([*currencies, requested])
        self.currency.choices = options([("", _l("All currencies")), *((code, code) for code in currencies)])

    def active_filters(self) -> int:
        return sum(1 for name in self.FILTERS if getattr(self, name).data and not getattr(self, name).errors)

    def filters(self) -> Filters:
        """Validate and turn what was asked into query filters, dropping what is not valid."""
        self.validate()
        ok = {field.name: field.data or None for field in self if not field.errors}
        currency = ok.get("currency")
        amounts = {name: self._amount(name, currency) for name in ("payout_min", "payout_max")}
        low, high = amounts["payout_min"], amounts["payout_max"]
        if low is not None and high is not None and low > high:
            self.payout_max.errors = [_l("The upper amount is below the lower one.")]
            high = None
        return Filters(words=search_words(ok.get("q") or ""), platform=ok.get("platform"),
                       country=ok.get("country"), niche=ok.get("niche"), currency=currency,
                       payout_min_minor=low, payout_max_minor=high, sort=ok.get("sort") or "fit")

    def _amount(self, name: str, currency: str | None) -> int | None:
        field = getattr(self, name)
        text = (field.data or "").strip()
        if not text or field.errors:
            return None
        if not currency:
            field.errors = [_l("Choose a currency to filter by payout.")]
            return None
        try:
            return Money.parse(text, currency, locale=self.locale).minor
        except MoneyParseError:
            field.errors = [_l("Enter an amount in %(currency)s, like 150 or 99.50.", currency=currency)]
            return None


class ApplyForm(FlaskForm):
    pitch = TextAreaField(
        _l("Your pitch"), validators=[Length(max=MAX_PITCH, message=_TOO_LONG)], filters=[_unix_newlines],
        description=_l("Optional, up to %(n)d characters: why you, what you would post, links to similar work.",
                       n=MAX_PITCH),
        render_kw={"maxlength": MAX_PITCH, "rows": 6})


class CountField(IntegerField):
    """A whole number as people type it: "12000", "12 000", "12,000" or "12.000".

    A text input (not type=number) so that grouped digits typed on a phone keyboard survive.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        if _GROUPED.fullmatch(text):
            text = re.sub(r"\D", "", text)
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(_l("Enter a whole number, like 12000."))
        self.data = int(text)


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(message=_l("Enter the name brands will see.")),
                                           Length(max=MAX_DISPLAY_NAME, message=_TOO_LONG)],
                               description=_l("How brands see you, e.g. your creator name."),
                               render_kw={"maxlength": MAX_DISPLAY_NAME, "autocomplete": "nickname"})
    country = SelectField(_l("Country"), validators=[DataRequired(message=_l("Choose a country."))],
                          description=_l("Many campaigns look for creators in particular countries."))
    niches = MultiCheckboxField(_l("Your niches"), choices=options(NICHES.items()),
                                description=_l("Pick the topics you post about; campaigns are matched to them."))
    bio = TextAreaField(_l("Bio"), validators=[Length(max=MAX_BIO, message=_TOO_LONG)], filters=[_unix_newlines],
                        description=_l("A few lines for brands about you and your audience (up to %(n)d characters).",
                                       n=MAX_BIO),
                        render_kw={"maxlength": MAX_BIO, "rows": 5})
    instagram_handle = StringField(
        _l("Instagram username"), validators=[Length(max=31, message=_TOO_LONG)],
        description=_l("Without the @, e.g. kasia.gotuje. Leave empty if you do not post on Instagram."),
        render_kw={"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false", "maxlength": 31})
    tiktok_handle = StringField(
        _l("TikTok username"), validators=[Length(max=25, message=_TOO_LONG)],
        description=_l("Without the @, e.g. nok.eats. Leave empty if you do not post on TikTok."),
        render_kw={"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false", "maxlength": 25})
    followers = CountField(
        _l("Followers"), validators=[InputRequired(message=_l("Enter your follower count (0 is fine)."))],
        description=_l("Your largest audience on Instagram or TikTok. Once you link an account, Hashmark takes "
                       "the username and follower count from the platform itself."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *args, locale: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", _l("Choose a country…")), *countries(locale)])
