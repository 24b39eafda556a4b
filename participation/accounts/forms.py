from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, NumberRange, Optional, ValidationError

from participation.accounts.services import MIN_PASSWORD_LENGTH
from participation.forms import NotBlank, choices, length_between, max_length, required
from participation.i18n import LANGUAGE_CHOICES


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[required(), max_length(320), Email(message=_l("Enter a valid e-mail address."))],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[required(), length_between(MIN_PASSWORD_LENGTH, 200)],
        description=_l("At least %(min)d characters. A short sentence is easy to remember.",
                       min=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


class SignUpForm(FlaskForm):
    display_name = StringField(
        _l("Name shown on the platform"),
        validators=[required(), NotBlank(), max_length(80)],
        description=_l("Your first name, initials or a nickname: it is shown next to what you write."),
        render_kw={"autocomplete": "nickname"},
    )
    email = email_field()
    password = new_password_field()
    accept_terms = BooleanField(
        _l("I have read how my personal data is used"),
        validators=[required()],
    )


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Stay signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password, again"),
        validators=[required(), EqualTo("password", message=_l("The two passwords are different."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[required(), max_length(200)],
                                     render_kw={"autocomplete": "current-password"})


GENDER_CHOICES = [("", _l("I prefer not to say")), ("woman", _l("Woman")), ("man", _l("Man")),
                  ("other", _l("Other"))]


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown on the platform"), validators=[required(), NotBlank(), max_length(80)],
        render_kw={"autocomplete": "nickname"},
    )
    locale = SelectField(_l("Language"), choices=choices(LANGUAGE_CHOICES))
    qpv_id = SelectField(_l("Quartier where you live (optional)"), coerce=str, choices=[],
                         description=_l("Only used to count participation per quartier."))
    gender = SelectField(_l("Gender (optional)"), choices=choices(GENDER_CHOICES),
                         description=_l("Only used for anonymous statistics, never shown."))
    birth_year = IntegerField(_l("Year of birth (optional)"),
                              validators=[Optional(), NumberRange(min=1900, max=2100,
                                                                  message=_l("Enter a year such as 1985."))],
                              description=_l("Only used for anonymous statistics by age group, never shown."),
                              render_kw={"inputmode": "numeric"})
    notify_by_email = BooleanField(_l("Send me an e-mail when something I took part in changes"))

    def validate_qpv_id(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a quartier from the list."))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[required(), max_length(200)],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that my account and personal data will be erased"),
                           validators=[required()])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""
