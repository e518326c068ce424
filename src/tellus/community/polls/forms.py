"""The staff form that opens a poll, and the ballot a member fills in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.community.polls.models import MAX_OPTIONS, MIN_OPTIONS, Kind, Poll, ShowResults
from tellus.community.polls.services import PollDetails
from tellus.core.validators import no_control_characters
from tellus.engagement.models import Initiative


class PollForm(forms.Form):
    """A new poll: the question, one option per line, how many choices, and when it closes."""

    question = forms.CharField(
        label=_("Question"), max_length=300, validators=[no_control_characters]
    )
    description = forms.CharField(
        label=_("A few words of context (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )
    options = forms.CharField(
        label=_("Options, one per line"),
        max_length=MAX_OPTIONS * 201,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[no_control_characters],
        help_text=_("From 2 to 12 options, each up to 200 characters."),
    )
    kind = forms.ChoiceField(
        label=_("Answers"), choices=Kind.choices, initial=Kind.SINGLE, widget=forms.RadioSelect
    )
    max_choices = forms.IntegerField(
        label=_("At most this many choices (several choices only)"),
        min_value=1,
        max_value=MAX_OPTIONS,
        initial=2,
        required=False,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    show_results = forms.ChoiceField(
        label=_("Results shown"),
        choices=ShowResults.choices,
        initial=ShowResults.AFTER_VOTE,
        widget=forms.RadioSelect,
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative it belongs to"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["initiative"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Initiative.objects.order_by("name")

    def clean_options(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["options"].splitlines()]
        lines = [line for line in lines if line]
        if not MIN_OPTIONS <= len(lines) <= MAX_OPTIONS:
            raise forms.ValidationError(
                _("Give from %(min)d to %(max)d options, one per line; you gave %(count)d.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS, "count": len(lines)}
            )
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("An option has at most 200 characters."))
        return lines

    def details(self) -> PollDetails:
        data = self.cleaned_data
        return PollDetails(
            question=data["question"],
            description=data["description"],
            options=data["options"],
            kind=data["kind"],
            max_choices=(data["max_choices"] or 1) if data["kind"] == Kind.MULTIPLE else 1,
            closes_at=data["closes_at"],
            show_results=data["show_results"],
            initiative=data["initiative"],
        )


class BallotForm(forms.Form):
    """A member's vote: radio buttons for one choice, checkboxes for several."""

    def __init__(self, *args: Any, poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(option.pk, option.text) for option in poll.options.all()]
        field: forms.Field
        if poll.kind == Kind.SINGLE:
            field = forms.TypedChoiceField(
                label=poll.question,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an option."),
                    "invalid_choice": _("Choose among this poll's options."),
                },
            )
        else:
            field = forms.TypedMultipleChoiceField(
                label=poll.question,
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose an option."),
                    "invalid_choice": _("Choose among this poll's options."),
                },
            )
        self.fields["options"] = field

    def option_ids(self) -> list[int]:
        chosen = self.cleaned_data["options"]
        return list(chosen) if isinstance(chosen, list) else [chosen]
