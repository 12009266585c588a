from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...money import SUPPORTED_CURRENCIES
from ..forms import options


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


class MinimumPayoutForm(FlaskForm):
    currency = SelectField(_l("Currency"))
    amount = StringField(_l("Minimum payout per post"), validators=[DataRequired()],
                         description=_l("In the currency's main unit, e.g. 50 or 49.99. 0 removes the minimum."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = options((c, c) for c in SUPPORTED_CURRENCIES)


class AdvanceClockForm(FlaskForm):
    days = IntegerField(_l("Days"), default=1, validators=[Optional(), NumberRange(min=0, max=60)])
    hours = IntegerField(_l("Hours"), default=0, validators=[Optional(), NumberRange(min=0, max=23)])


class ScheduleSettingsForm(FlaskForm):
    """The submission schedule's knobs (bounds come from `services.settings.KNOBS`)."""

    review_days = IntegerField(_l("Days a brand has to review a verified post"),
                               validators=[DataRequired()],
                               description=_l("A verified, compliant post left unreviewed this long is approved automatically."))
    review_reminder_hours = IntegerField(_l("Remind the brand this many hours before the deadline"),
                                         validators=[DataRequired()])
    live_grace_hours = IntegerField(_l("Hours a creator has to restore a removed or broken post"),
                                    validators=[DataRequired()])


class FeesAndHoldForm(FlaskForm):
    """The money knobs (bounds come from `services.settings.KNOBS`; 0 is a valid value for both)."""

    platform_fee_basis_points = IntegerField(
        _l("Platform fee, in basis points"), validators=[InputRequired()],
        description=_l("100 basis points are 1%: 1500 is 15%. New campaigns take the fee in force when they "
                       "are created; a campaign keeps its fee."))
    payout_hold_days = IntegerField(
        _l("Days a payout waits before it can be approved"), validators=[InputRequired()],
        description=_l("Time for a dispute or a take-down to surface before money leaves. 0 means no wait."))


class CampaignActionForm(FlaskForm):
    """Pause, reopen or cancel a brand's campaign: the admin always says why."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ResolveDisputeForm(FlaskForm):
    """The decision comes from the button pressed (`decision` = uphold | overturn)."""

    resolution = TextAreaField(_l("Resolution note"), render_kw={"rows": 4, "maxlength": 2000},
                               description=_l("The creator and the brand both read it with your decision."))
