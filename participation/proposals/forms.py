from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from participation.forms import NotBlank, choices, length_between, max_length, required
from participation.proposals.models import Phase, Theme

THEME_LABELS = {
    Theme.living_environment: _l("Living environment and housing"),
    Theme.safety: _l("Safety and peace"),
    Theme.youth: _l("Youth"),
    Theme.education: _l("Education and homework help"),
    Theme.employment: _l("Employment and economic life"),
    Theme.health: _l("Health"),
    Theme.culture_sport: _l("Culture and sport"),
    Theme.solidarity: _l("Solidarity and community life"),
    Theme.transport: _l("Transport and getting around"),
    Theme.nature: _l("Nature, gardens and environment"),
}

PHASE_LABELS = {
    Phase.collecting: _l("Collecting proposals (residents propose and support)"),
    Phase.supporting: _l("Supporting only (no new proposals)"),
    Phase.closed: _l("Closed (no new proposals, no supports)"),
}

def number_required() -> InputRequired:
    # DataRequired would refuse 0, a valid number here.
    return InputRequired(message=_l("This field is required."))


MARKDOWN_HINT = _l("You can write *italics*, **bold**, lists and links.")


def theme_choices(empty_label=None):
    pairs = [(theme.value, label) for theme, label in THEME_LABELS.items()]
    if empty_label is not None:
        pairs.insert(0, ("", empty_label))
    return choices(pairs)


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[required(), NotBlank(), length_between(5, 140)],
        description=_l("In a few words, what do you propose? For example: “Benches along the Mail des Tilleuls”."),
    )
    body = TextAreaField(
        _l("Your proposal"), validators=[required(), NotBlank(), max_length(5000)],
        description=_l("What, where, for whom, and why it matters. You can write *italics*, **bold**, lists and "
                       "links."),
        render_kw={"rows": 8},
    )
    where = SelectField(_l("Quartier"), choices=[], validate_choice=False,
                        description=_l("The quartier prioritaire the proposal is about."))
    theme = SelectField(_l("Theme"), choices=theme_choices())
    place = StringField(_l("Address or place (optional)"), validators=[max_length(200)],
                        description=_l("For example: “in front of the school Jules-Ferry” or “12 rue des Lilas”."),
                        render_kw={"autocomplete": "off"})
    photo = FileField(_l("Photo (optional)"),
                      render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    photo_alt = StringField(_l("What the photo shows (optional)"), validators=[max_length(200)],
                            description=_l("A short description for people who cannot see it."))
    photo_token = HiddenField()
    remove_photo = BooleanField(_l("Remove the photo"))
    previewed = HiddenField()

    def validate_where(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a quartier from the list."))

    def validate_theme(self, field) -> None:
        if field.data not in {theme.value for theme in Theme}:
            raise ValidationError(_l("Choose a theme from the list."))


class AssistedProposalForm(ProposalForm):
    resident_name = StringField(
        _l("Name or initials of the resident"), validators=[required(), NotBlank(), max_length(80)],
        description=_l("As the resident wants it shown, for example “Mme K.” or “Awa, 15 ans”."),
        render_kw={"autocomplete": "off"},
    )
    consent = BooleanField(
        _l("The resident agreed that I enter this proposal for them and that it is published with this name"),
        validators=[required()],
    )


class AssistedSupportForm(FlaskForm):
    resident_name = StringField(_l("Name or initials of the resident"),
                                validators=[required(), NotBlank(), max_length(80)],
                                render_kw={"autocomplete": "off"})
    consent = BooleanField(_l("The resident agreed that I record their support"), validators=[required()])


class SupportForm(FlaskForm):
    """The support button: only the CSRF token and where to come back to in the list."""

    next = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[required(), NotBlank(), max_length(3000)],
                         description=MARKDOWN_HINT, render_kw={"rows": 4})
    parent_id = HiddenField()


REPORT_REASON_CHOICES = [
    ("insult", _l("Insults or harassment")),
    ("hate", _l("Hatred or discrimination")),
    ("personal_data", _l("Personal information about someone")),
    ("spam", _l("Advertising or spam")),
    ("off_topic", _l("Nothing to do with the quartier")),
    ("misinformation", _l("False information")),
    ("other", _l("Another reason")),
]


class ReportForm(FlaskForm):
    reason = RadioField(_l("Why are you reporting it?"), choices=choices(REPORT_REASON_CHOICES),
                        validators=[required()])
    details = TextAreaField(_l("Details (optional)"), validators=[max_length(1000)],
                            description=_l("What the team of the conseil should know. Only they will read it."),
                            render_kw={"rows": 3})


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[max_length(2000)],
                           description=_l("Mandatory for “not retained”; sent to the people who took part."),
                           render_kw={"rows": 3})
    merged_into = IntegerField(_l("Number of the proposal it is merged into"),
                               validators=[Optional(), NumberRange(min=1, message=_l("Enter a proposal number."))],
                               description=_l("Only for “merged into another”: the number at the end of its "
                                              "address."),
                               render_kw={"inputmode": "numeric"})


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Official answer"), validators=[required(), NotBlank(), max_length(5000)],
                           description=MARKDOWN_HINT, render_kw={"rows": 6})


class SettingsForm(FlaskForm):
    phase = RadioField(_l("Phase"), choices=choices((phase.value, label) for phase, label in PHASE_LABELS.items()),
                       validators=[required()])
    support_threshold = IntegerField(
        _l("Support threshold"),
        validators=[number_required(), NumberRange(min=1, max=100000, message=_l("Between 1 and 100,000."))],
        description=_l("Reaching it marks the proposal “to be examined by the conseil” and tells the animators."),
        render_kw={"inputmode": "numeric"},
    )
    max_supports_per_person = IntegerField(
        _l("Supports per person (optional)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Between 1 and 1,000."))],
        description=_l("Leave empty for no limit."), render_kw={"inputmode": "numeric"},
    )
    edit_window_hours = IntegerField(
        _l("Hours during which the author may edit"),
        validators=[number_required(), NumberRange(min=0, max=720, message=_l("Between 0 and 720 hours."))],
        description=_l("Only until the first support, in any case."), render_kw={"inputmode": "numeric"},
    )
    pre_moderation = BooleanField(_l("Pre-moderation: new proposals wait for an animator's approval"))
    auto_hide_threshold = IntegerField(
        _l("Hide content reported by this many people until it is reviewed"),
        validators=[number_required(), NumberRange(min=1, max=100, message=_l("Between 1 and 100."))],
        render_kw={"inputmode": "numeric"},
    )
