from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tellus.core.queries import get_branding


def destination(request: HttpRequest) -> dict[str, Any]:
    branding = get_branding()
    names = dict(settings.LANGUAGES)
    return {
        "destination": branding,
        "destination_languages": [(code, names[code]) for code in branding.languages],
    }
