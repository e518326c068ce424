"""The widget's query parameters: few, strictly checked, and put in one canonical form.

The canonical form is what the caches and ETags key on, so that
``?limit=12&tag=beach`` and ``?tag=beach&limit=12`` share one cache entry and
anything we do not understand is refused rather than silently multiplying the
entries.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.conf import settings
from django.core.validators import validate_unicode_slug
from django.http import QueryDict
from django.utils.translation import get_supported_language_variant

from tellus.content.models import ContentItem
from tellus.content.queries import GalleryFilters

DEFAULT_LIMIT = 12
MAX_LIMIT = 48
# A language tag as browsers and pages write it: "es", "en-GB", "pt-br".
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")


class WidgetParamsError(ValueError):
    """A parameter we refuse, with a message for the person writing the snippet."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class _GalleryForm(forms.Form):
    tag = forms.CharField(required=False, max_length=60, validators=[validate_unicode_slug])
    place = forms.CharField(required=False, max_length=80, validators=[validate_unicode_slug])
    initiative = forms.CharField(required=False, max_length=80, validators=[validate_unicode_slug])
    kind = forms.ChoiceField(required=False, choices=[("", ""), *ContentItem.Kind.choices])
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT)
    lang = forms.CharField(required=False, max_length=35)

    def clean_lang(self) -> str:
        value: str = self.cleaned_data["lang"]
        if value and not LANGUAGE_TAG.match(value):
            raise forms.ValidationError("Give a language tag such as 'en' or 'es'.")
        return value


@dataclass(frozen=True)
class GalleryQuery:
    """What a gallery widget asks for, cleaned."""

    kind: str = ""
    tag: str = ""
    place: str = ""
    initiative: str = ""
    limit: int = DEFAULT_LIMIT
    lang: str = ""

    @property
    def filters(self) -> GalleryFilters:
        return GalleryFilters(
            kind=self.kind, tag=self.tag, place=self.place, initiative=self.initiative
        )

    @property
    def canonical(self) -> str:
        return (
            f"kind={self.kind}&tag={self.tag}&place={self.place}"
            f"&initiative={self.initiative}&limit={self.limit}&lang={self.lang}"
        )

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.canonical.encode()).hexdigest()[:24]


def _single_values(params: QueryDict, allowed: tuple[str, ...]) -> dict[str, str]:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        names = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise WidgetParamsError(
            f"Unknown parameter(s) {names}: the widget takes {', '.join(allowed)}.",
            field=unknown[0][:40],
        )
    values = {}
    for name in allowed:
        given = params.getlist(name)
        if len(given) > 1:
            raise WidgetParamsError(f"Give {name!r} once.", field=name)
        if given:
            values[name] = given[0].strip()
    return values


def _first_error(form: forms.Form) -> WidgetParamsError:
    field, errors = next(iter(form.errors.items()))
    message = str(errors[0])
    return WidgetParamsError(f"{field}: {message}", field=field)


def resolve_language(tag: str) -> str:
    """A supported language for a page's tag ("es-ES" -> "es"), or the site's default."""
    if not tag:
        return settings.LANGUAGE_CODE
    try:
        return get_supported_language_variant(tag.replace("_", "-").lower())
    except LookupError:
        return settings.LANGUAGE_CODE


def parse_gallery(params: QueryDict) -> GalleryQuery:
    """The cleaned query, or WidgetParamsError naming the first bad parameter."""
    values = _single_values(params, ("tag", "place", "initiative", "kind", "limit", "lang"))
    form = _GalleryForm(values)
    if not form.is_valid():
        raise _first_error(form)
    data = form.cleaned_data
    return GalleryQuery(
        kind=data["kind"],
        tag=data["tag"].lower(),
        place=data["place"],
        initiative=data["initiative"],
        limit=data["limit"] or DEFAULT_LIMIT,
        lang=resolve_language(data["lang"]),
    )


#: Query strings longer than this are parsed every time rather than remembered.
MEMO_QUERY_LENGTH = 512


@lru_cache(maxsize=4096)
def _parse_remembered(query_string: str) -> GalleryQuery:
    return parse_gallery(QueryDict(query_string))


def parse_gallery_query_string(query_string: str) -> GalleryQuery:
    """``parse_gallery`` for a raw query string, remembered per process.

    A Django form costs a few hundred microseconds (it deep-copies its fields),
    more than the rest of a cached answer; a widget on a busy site asks the
    same few queries again and again, so each is parsed once. Refusals are not
    remembered (an exception is never cached), and neither are long strings.
    """
    if len(query_string) > MEMO_QUERY_LENGTH:
        return parse_gallery(QueryDict(query_string))
    return _parse_remembered(query_string)


def parse_map(params: QueryDict) -> str:
    """The map widget takes only a language; returns it resolved."""
    values = _single_values(params, ("lang",))
    form = _GalleryForm({"lang": values.get("lang", "")})
    if not form.is_valid():
        raise _first_error(form)
    return resolve_language(form.cleaned_data["lang"])
