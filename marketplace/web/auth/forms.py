"""Forms for signing up, signing in and managing passwords."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ...catalog import LANGUAGES, NICHES, countries
from ...money import SUPPORTED_CURRENCIES
from ...passwords import MAX_LENGTH, MIN_LENGTH
from ..forms import MultiCheckboxField, options

PASSWORD_HELP = _l("At least %(n)d characters. A short sentence is easy to remember.", n=MIN_LENGTH)


def _email(label=_l("E-mail")):
    return EmailField(label, validators=[DataRequired(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
                      render_kw={"autocomplete": "email"})


def _new_password(label=_l("Password")):
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_LENGTH)],
                         render_kw={"autocomplete": "new-password"}, description=PASSWORD_HELP)


class CountryChoicesMixin:
    def set_country_choices(self, locale: str) -> None:
        self.country.choices = options([("", _l("Choose a country…")), *countries(locale)])


class LoginForm(FlaskForm):
    email = _email()
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class BrandSignupForm(CountryChoicesMixin, FlaskForm):
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)],
                               render_kw={"autocomplete": "organization"})
    email = _email(_l("Work e-mail"))
    password = _new_password()
    country = SelectField(_l("Country"), validators=[DataRequired(message=_l("Choose a country."))])
    default_currency = SelectField(
        _l("Default currency"), choices=options((c, c) for c in SUPPORTED_CURRENCIES),
        description=_l("Campaign budgets and payouts start in this currency; you can change it per campaign."),
    )


class CreatorSignupForm(CountryChoicesMixin, FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)],
                               description=_l("How brands will see you, e.g. your creator name."))
    email = _email()
    password = _new_password()
    country = SelectField(_l("Country"), validators=[DataRequired(message=_l("Choose a country."))])
    niches = MultiCheckboxField(_l("Your niches"), choices=options(NICHES.items()),
                                description=_l("Pick the topics you post about; we match campaigns to them."))


class ForgotPasswordForm(FlaskForm):
    email = _email()


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=options(LANGUAGES.items()))
