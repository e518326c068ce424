from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from django import template
from django.utils.text import Truncator
from markdown_it import MarkdownIt

from tellus.content.models import ContentItem
from tellus.content.queries import rendition_url

register = template.Library()
# Only for a story stored without its HTML: raw HTML off, as in tellus.content.stories.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


@register.filter
def media_url(name: str) -> str:
    """The public URL of a stored rendition (local media or object storage)."""
    return rendition_url(name)


@register.filter
def srcset(renditions: list[dict[str, Any]]) -> str:
    return ", ".join(f"{rendition_url(r['name'])} {r['width']}w" for r in renditions)


@register.filter
def smallest(renditions: list[dict[str, Any]]) -> dict[str, Any] | None:
    return renditions[0] if renditions else None


@register.filter
def largest_up_to(renditions: list[dict[str, Any]], width: int) -> dict[str, Any] | None:
    fitting = [r for r in renditions if r["width"] <= int(width)] or renditions[:1]
    return fitting[-1] if fitting else None


# --- Excerpts ---------------------------------------------------------------------

EXCERPT_WORDS = 30
EXCERPT_CHARS = 300
POEM_LINES = 8
# Enough of a story's HTML for an excerpt, even after a few embedded photos.
_HTML_READ = 8000
_TAG_LIKE = re.compile(r"</?[A-Za-z][^<>]*>")
_LEFT_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")  # ![caption](content:ID), in Markdown
_BREAKS = {"p", "h2", "h3", "h4", "li", "blockquote", "pre", "br", "hr", "ul", "ol", "figure"}
# An embedded photo's caption belongs to the photo, not to the story's opening words.
_SKIPPED = {"figure", "script", "style"}


class _TextOf(HTMLParser):
    """The text of sanitised story HTML, a space wherever a block ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _story_text(item: ContentItem) -> str:
    html = item.body_html or _markdown.render(_IMAGE.sub(" ", item.body[:_HTML_READ]))
    parser = _TextOf()
    parser.feed(html[:_HTML_READ])  # an unfinished tag at the cut is left unread
    return "".join(parser.parts)


def _without_tags(text: str) -> str:
    """Tag-like text removed until none is left (``<scr<script>ipt>`` too), in a few passes:
    deeper nesting than that loses its angle brackets instead."""
    for _ in range(4):
        bare = _TAG_LIKE.sub(" ", text)
        if bare == text:
            return text
        text = bare
    return text if not _TAG_LIKE.search(text) else text.replace("<", " ").replace(">", " ")


def _one_line(text: str) -> str:
    """Plain words only, on one line: no tag-like text (a hostile story's literal <script>),
    and a link Markdown refused to render (``[words](javascript:…)``) shows its words."""
    words = " ".join(_without_tags(_LEFT_LINK.sub(r"\1", text)).split())
    return Truncator(Truncator(words).words(EXCERPT_WORDS, truncate="…")).chars(
        EXCERPT_CHARS, truncate="…"
    )


def _poem_lines(text: str) -> str:
    """The poem's first lines, its line and stanza breaks kept."""
    lines: list[str] = []
    verses = 0
    for raw in _without_tags(text[:_HTML_READ]).splitlines():
        line = " ".join(raw.split())
        if line and verses == POEM_LINES:  # more verses follow
            while not lines[-1]:
                lines.pop()
            lines[-1] += "…"
            break
        if line or (lines and lines[-1]):  # one blank line between stanzas
            lines.append(line)
            verses += bool(line)
    return Truncator("\n".join(lines).strip()).chars(EXCERPT_CHARS, truncate="…")


@register.filter
def excerpt(item: ContentItem) -> str:
    """A card's plain-text preview: never Markdown syntax, never HTML.

    The caption when there is one; else a story's rendered text or a poem's first
    lines (with their line breaks: show it with ``|linebreaksbr``). Autoescaped as text.
    """
    if item.caption:
        return _one_line(item.caption)
    if item.kind == ContentItem.Kind.STORY:
        return _one_line(_story_text(item))
    if item.kind == ContentItem.Kind.POEM:
        return _poem_lines(item.body)
    return ""


@register.filter
def body_excerpt(item: ContentItem) -> str:
    """A story's own words as plain text, caption aside: what a moderator reads first."""
    return _one_line(_story_text(item)) if item.kind == ContentItem.Kind.STORY else ""
