"""Content as a publishing subject: what the shared moderation queue and share links need of it.

Registered in ``ContentConfig.ready()``. The preview shows the photo or the
first lines of a story or poem, the media pipeline's warnings (near-duplicate
with links to the other items, "may not be a photo", "may carry someone
else's rights"); the detail page adds the item's facts, allowed uses and the
pipeline's notices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tellus.content import queries
from tellus.content.models import ContentItem
from tellus.content.publicity import bump_public_version
from tellus.content.rejections import notice_message
from tellus.engagement import kinds as event_kinds
from tellus.people.models import ConsentPurpose
from tellus.publishing.subjects import SubjectKind, register

# What each heuristic flag of the media pipeline means, for a moderator
# (codes: tellus.content.media.fingerprint).
NOT_PHOTO_WARNINGS = {
    "few_colours": gettext_lazy("Few colours: it may be a drawing, a logo or a chart."),
    "flat_areas": gettext_lazy("Large areas of one colour, as in screenshots and graphics."),
    "extreme_aspect": gettext_lazy("Very long or very wide: it may be a banner or a screenshot."),
    "tiny": gettext_lazy("Too small to come from a camera."),
    "screenshot_like": gettext_lazy(
        "It looks like a screenshot: a PNG without camera data, with flat areas."
    ),
}
WATERMARK_WARNINGS = {
    "names_rights_holder": gettext_lazy(
        "The file names an artist or a copyright holder: check that it is the contributor."
    ),
    "corner_overlay": gettext_lazy(
        "Text-like marks in a corner: it may carry someone else's watermark."
    ),
    "alpha_photo": gettext_lazy(
        "A photo with transparency: it may be cut out of someone else's picture."
    ),
}


def _first_lines(text: str, *, lines: int = 4, width: int = 160) -> list[str]:
    """A poem's first non-blank lines, shortened (escaped by the template); a story's
    preview is its rendered text instead (the ``body_excerpt`` filter), never Markdown."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            found.append(line if len(line) <= width else line[: width - 1] + "…")
        if len(found) == lines:
            break
    return found


def _text_flags(item: ContentItem) -> list[str]:
    return [flag for flag in item.flags if isinstance(flag, str)]


def duplicate_ids(item: ContentItem) -> list[int]:
    ids = []
    for flag in _text_flags(item):
        prefix, _sep, value = flag.partition(":")
        if prefix == "duplicate_of" and value.isdigit():
            ids.append(int(value))
    return ids


def _warnings(item: ContentItem) -> list[tuple[str, list[str]]]:
    flags = _text_flags(item)
    not_photo = [str(NOT_PHOTO_WARNINGS[f]) for f in flags if f in NOT_PHOTO_WARNINGS]
    watermark = [str(WATERMARK_WARNINGS[f]) for f in flags if f in WATERMARK_WARNINGS]
    known = {*NOT_PHOTO_WARNINGS, *WATERMARK_WARNINGS, "near_duplicate"}
    other = [f for f in flags if f not in known and not f.startswith("duplicate_of:")]
    groups = []
    if not_photo:
        groups.append((_("It may not be a photo"), not_photo))
    if watermark:
        groups.append((_("It may carry someone else's rights"), watermark))
    if other:
        groups.append((_("Other flags"), other))
    return groups


def preview_context(items: list[ContentItem]) -> dict[int, dict[str, Any]]:
    """Warnings and near-duplicates of a page of items (one query for the duplicates)."""
    duplicates = queries.items_by_id(pk for item in items for pk in duplicate_ids(item))
    return {
        item.pk: {
            "preview_lines": _first_lines(item.body) if item.kind == ContentItem.Kind.POEM else [],
            "warnings": _warnings(item),
            "duplicates": [duplicates[pk] for pk in duplicate_ids(item) if pk in duplicates],
        }
        for item in items
    }


def detail_context(item: ContentItem) -> dict[str, Any]:
    allowed = queries.allowed_purposes(item)
    return {
        "template": "content/staff/_moderation_body.html",
        "facts_template": "content/staff/_moderation_facts.html",
        "after_facts": "content/staff/_moderation_notes.html",
        "public_url": reverse("content:item", args=[item.pk]),
        "allowed": [p.label for p in ConsentPurpose if p.value in allowed],
        "notices": [notice_message(str(n.get("code", ""))) for n in item.notices],
    }


def load(ids: Iterable[int]) -> dict[int, ContentItem]:
    return {item.pk: item for item in queries.items_for_moderation(ids)}


CONTENT = SubjectKind(
    model=ContentItem,
    slug="content",
    preview_template="content/staff/_moderation_preview.html",
    public_url=lambda pk: reverse("content:item", args=[pk]),
    load=load,
    preview_context=preview_context,
    detail_context=detail_context,
    approved_event=event_kinds.CONTENT_APPROVED,
    event_prefix="content",
    on_change=bump_public_version,
)


def register_content() -> None:
    register(CONTENT)
