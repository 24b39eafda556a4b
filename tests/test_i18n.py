"""Languages of the messages that come from the libraries."""

from __future__ import annotations

from babel import support
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired


class AgeForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(validators=[InputRequired()])
    age = IntegerField()


def _errors(app, language: str) -> dict[str, list[str]]:
    with app.test_request_context("/", method="POST", data={"age": "douze"},
                                  headers={"Accept-Language": language}):
        refresh()  # the test's app context outlives each request: forget the previous request's language
        form = AgeForm()
        assert not form.validate()
        return form.errors


def test_wtforms_own_messages_follow_the_language_of_each_request(app):
    french = support.Translations.load(messages_path(), ["fr"], domain="wtforms")

    in_french, in_english, again_in_french = _errors(app, "fr"), _errors(app, "en"), _errors(app, "fr")

    assert in_english == {"name": ["This field is required."], "age": ["Not a valid integer value."]}
    assert in_french == again_in_french == {"name": [french.ugettext("This field is required.")],
                                            "age": [french.ugettext("Not a valid integer value.")]}
    assert in_french["name"] != in_english["name"]
