"""The forms of the conversations: lengths and characters are checked here, rules in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tellus.community.conversations.models import Status
from tellus.core.validators import no_control_characters

MESSAGE_LIMIT = 5000


def one_line(value: str) -> None:
    """A subject becomes an email's subject line: no line breaks (no header injection)."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Write the subject on one line."), code="line_break")


def _message_field(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[no_control_characters],
        help_text=help_text,
    )


class AskForm(forms.Form):
    """A question; a visitor without an account also gives the address we answer to."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send you a private link to the conversation; nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=160,
        validators=[no_control_characters, one_line],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = _message_field(
        _("Your question"), _("Plain text, up to 5,000 characters. A person on our team answers.")
    )

    def __init__(self, *args: Any, member: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member:
            del self.fields["email"]

    def clean_email(self) -> str:
        value = self.cleaned_data["email"]
        if any(ch in value for ch in "\r\n,;<>"):
            raise ValidationError(_("Enter one email address."), code="invalid")
        return str(value).strip().lower()


class ReplyForm(forms.Form):
    body = _message_field(_("Your message"))


class AnswerForm(forms.Form):
    body = _message_field(_("Answer"), _("Sent to the asker with your name, and by email."))
    status = forms.ChoiceField(
        label=_("Then the conversation is"),
        choices=[(s.value, s.label) for s in Status if s != Status.NEW],
        initial=Status.WAITING_FOR_VISITOR,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody"))] + [  # type: ignore[attr-defined]
            (p.pk, p.public_name) for p in colleagues
        ]


class FaqForm(forms.Form):
    question = forms.CharField(
        label=_("Question, as the public reads it"),
        max_length=300,
        validators=[no_control_characters, one_line],
        help_text=_("Leave out names, addresses, dates of stay: anything that says who asked."),
    )
    answer = _message_field(_("Answer, as the public reads it"))


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, validators=[no_control_characters])
    body = _message_field(_("Text"))


class ConsentForm(forms.Form):
    allowed = forms.TypedChoiceField(
        label=_("May we publish your question and our answer, without your name, as a public FAQ?"),
        choices=[("yes", _("Yes, without my name")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
