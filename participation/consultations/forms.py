"""Forms of the back office (building a consultation, synthesis, hiding an answer) and of the last answer page.

The questions themselves are read by ``answers.read_page`` (their fields depend on the questionnaire).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, Optional

from participation.forms import NotBlank, choices, max_length, required

AUDIENCE_CHOICES = [
    ("anyone", _l("Anyone")),
    ("residents", _l("Signed-in residents")),
    ("members", _l("Members of the conseil citoyen")),
]
KIND_CHOICES = [
    ("single_choice", _l("Single choice")),
    ("multiple_choice", _l("Multiple choice")),
    ("yes_no", _l("Yes or no")),
    ("scale", _l("Scale")),
    ("short_text", _l("Short text")),
    ("long_text", _l("Long text")),
    ("ranking", _l("Ranking")),
]
SCALE_CHOICES = [("1-5", _l("From 1 to 5")), ("0-10", _l("From 0 to 10"))]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ConsultationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), NotBlank(), max_length(200)])
    intro = TextAreaField(_l("Introduction"), validators=[max_length(20000)],
                          description=_l("Why you ask, what will be done with the answers. Markdown: *italics*, "
                                         "**bold**, lists and links."))
    intro_falc = TextAreaField(
        _l("Easy-to-read introduction (FALC)"), validators=[max_length(20000)],
        description=_l("Short sentences, everyday words, one idea per sentence. Residents can choose this "
                       "version."))
    conseil_id = SelectField(_l("Conseil citoyen"), choices=[])
    qpv_id = SelectField(_l("Quartier concerned"), choices=[])
    opens_at = DateTimeLocalField(_l("Opening"), format=DATETIME_FORMAT, validators=[Optional()],
                                  description=_l("Paris time. Leave empty to open it when you press “Open”."))
    closes_at = DateTimeLocalField(_l("Closing"), format=DATETIME_FORMAT, validators=[Optional()],
                                   description=_l("Paris time. Leave empty to close it by hand."))
    audience = RadioField(_l("Who may answer"), choices=choices(AUDIENCE_CHOICES), default="anyone")
    anonymous_allowed = BooleanField(
        _l("People without an account may answer too"),
        description=_l("Only when anyone may answer. Their answers are counted apart."))
    results_while_open = BooleanField(_l("Show the results while the consultation is open"))


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of question"), choices=choices(KIND_CHOICES))
    text = TextAreaField(_l("Question"), validators=[required(), NotBlank(), max_length(500)],
                         render_kw={"rows": 2})
    falc_text = TextAreaField(_l("Easy-to-read version of the question (FALC)"), validators=[max_length(2000)],
                              render_kw={"rows": 2})
    required = BooleanField(_l("An answer is required"))
    section_id = SelectField(_l("Page"), choices=[])
    options = TextAreaField(
        _l("Options, one per line"), validators=[max_length(10000)], render_kw={"rows": 5},
        description=_l("For single and multiple choice and for ranking questions."))
    allow_other = BooleanField(_l("Offer “Other, say what”"),
                               description=_l("For single and multiple choice questions."))
    max_choices = IntegerField(
        _l("Maximum number of choices"),
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("Between 1 and 50."))],
        description=_l("For multiple choice questions; leave empty for no maximum."))
    scale = SelectField(_l("Scale"), choices=choices(SCALE_CHOICES), description=_l("For scale questions."))
    scale_min_label = StringField(_l("Label of the lowest value"), validators=[max_length(100)],
                                  description=_l("For example “Not at all”."))
    scale_max_label = StringField(_l("Label of the highest value"), validators=[max_length(100)],
                                  description=_l("For example “Completely”."))


class SectionForm(FlaskForm):
    title = StringField(_l("Title of the page"), validators=[max_length(200)])


class SynthesisForm(FlaskForm):
    synthesis = TextAreaField(
        _l("Synthesis"), validators=[max_length(50000)], render_kw={"rows": 14},
        description=_l("What residents said, the main figures, the disagreements, and what happens next. "
                       "Markdown: *italics*, **bold**, lists and links."))


class HideAnswerForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), NotBlank(), max_length(1000)],
                           description=_l("For example: the answer names a neighbour. The reason is logged."))


class RespondentForm(FlaskForm):
    """The last page: the quartier the person lives in (for the results by quartier), an e-mail if anonymous."""

    qpv_id = SelectField(_l("The quartier where you live"), choices=[],
                         description=_l("Optional: it lets the results be read quartier by quartier."))
    contact_email = EmailField(
        _l("Your e-mail address, to be told when the synthesis is published"),
        validators=[Optional(), max_length(320), Email(message=_l("Enter a valid e-mail address."))],
        description=_l("Optional. It is used only for this and never shown."),
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"})
