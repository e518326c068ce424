"""A comment's text: what is refused, and how it is shown.

Plain text only in this first version: no HTML and no Markdown. Line breaks
are kept; ``http://`` and ``https://`` addresses become links marked
``rel="nofollow ugc noopener"``. Everything else is escaped, and nh3 cleans
the result once more so that only those links and line breaks can ever come
out.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK_REL = "nofollow ugc noopener"
# An address runs to the next space or quote; trailing punctuation ends the sentence.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}’”"
_ZERO_WIDTH_JOINER = "\u200d"


def has_link(text: str) -> bool:
    return bool(_URL.search(text))


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) in {"So", "Sk"} or "\ufe00" <= char <= "\ufe0f"


def forbidden_character(text: str) -> str | None:
    """The first character a comment may not hold, or None.

    Control characters (but line breaks and tabs), surrogates, private-use
    and format characters: zero-width spaces, joiners and marks, and
    direction overrides that make text read differently from what it is. A
    zero-width joiner between two emoji is kept: it builds one emoji (a
    family, a flag-carrying person).
    """
    for index, char in enumerate(text):
        if char in "\n\r\t":
            continue
        category = unicodedata.category(char)
        if category == "Cf" and char == _ZERO_WIDTH_JOINER:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if before and after and _is_symbol(before) and _is_symbol(after):
                continue
        if category in {"Cc", "Cs", "Co", "Cf"}:
            return char
    return None


def normalise(text: str) -> str:
    """Line breaks as ``\\n``, no blank lines at the ends, at most two blank lines in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def _link(url: str) -> str:
    trimmed = url.rstrip(_TRAILING)
    # A closing parenthesis belongs to the address when it opened one (Wikipedia's style).
    if url[len(trimmed) : len(trimmed) + 1] == ")" and trimmed.count("(") > trimmed.count(")"):
        trimmed += ")"
    rest = url[len(trimmed) :]
    href = escape(trimmed)
    return f'<a href="{href}" rel="{LINK_REL}">{href}</a>{escape(rest)}'


def render_comment(text: str) -> SafeString:
    """The comment as HTML: escaped text, ``<br>`` for line breaks, links for addresses."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_link(match.group()))
        position = match.end()
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\n", "<br>\n")
    cleaned = nh3.clean(
        html,
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
    return mark_safe(cleaned)  # noqa: S308 (escaped above, then cleaned by nh3)
