from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tellus.content.models import ContentItem, Place
from tellus.content.services import ITEM_PURPOSES, ItemDetails
from tellus.engagement.models import Initiative
from tellus.people.models import ConsentPurpose


def clean_text_line(value: str, *, multiline: bool) -> str:
    """Refuse control characters (line breaks allowed where text is multi-line).

    Emoji and right-to-left text are welcome; what cannot be displayed is not.
    """
    allowed = "\n\r\t" if multiline else "\t"
    for char in value:
        if char not in allowed and unicodedata.category(char) in {"Cc", "Cs", "Co"}:
            raise ValueError("text must not contain control characters")
    return value


def _no_control(multiline: bool) -> Callable[[str], None]:
    def check(value: str) -> None:
        try:
            clean_text_line(value, multiline=multiline)
        except ValueError as exc:
            raise forms.ValidationError(_("Remove the control characters from this text.")) from exc

    return check


PURPOSE_CHOICES = [(p.value, p.label) for p in ConsentPurpose if p.value in ITEM_PURPOSES]


class ItemDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[_no_control(False)])
    caption = forms.CharField(
        label=_("Caption"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_no_control(True)],
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        validators=[_no_control(False)],
        help_text=_("Separate tags with commas, e.g. beach, sunset."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )
    taken_on = forms.DateField(
        label=_("Date taken"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="—",
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, required=False
    )
    initiative = forms.ModelChoiceField(
        label=_("Answering the initiative"),
        queryset=Initiative.objects.filter(is_active=True),
        required=False,
        to_field_name="slug",
        empty_label="—",
    )
    consents = forms.MultipleChoiceField(
        label=_("Where the destination may use it"),
        choices=PURPOSE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[ConsentPurpose.WEBSITE],
        help_text=_("You can change this at any time. Nothing is shown without your consent."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    def details(self) -> ItemDetails:
        data = self.cleaned_data
        return ItemDetails(
            title=data["title"].strip(),
            caption=data.get("caption", "").strip(),
            tags=tuple(t.strip() for t in data.get("tags", "").split(",") if t.strip())[:20],
            language=data.get("language", ""),
            taken_on=data.get("taken_on"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            place=data.get("place"),
            initiative=data.get("initiative"),
        )


class TextItemForm(ItemDetailsForm):
    kind = forms.ChoiceField(
        label=_("What you are writing"),
        choices=[(ContentItem.Kind.STORY, _("A story")), (ContentItem.Kind.POEM, _("A poem"))],
        widget=forms.RadioSelect,
        initial=ContentItem.Kind.STORY,
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        validators=[_no_control(True)],
        help_text=_(
            "Stories use Markdown: ## for a heading, - for a list, [words](https://…) for a "
            "link, ![caption](content:ID) for one of your photos. Poems keep their line breaks."
        ),
    )
    field_order = ["kind", "title", "body"]


class RightsRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Use"),
        choices=[
            (p.value, p.label) for p in ConsentPurpose if p.value in {"website", "social", "print"}
        ],
    )
    message = forms.CharField(
        label=_("Message to the contributor"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_no_control(True)],
    )


class CampaignPickForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Use"),
        choices=[
            (p.value, p.label) for p in ConsentPurpose if p.value in {"website", "social", "print"}
        ],
    )
    campaign = forms.CharField(label=_("Campaign"), max_length=120, validators=[_no_control(False)])
