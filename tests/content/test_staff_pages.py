"""The content hub's own staff pages: rights requests, campaigns and their downloads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone
from PIL import Image

from tellus.content.media.fingerprint import NOT_PHOTO_FLAGS, WATERMARK_FLAGS
from tellus.content.models import (
    CampaignPick,
    ContentItem,
    Place,
    RightsRequest,
)
from tellus.content.services import content_set_consents, rights_request_answer
from tellus.core.queries import get_branding
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

pytestmark = pytest.mark.django_db


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
