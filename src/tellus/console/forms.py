from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from tellus.core.models import Destination
from tellus.core.validators import no_control_characters
from tellus.engagement.models import Initiative, ValueParameters
from tellus.engagement.services import INITIATIVE_FIELDS, VALUE_PARAMETER_FIELDS
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


class ValueParametersForm(forms.ModelForm):
    """The DMO's figures behind engagement value; ranges checked before anything is saved."""

    annual_discount_rate = forms.DecimalField(
        label=_("Annual discount rate (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Your cost of capital, or the rate public bodies must use; 10 is common."),
    )
    horizon_months = forms.IntegerField(
        label=_("Horizon (months)"),
        min_value=1,
        max_value=120,
        help_text=_("How far ahead each member's value is projected."),
    )
    would_have_come_anyway = forms.DecimalField(
        label=_("Referred visitors who would have come anyway (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_(
            "Ask referred visitors in a survey; 30 is a placeholder, not a published figure."
        ),
    )

    class Meta:
        model = ValueParameters
        fields = list(VALUE_PARAMETER_FIELDS)
        help_texts = {
            "acquisition_cost": _(
                "What your marketing spends to bring one visitor; a referral saves it. "
                "Zero until you know it, so that no value is invented."
            ),
            "referral_incentive": _("What you give for each referred visitor (reward, offer)."),
            "sign_up_value": _("What a new member brought by someone's content is worth to you."),
            "adopted_idea_value": _(
                "Used when staff record an adopted idea without a value of its own."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # no figure here is negative
            if isinstance(field, forms.DecimalField):
                field.validators.append(MinValueValidator(0))
