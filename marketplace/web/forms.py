"""Form helpers shared by every blueprint."""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..errors import NotAllowed


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form: FlaskForm, error: NotAllowed) -> None:
    """Put a service's refusal on the field it concerns, or on the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def posted(form: FlaskForm, name: str) -> bool:
    """For pages with several forms: was *this* one submitted (hidden `form=<name>`) and valid?"""
    return request.method == "POST" and request.form.get("form") == name and form.validate()


MAX_PAGE = 10_000


def page_arg() -> int:
    """`?page=` as a page number: junk is page 1, absurd numbers are capped (never a DB overflow)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
