"""The comment form: the text only; the service checks it and says what to change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.publishing.comments.models import BODY_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        help_text=_(
            "Plain text, at most 5,000 characters: no HTML or Markdown; web addresses become "
            "links. It is shown publicly with your name."
        ),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": str(BODY_MAX_LENGTH)}),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
