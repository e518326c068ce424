from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.core.validators import no_control_characters
from tellus.engagement.models import Initiative
from tellus.ideas import queries
from tellus.ideas.models import Idea, Status
from tellus.ideas.services import ANSWER_STATUSES, IdeaDetails
from tellus.people.models import ConsentPurpose, Person


class IdeaForm(forms.Form):
    """A member's new idea; their own published photos are offered to illustrate it."""

    title = forms.CharField(
        label=_("Your idea in a few words"),
        max_length=160,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Describe it"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[no_control_characters],
        help_text=_("What would visitors do, see or taste? Plain text, up to 5,000 characters."),
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=queries.places(),
        required=False,
        to_field_name="slug",
        empty_label=_("Anywhere on the island"),
    )
    season = forms.ChoiceField(
        label=_("Season"), choices=Idea.Season.choices, initial=Idea.Season.ALL_YEAR
    )
    audience = forms.ChoiceField(
        label=_("Who it is for"), choices=Idea.Audience.choices, initial=Idea.Audience.EVERYONE
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative it answers"),
        queryset=Initiative.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("None"),
    )
    photos = forms.TypedMultipleChoiceField(
        label=_("Your photos that show it (optional)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consents = forms.MultipleChoiceField(
        label=_("Where the destination may show it"),
        choices=[(ConsentPurpose.WEBSITE.value, _("On the website, with my name"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[ConsentPurpose.WEBSITE],
        help_text=_("Without it, only the destination's staff read your idea."),
    )

    def __init__(self, *args: Any, member: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        photos = queries.own_public_photos(member)[:24]
        self.fields["photos"].choices = [(p.pk, p.title) for p in photos]  # type: ignore[attr-defined]
        if not self.fields["photos"].choices:  # type: ignore[attr-defined]
            del self.fields["photos"]
        self.fields["place"].queryset = queries.places()  # type: ignore[attr-defined]
        initiatives = queries.idea_initiatives()
        if initiatives.exists():
            self.fields["initiative"].queryset = initiatives  # type: ignore[attr-defined]
        else:
            del self.fields["initiative"]

    def details(self) -> IdeaDetails:
        data = self.cleaned_data
        return IdeaDetails(
            title=data["title"].strip(),
            description=data["description"].strip(),
            place=data.get("place"),
            season=data["season"],
            audience=data["audience"],
            photo_ids=tuple(data.get("photos") or ()),
            initiative=data.get("initiative"),
        )


class ResponseForm(forms.Form):
    """Staff's public answer and the idea's status; declining needs a reason."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in Status if s in ANSWER_STATUSES]
    )
    response = forms.CharField(
        label=_("Public answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters],
        help_text=_("Shown on the idea's page with your name."),
    )
    reason = forms.CharField(
        label=_("Why it is declined"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters],
        help_text=_("Needed when you decline the idea; shown on its page."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Status.DECLINED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the idea is declined."))
        return data


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What became of it"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the idea it duplicates"),
        min_value=1,
        help_text=_("Its endorsements move there; a member who backed both is counted once."),
    )
