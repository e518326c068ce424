from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tellus.core.validators import no_control_characters
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import consent_set_personal, person_update_profile

AVATAR_MAX_BYTES = 2 * 1024 * 1024


class SignupDetailsForm(forms.Form):
    """What sign-up asks beyond email and password (allauth calls ``signup``)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        validators=[no_control_characters],
        help_text=_("Shown beside what you share. Leave empty to appear as a visitor number."),
    )
    marketing = forms.BooleanField(
        label=_("Send me news and invitations from the destination"), required=False
    )

    def signup(self, request: HttpRequest, user: Person) -> None:
        language = getattr(request, "LANGUAGE_CODE", "")
        person_update_profile(
            person=user,
            display_name=self.cleaned_data.get("display_name", "").strip(),
            preferred_language=language if language in dict(settings.LANGUAGES) else "",
        )
        if self.cleaned_data.get("marketing"):
            consent_set_personal(person=user, purposes={"marketing"}, source="sign-up")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["display_name", "home_country", "preferred_language", "avatar"]
        widgets = {
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].validators.append(no_control_characters)

    def clean_avatar(self) -> Any:
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "size") and avatar.size > AVATAR_MAX_BYTES:
            raise forms.ValidationError(_("The picture is larger than 2 MB."))
        return avatar

    def save(self, commit: bool = True) -> Person:
        return person_update_profile(
            person=self.instance,
            **{name: self.cleaned_data[name] for name in self.Meta.fields},
        )


class ConsentForm(forms.Form):
    """The person-level consents a member controls from their account."""

    marketing = forms.BooleanField(label=ConsentPurpose.MARKETING.label, required=False)

    def save(self, person: Person) -> None:
        purposes = {name for name, value in self.cleaned_data.items() if value}
        consent_set_personal(person=person, purposes=purposes, source="account")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, validators=[no_control_characters])


class EraseForm(forms.Form):
    keep_contributions = forms.TypedChoiceField(
        label=_("What you shared publicly"),
        choices=[
            ("1", _("Keep what I allowed to be shown, as anonymous")),
            ("0", _("Remove everything I shared")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    confirm = forms.CharField(
        label=_("Type ERASE to confirm"), max_length=10, help_text=_("This cannot be undone.")
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() not in {"ERASE", str(_("ERASE")).upper()}:
            raise forms.ValidationError(_("Type ERASE to confirm."))
        return value
