from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tellus.engagement.queries import public_initiatives
from tellus.site.queries import home_featured, home_recent


def home(request: HttpRequest) -> HttpResponse:
    """The destination's front door: what is asked of visitors, and what they shared."""
    featured = home_featured()
    return render(
        request,
        "site/home.html",
        {
            "initiatives": public_initiatives()[:6],
            "featured": featured,
            "recent": home_recent(besides=featured),
        },
    )


def robots(request: HttpRequest) -> HttpResponse:
    body = "User-agent: *\nDisallow: /console/\nDisallow: /account/\nDisallow: /api/\n"
    return HttpResponse(body, content_type="text/plain")
