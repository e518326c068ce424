"""Clean text taken from a file's metadata.

Metadata is written by whoever made the file, so it is hostile input: an
EXIF ImageDescription can hold ``<script>``. We return raw text, never
escaped: callers escape on output (Django templates do; JSON is data).
What we do here is drop control and invisible formatting characters that
could spoof or break a page, keep emoji and right-to-left scripts, and cap
the length.
"""

from __future__ import annotations

import unicodedata

# Bidirectional overrides and isolates can reorder the text around them on a page.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def clean_text(value: object, *, max_length: int) -> str | None:
    """Metadata text as a clean single-line string, or None if nothing is left."""
    if isinstance(value, bytes):
        value = _decode(value)
    if not isinstance(value, str):
        return None
    kept = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in "\t\r\n":
            kept.append(" ")
        elif category in {"Cc", "Cs"} or ch in _BIDI_CONTROLS or ch == "\ufeff":
            continue
        else:
            kept.append(ch)
    text = " ".join("".join(kept).split())
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text or None


def _decode(raw: bytes) -> str:
    # EXIF's UserComment starts with an 8-byte charset tag.
    if raw[:8] in {b"ASCII\x00\x00\x00", b"UNICODE\x00", b"\x00" * 8}:
        encoding = "utf-16" if raw[:8] == b"UNICODE\x00" else "utf-8"
        raw = raw[8:]
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
