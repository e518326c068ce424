from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def no_control_characters(value: str) -> None:
    """Refuse text with control or format characters (other than line breaks and tabs)."""
    for char in value:
        if char in "\n\r\t":
            continue
        if unicodedata.category(char) in {"Cc", "Cs", "Co"}:
            raise ValidationError(
                _("Remove the control characters from this text."), code="control_characters"
            )
