"""Typed readers for settings from the environment.

Each fails loudly (ImproperlyConfigured) on a value it cannot read, and each
secret may come from ``NAME_FILE`` (a file holding it), as container secrets do.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- The map's base layer ----------------------------------------------------------

#: Leaflet's placeholders in a tile URL ({s} only as the first label of the host).
_TILE_PLACEHOLDERS = {"{s}", "{z}", "{x}", "{y}", "{-y}", "{r}"}
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_TILE_HOST = re.compile(rf"(\{{s\}}\.)?{_LABEL}(?:\.{_LABEL})*")
#: What a tile URL's path and query may hold: plain URL characters and the placeholders.
_TILE_PATH = re.compile(r"[A-Za-z0-9\-._~/%!$&()*+,;=:@?{}]*")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def env_tile_url(name: str) -> str:
    """A Leaflet tile URL template, or "" when unset.

    Refused unless it is an https address (http only on this machine) with
    {z}, {x} and {y} (or {-y}), a plain host name, and nothing a browser could
    run or a Content-Security-Policy header could be bent by: the origin goes
    into the CSP's img-src as it is.
    """
    raw = env_str(name).strip()
    if not raw:
        return ""

    def refuse(why: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(
            f"{name} must be a tile address like https://tiles.example.org/{{z}}/{{x}}/{{y}}.png "
            f"({why}), not {raw!r}"
        )

    if len(raw) > 2000:
        raise refuse("it is too long")
    parts = urlsplit(raw)
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 (read for its check: a port that is no number raises)
    except ValueError:
        raise refuse("the port must be a number") from None
    if parts.scheme not in {"https", "http"}:
        raise refuse("only https:// addresses are allowed")
    if parts.scheme == "http" and host not in _LOCAL_HOSTS:
        raise refuse("plain http is allowed only for localhost: use https")
    if parts.fragment or "@" in parts.netloc:
        raise refuse("no #fragment and no user name or password")
    if not (host in _LOCAL_HOSTS or _TILE_HOST.fullmatch(host)):
        raise refuse("the host must be a plain name, {s}. allowed as its first label")
    rest = raw[len(f"{parts.scheme}://{parts.netloc}") :]
    if not _TILE_PATH.fullmatch(rest):
        raise refuse("spaces, quotes, < > and backslashes are not allowed")
    unknown = set(re.findall(r"\{[^}]*\}", rest)) - _TILE_PLACEHOLDERS
    if unknown or "{s}" in rest:
        raise refuse(f"unknown placeholder {sorted(unknown or {'{s}'})[0]}")
    if not ("{z}" in rest and "{x}" in rest and ("{y}" in rest or "{-y}" in rest)):
        raise refuse("it needs {z}, {x} and {y}")
    return raw


def tile_origin(url: str) -> str:
    """The origin a tile URL's images come from, as a CSP source ({s}. becomes *.)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower().replace('{s}.', '*.')}"


def env_text(name: str, default: str = "", *, max_length: int = 300) -> str:
    """One line of plain text (shown as text, never as HTML)."""
    value = env_str(name, default).strip()
    if len(value) > max_length:
        raise ImproperlyConfigured(f"{name} must be at most {max_length} characters long")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ImproperlyConfigured(f"{name} must be one line of text, not {value!r}")
    return value


def env_file(name: str) -> Path | None:
    """A file that must exist at start when set (None when unset)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    if not path.is_file():
        raise ImproperlyConfigured(f"{name}={raw!r} is not a readable file")
    return path
