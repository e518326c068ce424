"""Read ``EMAIL_URL`` (``smtp://user:password@host:587?tls=true``) into Django settings.

A dozen lines of our own: the packages that do this (dj-email-url) have been
unmaintained since 2022, and the format is small and documented in the README.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def parse_email_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or submission://, not {parts.scheme!r}"
        )
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps" or query.get("ssl") in {"1", "true", "yes"}
    tls = parts.scheme == "submission" or query.get("tls") in {"1", "true", "yes"}
    try:
        port = parts.port or (465 if ssl else 587 if tls else 25)
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {exc}") from exc
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": tls and not ssl,
    }
