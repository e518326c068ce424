from __future__ import annotations

from typing import Any

from django import template

from tellus.content.queries import rendition_url

register = template.Library()


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
