from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from participation.forms import NotBlank, choices, max_length, required

PILLAR_CHOICES = [
    ("", _l("None")),
    ("cohesion_sociale", _l("Cohésion sociale")),
    ("cadre_de_vie", _l("Cadre de vie et renouvellement urbain")),
    ("developpement_economique", _l("Développement économique et emploi")),
]


def _year(label):
    return IntegerField(label, validators=[required(), NumberRange(min=2000, max=2100,
                                                                   message=_l("A year between 2000 and 2100."))])


class ContractForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), NotBlank(), max_length(300)])
    starts_year = _year(_l("First year"))
    ends_year = _year(_l("Last year"))
    signatories = TextAreaField(_l("Signatories"), validators=[max_length(5000)],
                                description=_l("One signatory per line."))
    description = TextAreaField(_l("Presentation"), validators=[max_length(10000)],
                                description=_l("Markdown: *italics*, **bold**, lists and links."))

    def validate_ends_year(self, field) -> None:
        if self.starts_year.data and field.data and field.data < self.starts_year.data:
            raise ValidationError(_l("The period must end after it starts."))


class NodeForm(FlaskForm):
    parent_id = SelectField(_l("Place in the contract"), choices=[], validate_choice=False)
    code = StringField(_l("Code"), validators=[max_length(20)],
                       description=_l("Leave empty to number it after the level above (1, 1.2, 1.2.3…)."))
    title = StringField(_l("Title"), validators=[required(), NotBlank(), max_length(300)])
    description = TextAreaField(_l("Description"), validators=[max_length(5000)])
    pillar = SelectField(_l("Pilier (2015–2023 contracts)"), choices=choices(PILLAR_CHOICES), default="")
    youth = BooleanField(_l("Transversal priority: jeunesse"))
    gender_equality = BooleanField(_l("Transversal priority: égalité femmes-hommes"))
    anti_discrimination = BooleanField(_l("Transversal priority: lutte contre les discriminations"))


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired(message=_l("Choose a file."))])


class ContributionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Words in the title"), validators=[max_length(200)])
    conseil = SelectField(_l("Conseil citoyen"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    node = SelectField(_l("Part of the contract"), choices=[], validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[max_length(5000)],
                           description=_l("Mandatory when it is not retained; shown on the public page."))
    merged_into = IntegerField(_l("Number of the contribution it is merged into"), validators=[Optional()])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Official answer"), validators=[required(), NotBlank(), max_length(10000)],
                           description=_l("Markdown: *italics*, **bold**, lists and links."))


class LinkForm(FlaskForm):
    node_id = SelectField(_l("Part of the contract"), choices=[], coerce=int, validate_choice=False)


EVENT_KIND_CHOICES = [
    ("discussed", _l("Discussed at a meeting")),
    ("opinion", _l("Opinion of a body (conseil, comité de pilotage…)")),
    ("implemented", _l("Implemented")),
    ("note", _l("Note")),
]


class EventForm(FlaskForm):
    kind = SelectField(_l("What happened"), choices=choices(EVENT_KIND_CHOICES))
    occurred_on = DateField(_l("Date"), validators=[required()])
    actor_label = StringField(_l("Who (a body, a meeting)"), validators=[max_length(200)],
                              description=_l("For example: Comité de pilotage du 3 mars. Leave empty for yourself."))
    text = TextAreaField(_l("What to say"), validators=[required(), NotBlank(), max_length(5000)])
    link_url = StringField(_l("Link to a document"), validators=[Optional(), max_length(500)])
    link_label = StringField(_l("Name of the document"), validators=[max_length(300)])

    def validate_link_url(self, field) -> None:
        if field.data and not (field.data.startswith("https://") or field.data.startswith("http://")
                               or field.data.startswith("/")):
            raise ValidationError(_l("Give an address starting with https://."))


class CorrectionForm(FlaskForm):
    event_id = SelectField(_l("Entry to correct"), choices=[], coerce=int, validate_choice=False)
    text = TextAreaField(_l("Correction"), validators=[required(), NotBlank(), max_length(5000)])


class RoundForm(FlaskForm):
    year = _year(_l("Year of the report"))
    deadline = DateField(_l("Deadline for the opinions"), validators=[required()],
                         description=_l("At least 30 days from today. Silence counts as a favourable opinion."))
    draft_url = StringField(_l("Link to the draft report"), validators=[Optional(), max_length(500)])
    draft_text = TextAreaField(_l("What the conseils are asked"), validators=[max_length(10000)])


POSITION_CHOICES = [
    ("favourable", _l("Favourable")),
    ("reserved", _l("Favourable with reservations")),
    ("unfavourable", _l("Unfavourable")),
]


class OpinionForm(FlaskForm):
    position = SelectField(_l("Position of the majority"), choices=choices(POSITION_CHOICES))
    majority_text = TextAreaField(_l("Opinion of the majority"), validators=[required(), NotBlank(),
                                                                            max_length(20000)])
    dissenting_views = TextAreaField(_l("Dissenting views"), validators=[max_length(20000)],
                                     description=_l("What the members who disagreed said."))
    observations = TextAreaField(_l("Observations"), validators=[max_length(20000)],
                                 description=_l("One observation per paragraph (leave a blank line between two). "
                                                "Each gets its own follow-up."))
    minutes = SelectField(_l("Approved minutes it comes from"), choices=[], validate_choice=False)


class FollowUpForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[])
    text = TextAreaField(_l("Follow-up given"), validators=[required(), NotBlank(), max_length(10000)])
