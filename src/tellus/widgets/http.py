"""Headers that let another site, a browser cache and a CDN use a widget's answers.

Widget answers are public data, the same for everyone: they carry no cookie,
allow any origin, and say how long a shared cache may keep them. The views
never touch ``request.user`` or ``request.session``, so neither the session
nor the CSRF middleware adds ``Set-Cookie`` or ``Vary: Cookie``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags

#: Fresh for a minute (a withdrawn item leaves within it), then served stale
#: while a shared cache fetches the new version in the background.
PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"


def public_headers(response: HttpResponse, *, cache_control: str = PUBLIC_CACHE_CONTROL) -> None:
    response["Cache-Control"] = cache_control
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x"."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def not_modified(etag: str, *, cache_control: str = PUBLIC_CACHE_CONTROL) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    public_headers(response, cache_control=cache_control)
    return response


def public_response(
    body: bytes, *, etag: str, content_type: str, cache_control: str = PUBLIC_CACHE_CONTROL
) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    public_headers(response, cache_control=cache_control)
    return response
