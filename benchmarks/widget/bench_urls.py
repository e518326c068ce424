"""Tellus's URLs plus a minimal view returning the widget's bytes from memory.

The view goes through the same middleware on the same server as the widget,
so the two differ only by what the widget's view does: the framework's ceiling.
Never part of the production URLs.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tellus.config.urls import handler403, handler404, handler500
from tellus.config.urls import urlpatterns as tellus_urls

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@cache
def _body() -> bytes:
    return Path(os.environ["TELLUS_BENCH_BODY"]).read_bytes()


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_body(), content_type="application/json")


urlpatterns = [path("bench/ceiling", ceiling), *tellus_urls]
