from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tellus.engagement.queries import public_initiatives


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"initiatives": public_initiatives()[:6]})


def robots(request: HttpRequest) -> HttpResponse:
    body = "User-agent: *\nDisallow: /console/\nDisallow: /account/\nDisallow: /api/\n"
    return HttpResponse(body, content_type="text/plain")
