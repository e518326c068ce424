"""The console's shell: every staff page renders in it, with the navigation its reader may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tellus.console.sections import navigation


def render_staff_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a staff page with the navigation entries the reader's permissions allow."""
    nav = [
        (entry.url_name, entry.label)
        for entry in navigation()
        if request.user.has_perm(entry.permission)
    ]
    return render(request, template, {"console_nav": nav, **context}, status=status)
