"""The demo's parts on their own: painted photos, visitors' words, the log's causes, the plan."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from tellus.content.media import NOT_PHOTO_FLAGS, hamming_distance, process_media
from tellus.content.stories import render_story
from tellus.demo import landscapes, plan
from tellus.demo.plan import words
from tellus.demo.plan.content import plan_content
from tellus.demo.plan.log import KIND
from tellus.engagement import kinds

TAKEN = dt.datetime(2025, 5, 1, 18, 30)


@pytest.mark.parametrize("scene", landscapes.SCENES)
def test_each_scene_passes_the_pipeline_as_a_photo_with_its_gps_and_date(scene: str) -> None:
    data = landscapes.photo_jpeg(scene, 7, taken_at=TAKEN, gps=(29.051234, -13.612345))
    result = process_media(data)
    assert result.metadata.location is not None
    assert result.metadata.location.latitude == pytest.approx(29.051234, abs=1e-6)
    assert result.metadata.location.longitude == pytest.approx(-13.612345, abs=1e-6)
    assert result.metadata.taken_at is not None
    assert result.metadata.taken_at.replace(tzinfo=None) == TAKEN
    assert not result.notices
    assert not result.flags & NOT_PHOTO_FLAGS  # a moderator sees no "drawing" flag
    assert (result.width, result.height) == landscapes.SIZE


def test_a_photo_without_gps_has_no_location_and_portraits_stand_up() -> None:
    data = landscapes.photo_jpeg("village", 3, taken_at=TAKEN, portrait=True)
    result = process_media(data)
    assert result.metadata.location is None
    assert (result.width, result.height) == landscapes.SIZE[::-1]


def test_the_same_seed_paints_the_same_picture_and_others_differ() -> None:
    first = np.asarray(landscapes.landscape("beach", 11))
    again = np.asarray(landscapes.landscape("beach", 11))
    np.testing.assert_array_equal(first, again)
    hashes = []
    for seed in range(12):
        data = landscapes.photo_jpeg(landscapes.SCENES[seed % 3], seed, taken_at=TAKEN)
        hash_ = process_media(data).perceptual_hash
        assert hash_ is not None
        hashes.append(hash_)
    assert len(set(hashes)) == len(hashes)
    close = [hamming_distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :]]
    assert np.median(close) > 10  # most pairs are not near-duplicates


def test_a_photo_is_refused_an_unknown_scene_or_an_impossible_position() -> None:
    with pytest.raises(ValueError, match="Unknown scene 'snow'"):
        landscapes.landscape("snow", 1)
    with pytest.raises(ValueError, match="out of range"):
        landscapes.photo_jpeg("beach", 1, taken_at=TAKEN, gps=(95.0, -13.6))
    with pytest.raises(ValueError, match="out of range"):
        landscapes.photo_jpeg("beach", 1, taken_at=TAKEN, gps=(29.0, float("nan")))


def test_a_picture_looks_like_a_landscape_sky_above_ground() -> None:
    pixels = np.asarray(landscapes.landscape("beach", 5).convert("L"), dtype=float)
    assert pixels[:40].std() < pixels.std()  # a smooth sky at the top
    assert pixels.std() > 20  # and something below it
    with Image.open(io.BytesIO(landscapes.photo_jpeg("beach", 5, taken_at=TAKEN))) as image:
        assert image.format == "JPEG" and image.getexif()[0x010F]  # a camera's make


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_stories_are_markdown_with_paragraphs_a_heading_and_a_list(language: str) -> None:
    title, body = words.story(np.random.default_rng(1), language, "Playa Larga")
    assert title and "\n\n" in body
    html = render_story(body, contributor_id=1)
    assert html.count("<p>") >= 3
    assert "<h2>" in html and html.count("<li>") == 3
    assert "{" not in body  # every blank filled


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_poems_keep_their_lines_and_stanzas(language: str) -> None:
    title, body = words.poem(np.random.default_rng(2), language)
    stanzas = body.split("\n\n")
    assert title and 2 <= len(stanzas) <= 3
    assert all(3 <= len(stanza.splitlines()) <= 4 for stanza in stanzas)


def test_words_are_the_same_for_the_same_seed_and_differ_by_language() -> None:
    english = words.photo_text(np.random.default_rng(4), "en", "harbour", "Puerto")
    assert english == words.photo_text(np.random.default_rng(4), "en", "harbour", "Puerto")
    spanish = words.story(np.random.default_rng(4), "es", "Aldea Blanca")
    assert spanish != words.story(np.random.default_rng(4), "en", "Aldea Blanca")
    with pytest.raises(ValueError, match="No demo texts in 'fr'"):
        words.poem(np.random.default_rng(4), "fr")


def test_the_simulation_says_what_each_approval_view_and_click_follows() -> None:
    events = plan.simulate(400, 3).events
    kind, cause, member = events.kind, events.cause, events.member
    expected = {
        kinds.CONTENT_APPROVED: kinds.CONTENT_SUBMITTED,
        kinds.CONTENT_VIEWED: kinds.CONTENT_SUBMITTED,
        kinds.SHARE_CLICKED: kinds.SHARE_CREATED,
    }
    for name, source in expected.items():
        rows = np.flatnonzero(kind == KIND[name])
        assert rows.size and (cause[rows] >= 0).all()
        assert (kind[cause[rows]] == KIND[source]).all()
        assert (events.seconds[cause[rows]] <= events.seconds[rows]).all()
        credited = member[rows] if name == kinds.CONTENT_APPROVED else events.attributed_to[rows]
        assert (member[cause[rows]] == credited).all()
    others = ~np.isin(kind, [KIND[name] for name in expected])
    assert (cause[others] == -1).all()


def test_the_content_plan_is_the_same_twice_and_needs_no_database() -> None:
    """The planner is pure: no database (this test may not touch one), one plan per seed."""
    world = plan.simulate(300, 5)
    first, again = (plan_content(world, size="small", seed=5, first_id=1) for _ in range(2))
    other = plan_content(plan.simulate(300, 6), size="small", seed=6, first_id=1)
    assert first.items == again.items
    assert (first.shares, first.reports) == (again.shares, again.reports)
    assert first.rights_requests == again.rights_requests
    np.testing.assert_array_equal(first.subject, again.subject)
    np.testing.assert_array_equal(first.keep, again.keep)
    assert first.items != other.items
    assert [i.pk for i in first.items] == list(range(1, len(first.items) + 1))
    assert sum(i.has_file for i in first.items) == 20  # the small demo's photos
    states = {i.state for i in first.items}
    assert states >= {"published", "pending", "rejected", "needs_edit", "hidden", "failed"}
    # Every item is its submission's subject, and so are the events that follow it.
    subjects = set(first.subject[first.subject >= 0].tolist())
    assert {i.pk for i in first.items} <= subjects
