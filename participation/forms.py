"""Validators and helpers shared by the forms of every capability."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def length_between(low: int, high: int) -> Length:
    return Length(min=low, max=high, message=_l("Between %(min)d and %(max)d characters.", min=low, max=high))


class NotBlank:
    """Refuses a value made only of spaces (DataRequired lets them through on some fields)."""

    def __init__(self) -> None:
        self.message = _l("This field is required.")

    def __call__(self, form, field) -> None:
        if field.data is None or not str(field.data).strip():
            raise ValidationError(self.message)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the ``SelectChoice`` objects WTForms 3.3+ expects."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
