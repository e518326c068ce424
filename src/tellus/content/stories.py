"""Stories are written in Markdown and shown as HTML that cannot carry a script.

markdown-it-py renders with raw HTML switched off, then nh3 keeps only the
tags a story needs. An image may only show the contributor's own published photo,
written ``![caption](content:ID)``; any other image source is dropped.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_OWN_PHOTO = re.compile(r"!\[([^\]\n]{0,200})\]\(content:(\d{1,12})\)")
TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "hr",
    "code",
    "pre",
}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height", "loading"}}


def render_story(markdown: str, *, contributor_id: int) -> str:
    """Markdown to safe HTML, with the contributor's own photos embedded."""
    from tellus.content.queries import own_photo_renditions

    wanted = {int(m.group(2)) for m in _OWN_PHOTO.finditer(markdown)}
    photos = own_photo_renditions(contributor_id=contributor_id, item_ids=wanted) if wanted else {}

    placeholders: dict[str, str] = {}

    def embed(match: re.Match[str]) -> str:
        item_id = int(match.group(2))
        rendition = photos.get(item_id)
        if rendition is None:
            return ""
        token = f"TELLUSPHOTO{len(placeholders)}X"
        alt = nh3.clean_text(match.group(1))
        placeholders[token] = (
            f'<figure><img src="{rendition["url"]}" alt="{alt}" width="{rendition["width"]}" '
            f'height="{rendition["height"]}" loading="lazy"><figcaption>{alt}</figcaption></figure>'
        )
        return f"\n\n{token}\n\n"

    html = _markdown.render(_OWN_PHOTO.sub(embed, markdown))
    for token, figure in placeholders.items():
        html = html.replace(f"<p>{token}</p>", figure)
    # Headings start at h2: the page's h1 is the story's title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
