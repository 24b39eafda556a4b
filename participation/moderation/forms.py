from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField

from participation.forms import NotBlank, choices, max_length, required


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[max_length(2000)],
        description=_l("Sent to the author with the decision. Mandatory to hide or restore."),
        render_kw={"rows": 3},
    )


class ReviewForm(FlaskForm):
    outcome = RadioField(_l("Decision after the second review"), validators=[required()], choices=choices([
        ("grant", _l("Restore the content (the appeal is granted)")),
        ("uphold", _l("Keep it hidden (the decision is upheld)")),
    ]))
    reason = TextAreaField(_l("Reason"), validators=[required(), NotBlank(), max_length(2000)],
                           description=_l("Sent to the author."), render_kw={"rows": 3})


class AppealForm(FlaskForm):
    text = TextAreaField(
        _l("Why should the decision be reviewed?"), validators=[required(), NotBlank(), max_length(2000)],
        description=_l("Another animator or the chef de projet will read it. You can ask only once."),
        render_kw={"rows": 5},
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    conseil = SelectField(_l("Conseil citoyen"), choices=[], validate_choice=False)
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
