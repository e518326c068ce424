"""Gallery cards preview a story or poem as plain text: no Markdown syntax, no markup."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tellus.content.models import ContentItem
from tellus.content.stories import render_story
from tellus.people.models import Person
from tests.content.factories import ContentItemFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PREVIEW = re.compile(r'<span class="text-preview" aria-hidden="true">(.*?)</span>', re.S)


def preview_of(body: str, title: str) -> str:
    """The text preview on the card whose title is ``title``."""
    card = next(c for c in body.split('<li class="item-card">')[1:] if title in c)
    found = PREVIEW.search(card)
    assert found, card
    return found.group(1)


def story(markdown: str, *, contributor: Person | None = None, **fields: Any) -> ContentItem:
    """A published story, its HTML rendered as the site renders it."""
    contributor = contributor or PersonFactory()
    return ContentItemFactory(
        contributor=contributor,
        kind="story",
        renditions=[],
        body=markdown,
        body_html=render_story(markdown, contributor_id=contributor.pk),
        **fields,
    )


def test_a_story_in_markdown_shows_as_clean_text(client):
    contributor = PersonFactory()
    photo = ContentItemFactory(contributor=contributor, title="Cove photo")
    markdown = (
        "## Playa del Carbón\n\n"
        "We swam at **Playa del Carbón**, see [the tide table](https://example.org/tide).\n\n"
        f"![The cove at dawn](content:{photo.pk})\n\n"
        "- *breakfast* after\n- a `nap`\n\n> Salt everywhere."
    )
    item = story(markdown, contributor=contributor, title="Morning swim")
    assert "<figure>" in item.body_html and "<strong>" in item.body_html

    text = preview_of(client.get("/gallery/").content.decode(), "Morning swim")

    assert text == (
        "Playa del Carbón We swam at Playa del Carbón, see the tide table. "
        "breakfast after a nap Salt everywhere."
    )
    for syntax in ("**", "##", "](", "`", "> ", "<", "The cove at dawn"):
        assert syntax not in text


def test_a_long_story_is_cut_at_thirty_words(client):
    story(" ".join(f"word{n}" for n in range(200)), title="Long walk")
    text = preview_of(client.get("/gallery/").content.decode(), "Long walk")
    assert text.endswith("word29…") and "word30" not in text


def test_a_story_stored_without_its_html_is_still_shown_as_text(client):
    ContentItemFactory(
        kind="story",
        renditions=[],
        title="Old import",
        body="# Lava fields\n\n**Black** and [warm](https://example.org). ![x](content:1)",
        body_html="",
    )
    text = preview_of(client.get("/gallery/").content.decode(), "Old import")
    assert text == "Lava fields Black and warm."


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script> Hello",
        "<img src=x onerror=alert(1)> Hello",
        '<b onmouseover="alert(1)">Hello</b>',
        "[Hello](javascript:alert(1))",
        "<scr<script>ipt>alert(1)</script> Hello",
        "&lt;script&gt;alert(1)&lt;/script&gt; Hello",
        "<svg/onload=alert(1)> Hello",
    ],
)
def test_a_hostile_story_shows_no_markup(client, markdown):
    story(markdown, title="Hostile tale")
    body = client.get("/gallery/").content.decode()
    text = preview_of(body, "Hostile tale")
    assert "Hello" in text
    for markup in ("<", "&lt;", "onerror", "onmouseover", "onload", "javascript:"):
        assert markup not in text
    assert "<script" not in body.split('id="main"')[1]


def test_a_poem_keeps_its_line_breaks_and_shows_no_markup(client):
    ContentItemFactory(
        kind="poem",
        renditions=[],
        title="Tide",
        body="Salt on the <b>wind</b>,\n  sun on the   stone;\n\n\n\nthe sea keeps time.",
    )
    text = preview_of(client.get("/gallery/").content.decode(), "Tide")
    assert text == "Salt on the wind ,<br>sun on the stone;<br><br>the sea keeps time."


def test_a_long_poem_shows_its_first_eight_lines(client):
    verses = "\n".join(f"verse {n}" for n in range(1, 21))
    ContentItemFactory(kind="poem", renditions=[], title="Long poem", body=verses)
    text = preview_of(client.get("/gallery/").content.decode(), "Long poem")
    assert text.split("<br>") == [f"verse {n}" for n in range(1, 8)] + ["verse 8…"]


def test_a_caption_is_preferred_and_shown_as_text(client):
    ContentItemFactory(
        kind="story",
        renditions=[],
        title="With a caption",
        caption="A <i>short</i> **summary**",
        body="## Not this",
        body_html="<h2>Not this</h2>",
    )
    text = preview_of(client.get("/gallery/").content.decode(), "With a caption")
    assert text == "A short **summary**"
