from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, NumberRange, Optional

from participation.forms import NotBlank, choices, max_length, required
from participation.workshops.labels import ACCESS_NEED_LABELS, THEME_LABELS
from participation.workshops.services import MAX_CAPACITY, MAX_COMPANIONS

ACCESS_NEED_CHOICES = [("", _l("No particular need"))] + [(need.value, label)
                                                          for need, label in ACCESS_NEED_LABELS.items()]
THEME_CHOICES = [(theme.value, label) for theme, label in THEME_LABELS.items()]
SIGNUP_CLOSE_CHOICES = [
    ("0", _l("At the start of the workshop")),
    ("60", _l("1 hour before")),
    ("120", _l("2 hours before")),
    ("360", _l("6 hours before")),
    ("720", _l("12 hours before")),
    ("1440", _l("The day before (24 hours)")),
    ("2880", _l("2 days before")),
    ("10080", _l("A week before")),
]


class CountField(IntegerField):
    """A number of people: blank means 0, anything else must be a whole number."""

    def process_formdata(self, valuelist):
        if valuelist and not str(valuelist[0]).strip():
            self.data = 0
            return
        super().process_formdata(valuelist)


def count_field(label, description=None) -> CountField:
    return CountField(
        label, default=0, description=description,
        invalid_value_message=_l("Enter a whole number, such as 0 or 2."),
        validators=[Optional(), NumberRange(min=0, max=MAX_COMPANIONS,
                                            message=_l("Enter a number between 0 and %(max)d.", max=MAX_COMPANIONS))],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_COMPANIONS},
    )


class NeedsForm(FlaskForm):
    """Companions and needs, asked of everyone (and changed later from the management link)."""

    adults = count_field(_l("Adults coming with you"))
    children = count_field(_l("Children coming with you"))
    childcare_children = count_field(_l("Of these children, how many need childcare during the workshop?"))
    interpreting_language = StringField(
        _l("I need interpreting into"), validators=[max_length(60)],
        description=_l("Write the language, for example: arabic, english, tamil."),
    )
    access_need = SelectField(_l("Accessibility need"), choices=choices(ACCESS_NEED_CHOICES), default="")
    access_details = StringField(_l("Tell the team what would help you"), validators=[max_length(300)])
    news_opt_in = BooleanField(_l("Tell me by e-mail what becomes of the conclusions of this workshop"))


class GuestRegistrationForm(NeedsForm):
    name = StringField(_l("Your name"), validators=[required(), NotBlank(), max_length(80)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(
        _l("E-mail address"),
        validators=[Optional(), max_length(320), Email(message=_l("Enter a valid e-mail address."))],
        description=_l("Give an e-mail address or a phone number (or both)."),
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    phone = TelField(_l("Phone number"), validators=[max_length(30)],
                     render_kw={"autocomplete": "tel", "inputmode": "tel"})

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            self.email.errors = [*self.email.errors, _l("Give an e-mail address or a phone number, so that the "
                                                        "team can reach you if the workshop changes.")]
            valid = False
        return valid


class WorkshopForm(FlaskForm):
    conseil_id = SelectField(_l("Conseil citoyen"), choices=[])
    title = StringField(_l("Title"), validators=[required(), NotBlank(), max_length(160)])
    theme = SelectField(_l("Theme"), choices=choices(THEME_CHOICES))
    qpv_id = SelectField(_l("Quartier concerned"), choices=[])
    description = TextAreaField(_l("Description"), validators=[max_length(5000)],
                                description=_l("Markdown: *italics*, **bold**, lists and links."))
    day = DateField(_l("Date"), validators=[required()], invalid_value_message=_l("Enter a date."))
    start_time = TimeField(_l("Start time"), validators=[required()],
                           invalid_value_message=_l("Enter a time such as 18:30."))
    end_time = TimeField(_l("End time"), validators=[required()],
                         invalid_value_message=_l("Enter a time such as 20:00."))
    place = StringField(_l("Place"), validators=[required(), NotBlank(), max_length(160)],
                        description=_l("For example: Maison du projet, community room of the school…"))
    address = StringField(_l("Address"), validators=[required(), NotBlank(), max_length(300)])
    directions = TextAreaField(_l("How to get there"), validators=[max_length(1000)],
                               description=_l("Bus or tram stop, entrance, parking."))
    capacity = IntegerField(
        _l("Number of seats"), invalid_value_message=_l("Enter a whole number."),
        validators=[required(), NumberRange(min=1, max=MAX_CAPACITY, message=_l(
            "Between %(min)d and %(max)d seats.", min=1, max=MAX_CAPACITY))],
        description=_l("Companions, children included, take a seat each."),
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CAPACITY},
    )
    signup_close_minutes = SelectField(_l("Sign-ups close"), choices=choices(SIGNUP_CLOSE_CHOICES), default="120")
    step_free_access = BooleanField(_l("Step-free access"))
    offers_childcare = BooleanField(_l("Childcare offered"))
    offers_interpreting = BooleanField(_l("Interpreting offered"))
    interpreting_languages = StringField(_l("Languages interpreted"), validators=[max_length(200)],
                                         description=_l("For example: arabic, english, turkish."))
    offers_meal = BooleanField(_l("A meal or a snack is offered"))
    accessibility_info = TextAreaField(_l("Accessibility information"), validators=[max_length(1000)],
                                       description=_l("Induction loop, adapted toilets, lift, quiet room…"))


class CancelWorkshopForm(FlaskForm):
    reason = TextAreaField(_l("Why is the workshop cancelled?"), validators=[required(), NotBlank(), max_length(2000)],
                           description=_l("Everyone registered gets this message by e-mail."))


class ConclusionsForm(FlaskForm):
    conclusions = TextAreaField(_l("Conclusions of the workshop"),
                                validators=[required(), NotBlank(), max_length(20000)],
                                description=_l("What residents said and proposed. Markdown: *italics*, **bold**, "
                                               "lists and links."))


class LostLinkForm(FlaskForm):
    email = EmailField(
        _l("E-mail address given at sign-up"),
        validators=[required(), max_length(320), Email(message=_l("Enter a valid e-mail address."))],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
