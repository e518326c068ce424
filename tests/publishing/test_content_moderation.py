"""Content in the one moderation queue: who may decide, the queue, decisions, the item page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tellus.content.media.fingerprint import NOT_PHOTO_FLAGS, WATERMARK_FLAGS
from tellus.content.models import (
    CampaignPick,
    ContentItem,
)
from tellus.content.queries import public_items
from tellus.content.subjects import NOT_PHOTO_WARNINGS, WATERMARK_WARNINGS
from tellus.people.models import Person
from tellus.publishing.models import ModerationDecision, Report
from tests.content.staff_helpers import (  # noqa: F401 (the autouse fixture)
    HOSTILE,
    MARKETING,
    MODERATION,
    _media_in_a_temp_folder,
    decide,
    make_item,
    report,
    stored_photo,
    webp,
)
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db


# --- Who may open what ------------------------------------------------------------


@pytest.fixture
def pages(member) -> dict[str, set[str]]:
    pending = make_item(member)
    published = stored_photo(member, consents=("website", "print"))
    pick = CampaignPick.objects.create(item=published, purpose="print", campaign="Spring")
    return {
        "/console/moderation/": MODERATION,
        f"/console/moderation/content/{pending.pk}/": MODERATION,
        "/console/rights/": MARKETING,
        "/console/rights/find/": MARKETING,
        f"/console/rights/items/{published.pk}/": MARKETING,
        "/console/campaigns/": MARKETING,
        "/console/campaigns/find/": MARKETING,
        f"/console/campaigns/items/{published.pk}/": MARKETING,
        f"/console/campaigns/picks/{pick.pk}/download/": MARKETING,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_each_persona_as_its_role_allows(persona_client, persona, pages):
    client = persona_client(persona)
    for url, allowed in pages.items():
        response = client.get(url)
        if persona == "visitor":
            assert response.status_code == 302 and "login" in response["Location"], url
        elif persona in allowed:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert b"Not allowed" in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_and_admins_may_decide(persona_client, persona, member):
    item = make_item(member)
    response = decide(persona_client(persona), item, "approve")
    item.refresh_from_db()
    if persona in MODERATION:
        assert response.status_code == 302 and item.state == "published"
    else:
        assert response.status_code in {302, 403} and item.state == "pending"
        assert ModerationDecision.objects.count() == 0


def test_deciding_needs_a_post(persona_client, member):
    item = make_item(member)
    assert (
        persona_client("moderator")
        .get(f"/console/moderation/content/{item.pk}/decide/")
        .status_code
        == 405
    )


def test_navigation_shows_each_role_its_pages(persona_client):
    def nav(persona: str) -> str:
        body = persona_client(persona).get("/console/").content.decode()
        return body.split('class="console-nav"')[1].split("</nav>")[0]

    assert "Moderation" in nav("moderator") and "Campaigns" not in nav("moderator")
    assert "Rights requests" in nav("marketer") and "Campaigns" in nav("marketer")
    assert "Moderation" not in nav("marketer")
    assert all(label in nav("admin") for label in ["Moderation", "Rights requests", "Campaigns"])
    assert not any(label in nav("analyst") for label in ["Moderation", "Rights", "Campaigns"])


# --- The moderation queue -----------------------------------------------------------


def test_queue_lists_waiting_items_oldest_first_with_what_a_moderator_needs(
    persona_client, member, other_member
):
    now = timezone.now()
    earlier = now - timezone.timedelta(days=3)
    original = make_item(other_member, state="published", title="Original beach")
    make_item(
        member,
        title="Beach copy",
        created_at=earlier,
        flags=["few_colours", "corner_overlay", "near_duplicate", f"duplicate_of:{original.pk}"],
    )
    make_item(
        member,
        kind="poem",
        title="Lava",
        body="first line\n\nsecond line\nthird line\nfourth line\nfifth line",
        created_at=now - timezone.timedelta(days=1),
    )
    reported = make_item(other_member, state="published", title="Reported twice")
    report(reported, 2, reason="privacy", details="my face is in it")
    hidden = make_item(other_member, state="published", title="Hidden by reports")
    report(hidden, 3, reason="offensive")
    make_item(member, state="published", title="Quiet published")
    make_item(member, state="rejected", title="Old rejection")
    make_item(member, state="needs_edit", title="Being edited")

    response = persona_client("moderator").get("/console/moderation/")
    body = response.content.decode()
    titles = [entry.subject.title for entry in response.context["entries"]]
    assert titles[:2] == ["Beach copy", "Lava"]
    assert set(titles) == {"Beach copy", "Lava", "Reported twice", "Hidden by reports"}
    assert "4 items to review" in body
    # The contributor's history, from the queue query: Marta has 1 published, 1 rejected.
    assert "1 published" in body and "1 rejected" in body
    # A preview: the smallest rendition with the title as its text, or the first lines.
    assert 'alt="Beach copy"' in body and "content/beach-copy-320.webp" in body
    assert "first line<br>second line<br>third line<br>fourth line" in body
    assert "fifth line" not in body
    # Flags as readable warnings, with a link to the duplicate.
    assert "It looks like an item already shared." in body
    assert f'href="/console/moderation/content/{original.pk}/"' in body
    assert "Few colours: it may be a drawing, a logo or a chart." in body
    assert "it may carry someone else&#x27;s watermark" in body
    # Reports, with their reasons; an item hidden by reports says so.
    assert "Hidden after 3 reports" in body and "Published, reported 2 times" in body
    assert "It shows someone who did not agree" in body and "my face is in it" in body
    assert "Offensive or hateful" in body
    # Each entry offers only the decisions that apply to it.
    entries = {entry.subject.title: entry for entry in response.context["entries"]}
    assert [a for a, _label in entries["Beach copy"].actions] == [
        "approve",
        "reject",
        "ask_edit",
        "hide",
    ]
    assert [a for a, _label in entries["Reported twice"].actions] == [
        "dismiss",
        "reject",
        "ask_edit",
        "hide",
    ]
    assert [a for a, _label in entries["Hidden by reports"].actions] == [
        "approve",
        "reject",
        "ask_edit",
    ]


def test_every_flag_of_the_pipeline_has_a_readable_warning():
    assert set(NOT_PHOTO_WARNINGS) == NOT_PHOTO_FLAGS
    assert set(WATERMARK_WARNINGS) == WATERMARK_FLAGS


def _queue_with(count: int, contributors: list[Person]) -> None:
    for i in range(count):
        contributor = contributors[i % len(contributors)]
        duplicate = make_item(contributor, state="published", title=f"Seen {i}")
        make_item(
            contributor,
            title=f"Waiting {i}",
            flags=["tiny", "near_duplicate", f"duplicate_of:{duplicate.pk}"],
        )
        make_item(contributor, kind="story", title=f"Story {i}", body="Once\nupon")
        reported = make_item(contributor, state="published", title=f"Reported {i}")
        report(reported, 1 + i % 3)


def test_the_queue_costs_the_same_whatever_its_length(persona_client):
    client = persona_client("moderator")
    contributors = PersonFactory.create_batch(3)
    _queue_with(1, contributors)
    client.get("/console/moderation/")  # session and branding caches
    # Four for the session and permissions, then the shared queue: its count, the
    # page of (kind, id) rows, the content items, their open reports, their duplicates.
    with assert_queries(9):
        response = client.get("/console/moderation/")
    assert len(response.context["entries"]) == 3
    _queue_with(12, contributors)
    with assert_queries(9):
        response = client.get("/console/moderation/?page=1")
    assert len(response.context["entries"]) == 20
    with assert_queries(9):
        response = client.get("/console/moderation/?page=2")
    assert len(response.context["entries"]) == 39 - 20


def test_the_queue_refuses_nothing_on_odd_page_numbers(persona_client, member):
    make_item(member)
    client = persona_client("moderator")
    for page in ("abc", "-1", "99999", "1" * 400):
        assert client.get(f"/console/moderation/?page={page}").status_code == 200
    assert client.get("/console/moderation/content/999999/").status_code == 404
    assert decide(client, ContentItem(pk=999999), "approve").status_code == 404


# --- Decisions ----------------------------------------------------------------------


def test_approving_publishes_and_shows_the_item_when_the_website_use_is_allowed(
    persona_client, member
):
    allowed = make_item(member, title="Allowed", consents=("website",))
    private = make_item(member, title="Not for the website", consents=("print",))
    client = persona_client("moderator")
    assert list(public_items()) == []
    for item in (allowed, private):
        response = decide(client, item, "approve", next="/console/moderation/?page=1")
        assert response.status_code == 302 and response["Location"] == "/console/moderation/"
        item.refresh_from_db()
        assert item.state == "published" and item.published_at is not None
    assert list(public_items()) == [allowed]
    follow = client.get("/console/moderation/")
    assert "Approved: “Not for the website” is now “Published”." in follow.content.decode()


def test_a_decision_returns_to_the_page_it_came_from_but_never_elsewhere(persona_client, member):
    client = persona_client("moderator")
    first, second = (make_item(member, title=f"Item {i}") for i in range(2))
    back = client.post(
        f"/console/moderation/content/{first.pk}/decide/",
        {"action": "approve", "next": "/console/moderation/?page=2"},
    )
    assert back["Location"] == "/console/moderation/?page=2"
    for target in ("https://evil.example/", "//evil.example/console/", "/accounts/logout/"):
        response = client.post(
            f"/console/moderation/content/{second.pk}/decide/",
            {"action": "approve", "next": target},
        )
        assert response["Location"] == "/console/moderation/", target
        second.state = "pending"
        second.save()


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(persona_client, member):
    item = make_item(member, consents=("website",))
    client = persona_client("moderator")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        for action in ("reject", "ask_edit", "hide"):
            response = decide(client, item, action, reason="   ", **headers)
            assert response.status_code == 200
            body = response.content.decode()
            assert "Give the contributor a reason." in body
            assert 'role="alert"' in body and 'aria-invalid="true"' in body
            item.refresh_from_db()
            assert item.state == "pending" and item.moderation_note == ""
    assert ModerationDecision.objects.count() == 0
    # Without JavaScript the error comes on the item's page, beside the form.
    plain = decide(client, item, "reject")
    assert "<h1>Dunes at dawn</h1>" in plain.content.decode()


def test_with_htmx_a_decision_answers_in_place(persona_client, member):
    item = make_item(member)
    response = decide(
        persona_client("moderator"), item, "ask_edit", "Add a caption", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="decision-content-{item.pk}"' in body and 'role="status"' in body
    assert "Asked to edit: “Dunes at dawn” is now “Asked to edit”." in body


@pytest.mark.parametrize(
    ("start", "action", "reason", "end", "logged"),
    [
        ("pending", "approve", "", "published", "approve"),
        ("pending", "reject", "Not at this destination", "rejected", "reject"),
        ("pending", "ask_edit", "Crop the watermark", "needs_edit", "ask_edit"),
        ("pending", "hide", "Checking the rights", "hidden", "hide"),
        ("reported", "dismiss", "It is fine", "published", "dismiss"),
        ("hidden", "approve", "", "published", "approve"),
    ],
)
def test_each_decision_is_in_the_audit_log(
    persona_client, moderator, member, start, action, reason, end, logged
):
    if start == "pending":
        item = make_item(member)
    else:
        item = make_item(member, state="published")
        report(item, 1 if start == "reported" else 3, details="not theirs")
    client = persona_client("moderator")
    assert decide(client, item, action, reason).status_code == 302
    item.refresh_from_db()
    assert item.state == end
    decision = ModerationDecision.objects.filter(moderator__isnull=False).get()
    assert (decision.subject_id, decision.moderator, decision.action, decision.reason) == (
        item.pk,
        moderator,
        logged,
        reason,
    )
    assert not Report.objects.filter(subject_id=item.pk, resolved_at__isnull=True).exists()
    page = client.get(f"/console/moderation/content/{item.pk}/").content.decode()
    log = page.split("Audit log")[-1]
    assert "Moderator" in log and decision.get_action_display() in log
    assert (reason or "—") in log
    if start == "hidden":
        assert "Hidden after reports" in log and "3 reports" in log and "Automatic" in log


def test_a_decision_that_does_not_apply_is_explained(persona_client, member):
    item = make_item(member, state="rejected")
    response = decide(persona_client("moderator"), item, "approve")
    assert response.status_code == 200
    assert "This item is “Rejected”; “Approved” does not apply to it." in (
        response.content.decode()
    )
    bogus = decide(persona_client("moderator"), make_item(member), "delete")
    assert "Select a valid choice" in bogus.content.decode()
    long = decide(persona_client("moderator"), make_item(member), "reject", "x" * 501)
    assert "at most 500 characters" in long.content.decode()
    assert ModerationDecision.objects.count() == 0


def test_the_item_page_shows_the_whole_item_and_costs_the_same_whatever_its_history(
    persona_client, member, moderator
):
    item = make_item(
        member,
        kind="story",
        title="Caves",
        body="## Jameos\n\nWater and light.",
        body_html="<h2>Jameos</h2><p>Water and light.</p>",
        caption="A walk underground",
    )
    client = persona_client("moderator")
    client.get(f"/console/moderation/content/{item.pk}/")
    with assert_queries(9):
        body = client.get(f"/console/moderation/content/{item.pk}/").content.decode()
    assert "<h2>Jameos</h2>" in body and "A walk underground" in body and "No decision yet." in body
    for round_ in range(4):
        decide(client, item, "ask_edit", f"Round {round_}")
        ContentItem.objects.filter(pk=item.pk).update(state="pending")
    with assert_queries(9):
        body = client.get(f"/console/moderation/content/{item.pk}/").content.decode()
    assert all(f"Round {n}" in body for n in range(4))
