from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from tellus.core.validators import no_control_characters

log = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and login rules that allauth leaves to the project."""

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip()
        if len(email) > 254:  # the longest address SMTP allows (RFC 5321), and our column
            raise forms.ValidationError(_("An email address has at most 254 characters."))
        try:
            no_control_characters(email)
        except forms.ValidationError as exc:
            raise forms.ValidationError(_("Enter a valid email address.")) from exc
        return email.lower()

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if user.is_authenticated and user.has_perm("people.view_console"):
            return reverse("console:dashboard")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, context)
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            # The embedded setup writes mail to files: say where, so the demo can be followed.
            log.warning("Mail to %s written to %s", email, settings.EMAIL_FILE_PATH)
