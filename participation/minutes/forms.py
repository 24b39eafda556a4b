"""Forms of meetings and minutes. Rules that need the database are checked by the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from participation.forms import NotBlank, choices, max_length, required
from participation.minutes.models import (
    ActionStatus,
    ApprovalMode,
    AttendanceStatus,
    DecisionKind,
    MeetingKind,
    PublicName,
    QuorumBasis,
)

MARKDOWN_HINT = _l("Markdown: *italics*, **bold**, lists starting with “-”, links.")


def _enum_choices(enum_class) -> list:
    """Choices labelled in the reader's language: call it when the form is built, inside the request."""
    from participation.minutes.labels import label

    return choices((member.value, label(member)) for member in enum_class)


def reason_field(label=None) -> TextAreaField:
    return TextAreaField(
        label or _l("Reason for the change"), validators=[max_length(2000)],
        description=_l("Needed to correct published minutes; it is shown with the correction."),
        render_kw={"rows": 2},
    )


class RuleForm(FlaskForm):
    quorum_basis = RadioField(_l("The quorum counts"), choices=[], validators=[InputRequired(_l("Choose one."))])
    quorum_percent = IntegerField(
        _l("Share of them who must be present, in percent"),
        validators=[InputRequired(_l("This field is required.")),
                    NumberRange(min=1, max=100, message=_l("Give a percentage between 1 and 100."))],
        description=_l("Rounded up: with 15 titulaires and 50, at least 8 must be present. Only plenary meetings "
                            "need a quorum."),
        render_kw={"inputmode": "numeric"},
    )
    review_days = IntegerField(
        _l("Days members have to review draft minutes"),
        validators=[InputRequired(_l("This field is required.")),
                    NumberRange(min=1, max=90, message=_l("Give between 1 and 90 days."))],
        render_kw={"inputmode": "numeric"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.quorum_basis.choices = _enum_choices(QuorumBasis)


class MeetingForm(FlaskForm):
    conseil_id = SelectField(_l("Conseil citoyen"), coerce=int, choices=[])
    kind = SelectField(_l("Kind of meeting"), choices=[])
    title = StringField(_l("Title"), validators=[required(), NotBlank(), max_length(200)],
                        description=_l("For example “Plénière du 3 mars 2026”."))
    starts_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Give the date and time of the meeting."))])
    place = StringField(_l("Place"), validators=[max_length(200)])
    agenda = TextAreaField(_l("Agenda"), validators=[required(), max_length(8000)],
                           description=_l("One item per line. Each item becomes a section of the minutes."),
                           render_kw={"rows": 6})
    workshop_id = IntegerField(_l("Number of the linked workshop on the platform"),
                               validators=[Optional(), NumberRange(min=1, message=_l("Give a workshop number."))],
                               render_kw={"inputmode": "numeric"})
    reason = reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _enum_choices(MeetingKind)


def attendance_form_class(memberships, names: dict[int, str]):
    """A form with one present / excused / absent choice per member (built for the meeting's members)."""

    class AttendanceForm(FlaskForm):
        other_attendees = IntegerField(
            _l("Other people present (residents, partners, staff)"),
            validators=[InputRequired(_l("Give a number, 0 or more.")),
                        NumberRange(min=0, max=10000, message=_l("Give a number, 0 or more."))],
            description=_l("Counted, never named."), render_kw={"inputmode": "numeric"},
        )
        reason = reason_field()

    for membership in memberships:
        setattr(AttendanceForm, f"member_{membership.id}", RadioField(
            names.get(membership.id, "?"), choices=_enum_choices(AttendanceStatus), default="absent",
            validators=[InputRequired(_l("Choose present, excused or absent."))],
        ))
    return AttendanceForm


def sections_form_class(items):
    """A form with one Markdown text per agenda item, and the revision the author started from."""

    class SectionsForm(FlaskForm):
        base = HiddenField()
        reason = reason_field()

    for number, item in enumerate(items, start=1):
        setattr(SectionsForm, f"item_{item.id}", TextAreaField(
            f"{number}. {item.title}", validators=[max_length(50_000)], description=MARKDOWN_HINT,
            render_kw={"rows": 8},
        ))
    return SectionsForm


def _optional_count(label) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, message=_l("Give a number, 0 or more."))],
                        render_kw={"inputmode": "numeric"})


class DecisionForm(FlaskForm):
    kind = RadioField(_l("This is"), choices=[], default="decision",
                      validators=[InputRequired(_l("Choose one."))])
    agenda_item_id = SelectField(_l("Agenda item"), choices=[])
    text = TextAreaField(_l("Decision or opinion"), validators=[required(), max_length(20_000)],
                         description=MARKDOWN_HINT, render_kw={"rows": 4})
    majority_position = TextAreaField(_l("Majority position"), validators=[max_length(20_000)],
                                      description=_l("What most members said, and why."), render_kw={"rows": 3})
    unanimous = BooleanField(_l("Unanimous: there was no dissenting view"))
    dissenting_views = TextAreaField(
        _l("Dissenting views"), validators=[max_length(20_000)],
        description=_l("The conseil's rules require them to be recorded: needed unless the decision is unanimous."),
        render_kw={"rows": 3},
    )
    votes_for = _optional_count(_l("Votes for"))
    votes_against = _optional_count(_l("Votes against"))
    abstentions = _optional_count(_l("Abstentions"))
    reason = reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _enum_choices(DecisionKind)


class ActionForm(FlaskForm):
    what = TextAreaField(_l("What is to be done"), validators=[required(), max_length(2000)], render_kw={"rows": 2})
    who = StringField(_l("Who does it"), validators=[required(), NotBlank(), max_length(200)],
                      description=_l("A person, a service or an organisation."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[])
    reason = reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _enum_choices(ActionStatus)


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = _enum_choices(ActionStatus)


class RedactionForm(FlaskForm):
    target = SelectField(_l("Part of the minutes"), choices=[])
    passage = TextAreaField(_l("Passage to hide"), validators=[required(), max_length(5000)],
                            description=_l("Copy it exactly as written in the minutes."), render_kw={"rows": 3})
    reason = TextAreaField(_l("Reason"), validators=[required(), NotBlank(), max_length(2000)],
                           description=_l("Shown to the public next to the hidden passage."), render_kw={"rows": 2})


class LiftRedactionForm(FlaskForm):
    reason = StringField(_l("Reason for showing it again"), validators=[required(), NotBlank(), max_length(2000)])


class CommentForm(FlaskForm):
    target = SelectField(_l("About"), choices=[], validators=[InputRequired(_l("Choose a part of these minutes."))])
    body = TextAreaField(_l("Your comment"), validators=[max_length(5000)], render_kw={"rows": 4})
    proposed_text = TextAreaField(
        _l("Proposed wording"), validators=[max_length(50_000)],
        description=_l("The whole text as you would write it; the animator can put it in place of the current one."),
        render_kw={"rows": 6},
    )


class ApprovalForm(FlaskForm):
    mode = RadioField(_l("How were the minutes approved?"), choices=[],
                      validators=[InputRequired(_l("Choose how the minutes were approved."))])
    approval_meeting_id = SelectField(_l("Meeting at which they were approved"), coerce=str, choices=[])
    note = TextAreaField(_l("Note"), validators=[max_length(2000)],
                         description=_l("For example the result of the vote."), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = _enum_choices(ApprovalMode)


class NameChoiceForm(FlaskForm):
    show = RadioField(_l("How your name appears in published minutes"), choices=[],
                      validators=[InputRequired(_l("Choose one."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.show.choices = _enum_choices(PublicName)
