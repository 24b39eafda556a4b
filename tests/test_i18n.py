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


def test_values_made_once_per_language_and_name_and_all_made_again_past_the_limit(app, monkeypatch):
    from flask_babel import gettext

    from participation import i18n

    made: list[tuple[str, str]] = []

    def label(name: str, language: str) -> str:
        with app.test_request_context("/", headers={"Accept-Language": language}):
            refresh()
            return i18n.per_language(name, lambda: made.append((name, language)) or gettext("Reply"))

    assert [label("reply", "fr"), label("reply", "fr"), label("reply", "en"), label("reply", "en")] == [
        "Répondre", "Répondre", "Reply", "Reply"]
    assert made == [("reply", "fr"), ("reply", "en")]
    monkeypatch.setattr(i18n, "PER_LANGUAGE_MAX", 3)
    label("other", "fr")
    label("third", "fr")  # the fourth value: all are forgotten, then it is kept
    assert app.extensions[i18n.PER_LANGUAGE_KEY] == {("third", "fr"): "Répondre"}
    assert label("reply", "fr") == "Répondre" and made[-1] == ("reply", "fr")
