"""The widget's endpoints: the embed script, its JSON, and the pages for iframes.

None of these views reads ``request.user`` or the session: their answers are
the same for everyone, so they carry no cookie and a shared cache may keep
them. The JSON and pages are cached as bytes under the public version and
answer ``If-None-Match`` with 304 before anything else is read.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from tellus.content.api import ErrorOut
from tellus.content.publicity import public_version
from tellus.core.queries import get_branding
from tellus.widgets import payloads
from tellus.widgets.http import etag_matches, not_modified, public_headers, public_response
from tellus.widgets.params import (
    GalleryQuery,
    WidgetParamsError,
    parse_gallery_query_string,
    parse_map,
)

JSON = "application/json"
HTML = "text/html; charset=utf-8"
#: The script's address never changes (it is in every snippet), so it is revalidated hourly.
ASSET_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"
ASSETS = {
    "embed.js": "text/javascript; charset=utf-8",
    "embed.css": "text/css; charset=utf-8",
}
#: The pages may be framed by any site, and still run no inline script.
FRAMEABLE = csp_replace({"frame-ancestors": ["*"]})


def _error_json(exc: WidgetParamsError) -> HttpResponse:
    body = payloads.to_json(ErrorOut(detail=exc.message, field=exc.field).model_dump())
    response = HttpResponse(body, content_type=JSON, status=400)
    public_headers(response, cache_control="no-store")
    return response


# --- The script and its style -------------------------------------------------


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> tuple[bytes, str]:
    found = finders.find(f"widgets/{name}")
    if not found:
        raise Http404
    body = Path(str(found)).read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_safe
def asset(request: HttpRequest, name: str) -> HttpResponse:
    """embed.js and embed.css at fixed addresses, for snippets pasted once and kept for years."""
    if name not in ASSETS:
        raise Http404
    if settings.DEBUG:
        _asset.cache_clear()
    body, etag = _asset(name)
    if etag_matches(request, etag):
        return not_modified(etag, cache_control=ASSET_CACHE_CONTROL)
    return public_response(
        body, etag=etag, content_type=ASSETS[name], cache_control=ASSET_CACHE_CONTROL
    )


# --- JSON for the script ------------------------------------------------------


def _gallery_key(kind: str, version: int, query: GalleryQuery) -> tuple[str, str]:
    """The cache key and the strong ETag of one answer: the public version and the query."""
    return (
        f"tellus:widgets:{kind}:{version}:{query.digest}",
        f'"{kind[0]}{version}-{query.digest}"',
    )


@require_safe
def gallery_json(request: HttpRequest) -> HttpResponse:
    """Public items for a gallery widget: zero queries when cached, two when not."""
    try:
        query = parse_gallery_query_string(request.META.get("QUERY_STRING", ""))
    except WidgetParamsError as exc:
        return _error_json(exc)
    key, etag = _gallery_key("json", public_version(), query)
    if etag_matches(request, etag):
        return not_modified(etag)
    body = payloads.cached_bytes(
        key, lambda: payloads.gallery_payload(query), payloads.GALLERY_CACHE_SECONDS
    )
    return public_response(body, etag=etag, content_type=JSON)


@require_safe
def map_json(request: HttpRequest) -> HttpResponse:
    """The destination view's clusters, for the map widget's list when no map library runs.

    The cluster index lags a change by up to its rebuild interval, so these
    bytes are kept briefly and their ETag is a hash of the bytes themselves.
    """
    try:
        lang = parse_map(request.GET)
    except WidgetParamsError as exc:
        return _error_json(exc)
    key = f"tellus:widgets:map:{public_version()}:{get_branding().version}:{lang}"
    # Not remembered in the process: the same key may get newer bytes once the index catches up.
    body = payloads.cached_bytes(
        key, lambda: payloads.map_payload(lang), payloads.MAP_CACHE_SECONDS, remember=False
    )
    etag = payloads.body_etag(body)
    if etag_matches(request, etag):
        return not_modified(etag)
    return public_response(body, etag=etag, content_type=JSON)


# --- Pages for an iframe ------------------------------------------------------


def _error_page(exc: WidgetParamsError) -> HttpResponse:
    body = render_to_string("widgets/error.html", {"message": exc.message})
    response = HttpResponse(body, content_type=HTML, status=400)
    public_headers(response, cache_control="no-store")
    return response


def _frame(request: HttpRequest, template: str) -> HttpResponse:
    try:
        query = parse_gallery_query_string(request.META.get("QUERY_STRING", ""))
    except WidgetParamsError as exc:
        return _error_page(exc)
    branding = get_branding()
    key, etag = _gallery_key(template, public_version(), query)
    key, etag = f"{key}:{branding.version}", f'{etag[:-1]}-{branding.version}"'
    if etag_matches(request, etag):
        return not_modified(etag)

    def build() -> bytes:
        # Rendered without the request: no context processor can touch the session.
        with translation.override(query.lang):
            labels = payloads.labels()
            items = payloads.frame_items(payloads.gallery_items(query), labels["credit"])
            return render_to_string(
                f"widgets/{template}.html",
                {
                    "items": items,
                    "query": query,
                    "lang": query.lang,
                    "destination": branding,
                    "gallery_url": payloads.gallery_url(query),
                    "map_url": payloads.absolute(reverse("content:map")),
                    "item_url": payloads.absolute(reverse("content:item", args=[0])),
                    "labels": labels,
                },
            ).encode()

    body = payloads.cached_bytes(key, build, payloads.GALLERY_CACHE_SECONDS)
    return public_response(body, etag=etag, content_type=HTML)


@require_safe
@xframe_options_exempt
@FRAMEABLE
def gallery_frame(request: HttpRequest) -> HttpResponse:
    """``<iframe src=".../widgets/gallery?tag=beach">``: the gallery, with no script at all."""
    return _frame(request, "gallery")


@require_safe
@xframe_options_exempt
@FRAMEABLE
def map_frame(request: HttpRequest) -> HttpResponse:
    """``<iframe src=".../widgets/map">``: a Leaflet map of the clusters, the items listed."""
    return _frame(request, "map")
