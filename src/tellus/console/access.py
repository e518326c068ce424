"""Who may open which console page: one decorator, one permission per page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


def staff_page(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Anonymous visitors go to the login; people without ``permission`` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (
                request.user.has_perm("people.view_console") and request.user.has_perm(permission)
            ):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


NAVIGATION = [
    ("console:dashboard", "people.view_console", _("Overview")),
    ("console:members", "people.view_member", _("Members")),
    ("console:moderation", "content.moderate_content", _("Moderation")),
    ("console:rights", "content.request_rights", _("Rights requests")),
    ("console:campaigns", "content.pick_for_campaign", _("Campaigns")),
    ("console:initiatives", "engagement.view_initiative", _("Initiatives")),
    ("console:engagement", "engagement.view_engagement", _("Engagement")),
    ("console:value", "engagement.view_engagement", _("Engagement value")),
    ("console:staff", "people.assign_roles", _("Staff roles")),
    ("console:tokens", "people.add_apitoken", _("API tokens")),
    ("console:destination", "core.change_branding", _("Destination")),
]
