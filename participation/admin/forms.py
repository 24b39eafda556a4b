from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Email, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from participation.forms import NotBlank, choices, max_length, required


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConseilForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), NotBlank(), max_length(160)])
    description = TextAreaField(_l("Description"), validators=[max_length(5000)],
                                description=_l("Markdown: *italics*, **bold**, lists and links."))
    qpv_ids = MultiCheckboxField(_l("Quartiers prioritaires covered"), coerce=int, choices=[])
    habitants_drawn_by_lot = BooleanField(_l("The habitants collège is drawn by lot"))
    contact_email = EmailField(_l("Contact e-mail (optional)"),
                               validators=[Optional(), max_length(320),
                                           Email(message=_l("Enter a valid e-mail address."))])


COLLEGE_CHOICES = [("habitants", _l("Habitants")), ("acteurs_locaux", _l("Acteurs locaux"))]
SEAT_CHOICES = [("titulaire", _l("Titulaire")), ("suppleant", _l("Suppléant"))]
MEMBER_GENDER_CHOICES = [("", _l("Not recorded")), ("woman", _l("Woman")), ("man", _l("Man")),
                         ("other", _l("Other"))]


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of the person's account"),
                       validators=[required(), max_length(320), Email(message=_l("Enter a valid e-mail address."))],
                       description=_l("The person must have signed up on the platform first."))
    college = SelectField(_l("Collège"), choices=choices(COLLEGE_CHOICES))
    seat = SelectField(_l("Seat"), choices=choices(SEAT_CHOICES))
    gender = SelectField(_l("Gender, as recorded for the draw"), choices=choices(MEMBER_GENDER_CHOICES))
    drawn_by_lot = BooleanField(_l("Drawn by lot"))
    organisation = StringField(_l("Organisation (acteurs locaux)"), validators=[max_length(160)])
    listed_publicly = BooleanField(_l("The person agreed to be listed on the public page"))
    started_on = DateField(_l("Start of the mandate"), validators=[Optional()])


class AnimatorForm(FlaskForm):
    email = EmailField(_l("E-mail address of the animator's account"),
                       validators=[required(), max_length(320), Email(message=_l("Enter a valid e-mail address."))])


ROLE_CHOICES = [("project_lead", _l("Chef de projet")), ("admin", _l("Administrator"))]


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Platform roles"), choices=choices(ROLE_CHOICES))


class QPVImportForm(FlaskForm):
    file = FileField(_l("ANCT CSV file"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("The list published by the State: columns code_qp;lib_qp;insee_reg;lib_reg;"
                                    "insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci."))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or e-mail"), validators=[max_length(200)])
