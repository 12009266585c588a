from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

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
