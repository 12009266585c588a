"""Forms of the brand's workspace: the campaign form and the small action forms."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ...catalog import NICHES, countries
from ...money import SUPPORTED_CURRENCIES
from ...verification import LOCALES
from ..forms import MultiCheckboxField, options

# Which disclosure rule a brand's home country most likely needs (anything else: the FTC's).
DISCLOSURE_BY_COUNTRY = {
    "PL": "pl", "TH": "th", "GB": "uk", "US": "us", "JP": "ja",
    "ES": "es", "MX": "es", "AR": "es",
    "AE": "ar", "SA": "ar", "EG": "ar",
}
DISCLOSURE_LABELS = {
    "us": _l("United States: FTC endorsement guides (#ad)"),
    "uk": _l("United Kingdom: ASA and CMA guidance (#ad)"),
    "pl": _l("Poland: UOKiK recommendations (#reklama)"),
    "th": _l("Thailand: Thai-language ad statement (#โฆษณา)"),
    "ja": _l("Japan: Consumer Affairs Agency stealth-marketing rules (#PR, #広告)"),
    "es": _l("Spanish-speaking markets: AUTOCONTROL influencer code (#publi)"),
    "ar": _l("Arabic-speaking markets: UAE Media Council guide (#إعلان)"),
}
# Creator markets offered as eligibility chips; the brand's own country (and any country already
# chosen) is always added.
MARKETS = ("AE", "AR", "AU", "BR", "CA", "CZ", "DE", "EG", "ES", "FR", "GB", "ID", "IN", "IT", "JP",
           "MX", "NL", "PH", "PL", "SA", "SE", "TH", "US")
PLATFORMS = (("instagram", "Instagram"), ("tiktok", "TikTok"))
LAST_YEAR = 2099
MAX_FOLLOWERS = 1_000_000_000
REASON_MAX = 500


def disclosure_default(country: str) -> str:
    return DISCLOSURE_BY_COUNTRY.get(country, "us")


def _plausible_date(form, field) -> None:
    """Dates far in the future are typos (and would overflow end-of-day arithmetic)."""
    if isinstance(field.data, date) and not 2000 <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Choose a date between 2000 and %(year)d.", year=LAST_YEAR))


def _date(label, description=None):
    return DateField(label, validators=[Optional(), _plausible_date], description=description)


class CampaignForm(FlaskForm):
    """Every field of `CampaignInput`, named alike so service errors land on the right field."""

    title = StringField(_l("Title"), validators=[Length(max=140)],
                        description=_l("What creators see first, e.g. “Autumn coffee at home”."))
    brief = TextAreaField(_l("Brief"), validators=[Length(max=10_000)], render_kw={"rows": 8},
                          description=_l("Markdown works: **bold**, *italic*, lists and links. "
                                         "Images and HTML are not shown."))
    product_category = SelectField(_l("Product category"), choices=options(NICHES.items()))
    platforms = MultiCheckboxField(_l("Platforms"), choices=options(PLATFORMS))
    hashtags = StringField(
        _l("Required hashtags"), validators=[Length(max=2_000)],
        description=_l("Separate them with commas or spaces, e.g. #PalarniaKraków, #jesień. "
                       "Any language works; no spaces or emoji inside a hashtag."))
    mentions = StringField(
        _l("Required mentions"), validators=[Length(max=2_000)],
        description=_l("Accounts creators must tag, e.g. @palarnia.krakow. Separate them with commas or spaces."))
    disclosure_required = BooleanField(
        _l("Creators must mark the post as an ad"),
        description=_l("Strongly recommended: most countries require it for paid posts."))
    disclosure_locale = SelectField(
        _l("Disclosure rule"), choices=options((code, DISCLOSURE_LABELS.get(code, code)) for code in LOCALES),
        description=_l("Which country's rule the verifier applies to the ad label."))
    payout = StringField(_l("Payout per post"), render_kw={"inputmode": "decimal", "autocomplete": "off"},
                         description=_l("What each creator receives for one verified post."))
    currency = SelectField(_l("Currency"), choices=options((c, c) for c in SUPPORTED_CURRENCIES))
    slots = IntegerField(_l("Creator slots"), validators=[InputRequired(_l("Enter how many creators you want."))],
                         render_kw={"min": 1, "max": 500},
                         description=_l("How many creators you want to hire."))
    application_deadline = _date(_l("Applications close"),
                                 _l("The last day creators can apply (until 23:59 UTC)."))
    posting_starts = _date(_l("Posting starts"), _l("First day creators may publish (from 00:00 UTC)."))
    posting_ends = _date(_l("Posting ends"), _l("Last day creators may publish (until 23:59 UTC)."))
    min_live_days = IntegerField(_l("Minimum days live"),
                                 validators=[InputRequired(_l("Enter a number of days (0 for none)."))],
                                 render_kw={"min": 0, "max": 365},
                                 description=_l("How long a post must stay up before it is paid."))
    countries = MultiCheckboxField(_l("Creators' countries"),
                                   description=_l("Leave all unticked to accept creators from any country."))
    min_followers = IntegerField(
        _l("Minimum followers"), render_kw={"min": 0},
        validators=[Optional(), NumberRange(min=0, max=MAX_FOLLOWERS,
                                            message=_l("Between 0 and %(max)s.", max=f"{MAX_FOLLOWERS:,}"))])
    niches = MultiCheckboxField(_l("Creators' niches"), choices=options(NICHES.items()),
                                description=_l("Leave all unticked to accept any niche."))
    dos = TextAreaField(_l("Do's"), validators=[Length(max=5_000)], render_kw={"rows": 4},
                        description=_l("What the post should show or say."))
    donts = TextAreaField(_l("Don'ts"), validators=[Length(max=5_000)], render_kw={"rows": 4},
                          description=_l("What the post must avoid."))
    drafts_need_approval = BooleanField(_l("Creators send a draft for my approval before posting"))

    def set_country_choices(self, locale: str, *, home: str, chosen=()) -> None:
        wanted = set(MARKETS) | {home} | set(chosen or ())
        self.countries.choices = options((code, name) for code, name in countries(locale) if code in wanted)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=REASON_MAX)], render_kw={"rows": 2})
