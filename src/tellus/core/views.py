from __future__ import annotations

import datetime as dt

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_safe

from tellus.core.basemap import GEOJSON, basemap_etag, basemap_file
from tellus.core.health import health_report
from tellus.core.queries import get_branding


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **report}, status=200 if healthy else 503
    )


@require_GET
def brand_css(request: HttpRequest) -> HttpResponse:
    """The destination's colours as CSS variables, so the CSP needs no inline style."""
    css = render_to_string("core/brand.css", {"destination": get_branding()})
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _basemap_etag(request: HttpRequest) -> str | None:
    found = basemap_file()
    return f'"{basemap_etag(found[1])}"' if found else None


def _basemap_modified(request: HttpRequest) -> dt.datetime | None:
    found = basemap_file()
    return dt.datetime.fromtimestamp(found[1].st_mtime, dt.UTC) if found else None


@require_safe
@condition(etag_func=_basemap_etag, last_modified_func=_basemap_modified)
def basemap(request: HttpRequest) -> FileResponse:
    """The destination's own vector basemap, so that no visitor's map calls a third party.

    Pages ask for it with ``?v=`` and the file's version, so a day in caches is safe.
    """
    found = basemap_file()
    if found is None:
        raise Http404("No basemap is set up.")
    response = FileResponse(found[0].open("rb"), content_type=GEOJSON)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Too many requests: wait a moment and try again."}, status=429
        )
    return render(request, "429.html", status=429)


def _error_page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        messages_by_status = {403: "Forbidden.", 404: "Not found.", 500: "Server error."}
        return JsonResponse({"detail": messages_by_status[status]}, status=status)
    return render(request, template, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django_ratelimit.exceptions import Ratelimited

    if isinstance(exception, Ratelimited):
        return rate_limited(request, exception)
    return _error_page(request, 403, "403.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return HttpResponse(
        render_to_string("500.html"), status=500, content_type="text/html; charset=utf-8"
    )
