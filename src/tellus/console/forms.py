from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.core.models import Destination
from tellus.core.validators import no_control_characters
from tellus.engagement.models import Initiative
from tellus.engagement.services import INITIATIVE_FIELDS
from tellus.people.roles import ROLE_LABELS


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = list(INITIATIVE_FIELDS)
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        no_control_characters(name)
        return name


class DestinationForm(forms.ModelForm):
    class Meta:
        model = Destination
        fields = [
            "name",
            "tagline",
            "primary_colour",
            "accent_colour",
            "logo",
            "languages",
            "currency",
            "latitude",
            "longitude",
            "zoom",
        ]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
        }


class StaffRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=list(ROLE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class IntegrationTokenForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the token's holder"))
    name = forms.CharField(label=_("Token name"), max_length=80, validators=[no_control_characters])


class EraseOnRequestForm(forms.Form):
    keep_contributions = forms.TypedChoiceField(
        label=_("Their public contributions"),
        choices=[
            ("1", _("Keep what they allowed to be shown, as anonymous")),
            ("0", _("Remove everything they shared")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    confirm = forms.BooleanField(
        label=_("The member asked for erasure, and I checked who they are")
    )
