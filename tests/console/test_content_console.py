"""The content hub's staff side: the moderation queue, rights requests and campaigns."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from tellus.content.media.fingerprint import NOT_PHOTO_FLAGS, WATERMARK_FLAGS
from tellus.content.models import (
    CampaignPick,
    ContentItem,
    Place,
    RightsRequest,
)
from tellus.content.queries import public_items
from tellus.content.services import content_set_consents, rights_request_answer
from tellus.content.subjects import NOT_PHOTO_WARNINGS, WATERMARK_WARNINGS
from tellus.core.queries import get_branding
from tellus.people.models import Person
from tellus.publishing.models import ModerationDecision, Report
from tellus.publishing.services import report_create
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

MODERATION = {"moderator", "admin"}
MARKETING = {"marketer", "admin"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _media_in_a_temp_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_item(
    contributor: Person,
    *,
    state: str = "pending",
    kind: str = "photo",
    title: str = "Dunes at dawn",
    consents: tuple[str, ...] = (),
    **fields: Any,
) -> ContentItem:
    if kind in {"photo", "video"}:
        fields.setdefault(
            "renditions",
            [{"width": 320, "height": 240, "name": f"content/{slugify(title)}-320.webp"}],
        )
    if state == "published":
        fields.setdefault("published_at", timezone.now())
    item = ContentItem.objects.create(
        contributor=contributor, kind=kind, state=state, title=title, **fields
    )
    if consents:
        content_set_consents(item=item, purposes=consents)
    return item


def webp(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "WEBP")
    return buffer.getvalue()


def stored_photo(contributor: Person, *, title: str = "Salinas", **fields: Any) -> ContentItem:
    """A published photo whose two renditions are real WebP files in the media storage."""
    small = default_storage.save("content/test/a-320.webp", ContentFile(webp(320, 240, (9, 9, 9))))
    large = default_storage.save(
        "content/test/a-640.webp", ContentFile(webp(640, 480, (200, 9, 9)))
    )
    renditions = [
        {"width": 320, "height": 240, "name": small},
        {"width": 640, "height": 480, "name": large},
    ]
    return make_item(contributor, state="published", title=title, renditions=renditions, **fields)


def report(item: ContentItem, n: int, reason: str = "spam", details: str = "") -> None:
    for i in range(n):
        report_create(
            subject=item,
            reason=reason,
            details=details,
            reporter=None,
            address_key=f"{item.pk}-{i}",
            hide_after=3,
        )


def decide(client: Client, item: ContentItem, action: str, reason: str = "", **extra: Any):
    return client.post(
        f"/console/moderation/content/{item.pk}/decide/",
        {"action": action, "reason": reason},
        **extra,
    )


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


# --- Rights requests ----------------------------------------------------------------


def test_a_marketer_finds_an_item_and_sends_a_rights_request(persona_client, member, marketer):
    place = Place.objects.create(name="Famara", slug="famara", latitude=29.1, longitude=-13.5)
    item = make_item(
        member, state="published", title="Famara surf", place=place, consents=("website",)
    )
    make_item(member, state="published", title="Other beach", consents=("website", "print"))
    make_item(member, title="Still pending")
    client = persona_client("marketer")

    found = client.get("/console/rights/find/?q=surf").content.decode()
    assert "Famara surf" in found and "Other beach" not in found and "Still pending" not in found
    by_place = client.get("/console/rights/find/?place=famara").context["page"]
    assert [i.title for i in by_place] == ["Famara surf"]
    printable = client.get("/console/rights/find/?allows=print").context["page"]
    assert [i.title for i in printable] == ["Other beach"]

    page = client.get(f"/console/rights/items/{item.pk}/").content.decode()
    assert "Display on the destination&#x27;s website and widgets" in page
    response = client.post(
        f"/console/rights/items/{item.pk}/",
        {"purpose": "print", "message": "May we print it in our spring brochure?"},
    )
    assert response.status_code == 302 and response["Location"] == "/console/rights/"
    sent = RightsRequest.objects.get()
    assert (sent.item, sent.purpose, sent.requested_by, sent.state) == (
        item,
        "print",
        marketer,
        "pending",
    )
    listing = client.get("/console/rights/").content.decode()
    assert "Famara surf" in listing and "Waiting for an answer" in listing

    rights_request_answer(request=sent, accept=True)
    listing = client.get("/console/rights/?state=accepted").content.decode()
    assert "Famara surf" in listing and "Accepted" in listing
    assert "Famara surf" not in client.get("/console/rights/?state=pending").content.decode()


def test_a_rights_request_refuses_what_makes_no_sense(persona_client, member):
    item = make_item(member, state="published", consents=("website",))
    client = persona_client("marketer")
    url = f"/console/rights/items/{item.pk}/"
    errors = {
        "This field is required": {"purpose": "print", "message": "   "},
        "already allows this use": {"purpose": "website", "message": "Again?"},
        "Select a valid choice": {"purpose": "exact_location", "message": "Where?"},
        "at most 2000 characters": {"purpose": "print", "message": "x" * 2001},
        "control characters": {"purpose": "print", "message": "hi\x00there"},
    }
    for expected, data in errors.items():
        response = client.post(url, data)
        assert response.status_code == 200 and expected in response.content.decode(), expected
    assert RightsRequest.objects.count() == 0
    client.post(url, {"purpose": "social", "message": "Instagram?"})
    again = client.post(url, {"purpose": "social", "message": "Instagram, please?"})
    assert "already waiting for the answer" in again.content.decode()
    assert RightsRequest.objects.count() == 1
    unpublished = make_item(member)
    assert client.get(f"/console/rights/items/{unpublished.pk}/").status_code == 404


def test_rights_pages_cost_the_same_whatever_their_length(persona_client, marketer):
    client = persona_client("marketer")
    contributors = PersonFactory.create_batch(3)

    def add(count: int) -> None:
        for i in range(count):
            item = make_item(
                contributors[i % 3], state="published", title=f"P{i}", consents=("website",)
            )
            RightsRequest.objects.create(
                item=item, requested_by=marketer, purpose="print", message="May we?"
            )

    add(2)
    client.get("/console/rights/")
    with assert_queries(6):
        client.get("/console/rights/")
    with assert_queries(7):
        client.get("/console/rights/find/")
    add(60)
    with assert_queries(6):
        assert len(client.get("/console/rights/").context["page"]) == 50
    with assert_queries(7):
        assert len(client.get("/console/rights/find/?page=2").context["page"]) == 12


# --- Campaigns ------------------------------------------------------------------------


def test_picking_needs_the_consent_for_that_use(persona_client, member):
    item = make_item(member, state="published", title="Arrecife", consents=("website", "social"))
    client = persona_client("marketer")
    refused = client.post(
        f"/console/campaigns/items/{item.pk}/", {"purpose": "print", "campaign": "Spring print"}
    )
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "The contributor has not allowed this use. Send them a rights request." in body
    assert f'href="/console/rights/items/{item.pk}/?use=print"' in body
    assert CampaignPick.objects.count() == 0

    picked = client.post(
        f"/console/campaigns/items/{item.pk}/", {"purpose": "social", "campaign": " Summer "}
    )
    assert picked.status_code == 302 and picked["Location"] == "/console/campaigns/?campaign=Summer"
    pick = CampaignPick.objects.get()
    assert (pick.item, pick.purpose, pick.campaign) == (item, "social", "Summer")
    pending = make_item(member, consents=("print",))
    assert client.get(f"/console/campaigns/items/{pending.pk}/").status_code == 404


def test_the_library_marks_the_uses_each_item_allows(persona_client, member):
    make_item(member, state="published", title="Web only", consents=("website",))
    make_item(
        member, state="published", title="Everything", consents=("website", "social", "print")
    )
    page = persona_client("marketer").get("/console/campaigns/find/")
    rows = {
        i.title: (i.allows_website, i.allows_social, i.allows_print) for i in page.context["page"]
    }
    assert rows == {"Web only": (True, False, False), "Everything": (True, True, True)}
    body = page.content.decode()
    assert "<s>Print</s>" in body and "✓ Print" in body


def test_campaign_picks_are_listed_per_campaign_at_a_fixed_cost(persona_client, marketer):
    client = persona_client("marketer")
    contributors = PersonFactory.create_batch(3)

    def add(count: int) -> None:
        for i in range(count):
            item = make_item(
                contributors[i % 3], state="published", title=f"Pick {i}", consents=("print",)
            )
            CampaignPick.objects.create(
                item=item, purpose="print", campaign=f"Campaign {i % 2}", picked_by=marketer
            )

    add(2)
    client.get("/console/campaigns/")
    with assert_queries(7):
        body = client.get("/console/campaigns/").content.decode()
    assert body.index("Campaign 0") < body.index("Campaign 1")
    add(60)
    with assert_queries(7):
        response = client.get("/console/campaigns/?campaign=Campaign%201")
    assert {p.campaign for p in response.context["page"]} == {"Campaign 1"}
    assert len(response.context["page"]) == 31
    with assert_queries(7):
        client.get("/console/campaigns/find/")


# --- The download ------------------------------------------------------------------


def test_the_download_holds_the_largest_rendition_its_credit_and_its_consent_record(
    persona_client, member
):
    member.display_name = "Marta Ruiz"
    member.save()
    item = stored_photo(member, title="Salinas de Janubio", consents=("website", "print", "social"))
    content_set_consents(item=item, purposes=("website", "print"))  # social withdrawn
    pick = CampaignPick.objects.create(item=item, purpose="print", campaign="Spring brochure")
    response = persona_client("marketer").get(f"/console/campaigns/picks/{pick.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'attachment; filename="spring-brochure-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(
        [f"salinas-de-janubio-{item.pk}.webp", "credit.txt", "consent.json"]
    )
    picture = Image.open(io.BytesIO(archive.read(f"salinas-de-janubio-{item.pk}.webp")))
    assert picture.format == "WEBP" and picture.size == (640, 480)
    credit = archive.read("credit.txt").decode().splitlines()
    assert credit[0] == f"Photo: Marta Ruiz / {get_branding().name} via Tellus"
    assert credit[1] == "Title: Salinas de Janubio"
    assert credit[2] == f"Date: {timezone.localdate(item.published_at).isoformat()}"
    record = json.loads(archive.read("consent.json"))
    assert (record["item"], record["campaign"], record["use"]) == (
        item.pk,
        "Spring brochure",
        "print",
    )
    rows = {row["purpose"]: row for row in record["consents"]}
    assert set(rows) == {"website", "print", "social"}
    assert rows["social"]["withdrawn_at"] is not None and rows["print"]["withdrawn_at"] is None
    assert all(row["source"] == "form" and row["granted_at"] for row in rows.values())


def test_no_download_once_the_use_is_withdrawn_or_the_item_is_gone(persona_client, member):
    item = stored_photo(member, consents=("website", "print"))
    pick = CampaignPick.objects.create(item=item, purpose="print", campaign="Autumn")
    client = persona_client("marketer")
    url = f"/console/campaigns/picks/{pick.pk}/download/"
    assert client.get(url).status_code == 200
    content_set_consents(item=item, purposes=("website",))
    refused = client.get(url)
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")
    assert "no longer allows “Use in print”" in refused.content.decode()
    assert "Consent withdrawn" in client.get("/console/campaigns/").content.decode()
    content_set_consents(item=item, purposes=("website", "print"))
    ContentItem.objects.filter(pk=item.pk).update(state="hidden")
    hidden = client.get(url)
    assert hidden.status_code == 403 and "no longer published" in hidden.content.decode()
    assert client.get("/console/campaigns/picks/999999/download/").status_code == 404


def test_a_picked_poem_downloads_as_text(persona_client, member):
    poem = make_item(
        member,
        state="published",
        kind="poem",
        title="Jameos",
        body="cave\nwater",
        consents=("social",),
    )
    pick = CampaignPick.objects.create(item=poem, purpose="social", campaign="Poetry week")
    response = persona_client("admin").get(f"/console/campaigns/picks/{pick.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read(f"jameos-{poem.pk}.txt").decode() == "cave\nwater"
    assert archive.read("credit.txt").decode().startswith("Poem: ")


# --- Hostile text ---------------------------------------------------------------------


def test_hostile_text_is_shown_escaped_everywhere(persona_client, member, marketer):
    member.display_name = "<b>Mallory</b>"
    member.save()
    pending = make_item(member, kind="poem", title=HOSTILE, body=HOSTILE, caption=HOSTILE)
    published = make_item(member, state="published", title=HOSTILE, consents=("website", "print"))
    report(published, 1, reason="other", details=HOSTILE)
    RightsRequest.objects.create(
        item=published, requested_by=marketer, purpose="social", message=HOSTILE
    )
    pick = CampaignPick.objects.create(item=published, purpose="print", campaign=HOSTILE)
    moderator = persona_client("moderator")
    marketing = persona_client("marketer")
    pages = [
        moderator.get("/console/moderation/"),
        moderator.get(f"/console/moderation/content/{pending.pk}/"),
        moderator.get(f"/console/moderation/content/{published.pk}/"),
        decide(moderator, pending, "reject", HOSTILE, HTTP_HX_REQUEST="true"),
        marketing.get("/console/rights/"),
        marketing.get("/console/rights/find/"),
        marketing.get(f"/console/rights/items/{published.pk}/"),
        marketing.get("/console/campaigns/"),
        marketing.get(f"/console/campaigns/items/{published.pk}/"),
    ]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>Mallory" not in body
        assert "&lt;script&gt;alert" in body
    assert pick.pk


# --- In Spanish -------------------------------------------------------------------------


def test_the_pages_with_content_speak_spanish(member, other_member, admin_person):
    from tests.test_translations import _assert_spanish, _spanish_client

    admin_person.display_name = "Ana"
    admin_person.save()
    original = make_item(other_member, state="published", title="Playa original")
    make_item(
        member,
        title="Copia de la playa",
        flags=[*sorted(NOT_PHOTO_FLAGS | WATERMARK_FLAGS), f"duplicate_of:{original.pk}"],
    )
    reported = stored_photo(other_member, title="Denunciada", consents=("print",))
    report(reported, 1, reason="privacy")
    hidden = make_item(other_member, state="published", title="Oculta")
    report(hidden, 3)
    RightsRequest.objects.create(
        item=reported, requested_by=admin_person, purpose="social", message="¿Podemos?"
    )
    pick = CampaignPick.objects.create(item=reported, purpose="print", campaign="Primavera")
    client = _spanish_client(admin_person)
    _assert_spanish(
        client,
        "/console/moderation/",
        "Oculto tras 3 denuncias",
        "Publicado, denunciado 1 vez",
        "Parece un elemento ya compartido.",
        "Mantenerlo publicado",
    )
    _assert_spanish(
        client, f"/console/moderation/content/{hidden.pk}/", "Registro de auditoría", "3 denuncias"
    )
    _assert_spanish(client, "/console/rights/", "Pendiente de respuesta")
    _assert_spanish(client, "/console/rights/find/", "Pedir derechos")
    _assert_spanish(client, f"/console/rights/items/{reported.pk}/", "Enviar la solicitud")
    _assert_spanish(client, "/console/campaigns/", "Primavera")
    _assert_spanish(client, "/console/campaigns/find/", "Elegir")
    _assert_spanish(client, f"/console/campaigns/items/{reported.pk}/", "Elegir")
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/console/campaigns/picks/{pick.pk}/download/").content)
    )
    assert archive.read("credit.txt").decode().startswith("Foto: Olav / ")
    ContentItem.objects.filter(pk=reported.pk).update(state="hidden")
    refused = client.get(f"/console/campaigns/picks/{pick.pk}/download/")
    assert refused.status_code == 403 and "ya no está publicado" in refused.content.decode()
