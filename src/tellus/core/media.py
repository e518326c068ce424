"""Serve uploaded media when no separate media server is configured.

A hostile upload must never run as a page of ours: every answer carries
``nosniff`` and a sandboxing content security policy, and anything that is not
an image or video type we produce is sent as an attachment.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

INLINE_TYPES = {"image/webp", "image/jpeg", "image/png", "video/mp4", "video/webm"}


@require_safe
def serve_media(request: HttpRequest, path: str) -> FileResponse:
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as exc:
        raise Http404 from exc
    if not full.is_file():
        raise Http404
    content_type, _encoding = mimetypes.guess_type(full.name)
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        full.open("rb"),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
    )
    stat = full.stat()
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=86400"
    return response
