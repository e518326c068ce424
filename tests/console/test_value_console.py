"""The console's engagement value page: who sees it, recomputing, the run's progress,
the values themselves, and each member's own values on their page."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tellus.engagement import kinds
from tellus.engagement.models import EngagementValue, ScoringRun
from tellus.engagement.services import record_event, trip_record
from tellus.people.models import Person
from tests.factories import PersonFactory
from tests.helpers import assert_queries
from tests.personas import PERSONAS
from tests.test_translations import _assert_spanish, _spanish_client

pytestmark = pytest.mark.django_db

PAGE = "/console/value/"
STATUS = "/console/value/status/"
RECOMPUTE = "/console/value/recompute/"
ALLOWED = {"analyst", "admin"}
PARAMETERS = {
    "members": 10,
    "trips": 24,
    "events": 3,
    "horizon_months": 12,
    "annual_discount_rate": 0.1,
    "bgnbd": {"r": 0.25, "alpha": 4.5, "a": 0.8, "b": 2.4},
    "gamma_gamma": {"p": 6.2, "q": 3.9, "v": 410.0},
}


def _stored_values(count: int, *, run: ScoringRun | None = None) -> list[Person]:
    """``count`` members with stored values: CLV grows with the index; the first one
    travels least but brings many visitors, so CLV alone ranks them lowest."""
    run = run or ScoringRun.objects.create(
        status=ScoringRun.Status.DONE,
        as_of=timezone.now(),
        finished_at=timezone.now(),
        progress=100,
        members=count,
        parameters=PARAMETERS,
    )
    people = [PersonFactory(display_name=f"Viajera {n}") for n in range(count)]
    segments = ["passive_receiver", "occasional_contributor", "active_contributor", "at_risk"]
    EngagementValue.objects.bulk_create(
        EngagementValue(
            member=person,
            run=run,
            p_alive=0.8,
            expected_trips=1.5,
            clv=100.0 * n,
            crv=5000.0 if n == 0 else 0.0,
            civ=10.0,
            ckv=2.5,
            cev=100.0 * n + (5000.0 if n == 0 else 0.0) + 12.5,
            segment="advocate" if n == 0 else segments[n % len(segments)],
        )
        for n, person in enumerate(people)
    )
    return people


def _destination() -> dict[str, Person]:
    """Travellers with repeat trips over two years (enough to fit the models), one who
    brings a friend, and one who does nothing."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=730)
    people = {"dev": PersonFactory(display_name="Dev"), "idle": PersonFactory(display_name="Idle")}
    for n in range(14):
        person = PersonFactory(display_name=f"Viajera {n}")
        people[person.display_name] = person
        days = [10 * n, 10 * n + 90 + 7 * n, 10 * n + 400] if n % 3 else [15 * n]
        for k, day in enumerate(days):
            arrival = start + dt.timedelta(days=day)
            trip_record(
                member=person,
                arrival=arrival,
                departure=arrival + dt.timedelta(days=4),
                spend=Decimal(200 + 37 * n + k),
            )
    friend = PersonFactory(display_name="Eli")
    joined = timezone.now() - dt.timedelta(days=40)
    record_event(kind=kinds.REFERRAL_INVITED, member=people["dev"], occurred_at=joined)
    record_event(
        kind=kinds.MEMBER_SIGNED_UP,
        member=friend,
        attributed_to=people["dev"],
        channel="referral",
        occurred_at=joined + dt.timedelta(hours=2),
    )
    arrival = today - dt.timedelta(days=20)
    trip_record(
        member=friend,
        arrival=arrival,
        departure=arrival,
        spend=Decimal("700"),
        referred_by=people["dev"],
    )
    return people


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", [PAGE, STATUS])
def test_the_page_and_its_status_by_role(persona_client, persona, url):
    response = persona_client(persona).get(url)
    if persona == "visitor":
        assert response.status_code == 302 and "login" in response["Location"]
    elif persona in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_analysts_and_admins_recompute(persona_client, persona):
    with mock.patch("tellus.engagement.tasks.score_members_later.delay"):
        response = persona_client(persona).post(RECOMPUTE)
    if persona == "visitor":
        assert response.status_code == 302 and "login" in response["Location"]
        assert ScoringRun.objects.count() == 0
    elif persona in ALLOWED:
        assert response.status_code == 302 and response["Location"] == PAGE
        assert ScoringRun.objects.count() == 1
    else:
        assert response.status_code == 403
        assert ScoringRun.objects.count() == 0


def test_recomputing_is_a_post(persona_client):
    assert persona_client("analyst").get(RECOMPUTE).status_code == 405
    assert ScoringRun.objects.count() == 0


def test_the_navigation_leads_to_the_page_right_after_engagement(persona_client):
    body = persona_client("analyst").get("/console/").content.decode()
    links = re.findall(r'<li><a href="(/console/[^"]*)"', body)
    assert links.index("/console/value/") == links.index("/console/engagement/") + 1
    body = persona_client("marketer").get("/console/").content.decode()
    assert "/console/value/" not in body


# --------------------------------------------------------------------------- before any run


def test_before_any_run_the_page_says_so_and_offers_to_recompute(persona_client):
    text = _text(persona_client("analyst").get(PAGE).content.decode())
    assert "The engagement value has never been computed." in text
    assert "No member has an engagement value yet." in text
    assert "Recompute" in text
    assert "Members with the highest engagement value" not in text


def test_without_the_permission_to_score_there_is_no_recompute_button(client):
    reader = PersonFactory()
    reader.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_console", "view_engagement"],
            content_type__app_label__in=["people", "engagement"],
        )
    )
    client.force_login(reader)
    body = client.get(PAGE).content.decode()
    assert "The engagement value has never been computed." in body
    assert RECOMPUTE not in body
    assert client.post(RECOMPUTE).status_code == 403


# --------------------------------------------------------------------------- recomputing


def test_recompute_scores_every_member_and_the_values_appear(
    persona_client, analyst, django_capture_on_commit_callbacks
):
    people = _destination()
    client = persona_client("analyst")
    with django_capture_on_commit_callbacks(execute=True):  # the job starts after the commit
        assert client.post(RECOMPUTE).status_code == 302
    run = ScoringRun.objects.get()
    assert run.status == ScoringRun.Status.DONE, run.error
    assert run.requested_by == analyst
    assert EngagementValue.objects.count() == Person.objects.count() == run.members
    html = client.get(PAGE).content.decode()
    text = _text(html)
    assert "The engagement value is being recomputed; this page shows how far it is." in text
    assert f"{run.members} members scored" in text
    assert "Members with the highest engagement value" in text
    assert "Trip model (BG/NBD)" in text and "Spend model (Gamma-Gamma)" in text
    assert "12 months" in text and "10 %" in text
    # Dev travels nowhere but brought Eli: an advocate with referral value, on the list.
    dev = EngagementValue.objects.get(member=people["dev"])
    assert dev.crv > 0 and dev.segment == "advocate"
    assert "Dev" in text and "Advocate" in text
    # The chart has a bar per CLV group and the four parts stacked on each.
    chart = json.loads(
        re.search(r'<script id="value-deciles" type="application/json">(.*?)</script>', html)[1]
    )
    assert [s["label"] for s in chart["series"]] == [
        "Lifetime value (CLV)",
        "Referral value (CRV)",
        "Influence value (CIV)",
        "Knowledge value (CKV)",
    ]
    assert all(len(s["values"]) == len(chart["labels"]) for s in chart["series"])
    assert 2 <= len(chart["labels"]) <= 10
    assert 'data-chart-kind="stacked"' in html


def test_a_second_request_while_a_run_is_pending_starts_no_other(
    persona_client, django_capture_on_commit_callbacks
):
    client = persona_client("analyst")
    with (
        mock.patch("tellus.engagement.tasks.score_members_later.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(RECOMPUTE)
        response = client.post(RECOMPUTE, follow=True)
    assert ScoringRun.objects.count() == 1
    assert ScoringRun.objects.get().status == ScoringRun.Status.QUEUED
    delay.assert_called_once()
    text = _text(response.content.decode())
    assert "The engagement value is being recomputed; this page shows how far it is." in text
    assert "A run is waiting for the background worker." in text


def test_without_a_broker_the_run_is_done_when_the_page_comes_back(persona_client):
    _destination()
    with mock.patch("tellus.engagement.services.transaction.on_commit", lambda job: job()):
        response = persona_client("admin").post(RECOMPUTE, follow=True)
    assert ScoringRun.objects.get().status == ScoringRun.Status.DONE
    text = _text(response.content.decode())
    assert "The engagement value is recomputed." in text
    assert "Members with the highest engagement value" in text


def test_a_failed_run_says_why(persona_client):
    ScoringRun.objects.create(
        status=ScoringRun.Status.FAILED,
        as_of=timezone.now(),
        error="An unexpected error stopped the run; the server log has the details.",
    )
    text = _text(persona_client("analyst").get(PAGE).content.decode())
    assert "The last run failed." in text
    assert "An unexpected error stopped the run" in text


# --------------------------------------------------------------------------- the run's status


def test_a_working_run_shows_its_progress_and_asks_again_every_two_seconds(persona_client):
    ScoringRun.objects.create(
        status=ScoringRun.Status.RUNNING,
        as_of=timezone.now(),
        progress=40,
        stage="Computing referral, influence and knowledge value",
    )
    client = persona_client("analyst")
    page = client.get(PAGE).content.decode()
    fragment = client.get(STATUS).content.decode()
    for html in (page, fragment):
        assert re.search(r'<progress id="run-progress" max="100" value="40">', html)
        assert '<label for="run-progress">Progress</label>' in html
        assert f'hx-get="{STATUS}"' in html
        assert 'hx-trigger="every 2s"' in html and 'hx-swap="outerHTML"' in html
        assert "Computing referral, influence and knowledge value" in html
        assert f'href="{PAGE}">Refresh</a>' in html  # without JavaScript
    assert re.search(r'<div role="status">\s*<div id="value-run"', page)
    assert "<html" not in fragment and "console-nav" not in fragment


def test_a_finished_run_stops_asking_and_offers_the_new_values(persona_client):
    _stored_values(3)
    fragment = persona_client("analyst").get(STATUS).content.decode()
    assert "hx-trigger" not in fragment
    assert 'value="100"' in fragment
    assert "3 members scored on" in _text(fragment)
    assert f'<a href="{PAGE}">Show the new values</a>' in fragment


# --------------------------------------------------------------------------- the values


def test_the_page_shows_totals_deciles_segments_and_the_top_members(persona_client):
    people = _stored_values(10)
    html = persona_client("admin").get(PAGE).content.decode()
    text = _text(html)
    # Total CEV: 100 × (0 + … + 9) + 5,000 + 10 × 12.5 = 9,625; 5,125 of it beyond CLV.
    assert "9,625 EUR total engagement value (CEV)" in text
    assert "53.2 % of the engagement value lies beyond lifetime value (CLV)" in text
    # CLV ranks Viajera 0 lowest, engagement value highest: one member undervalued.
    assert re.search(r"1 members that lifetime value alone undervalues \(10.0 %\)", text)
    assert "10 members scored" in text
    # The decile table: ten groups of one; the first holds a tenth of the members and
    # more than half of all engagement value.
    assert "Show the numbers" in text
    assert re.search(
        r"<th scope=\"row\">1</th>\s*<td>1</td>\s*<td>0.00</td>\s*<td>5,000.00</td>", html
    )
    assert "52.1 %" in text
    # Segments by name, in the library's order.
    assert re.search(
        r"Passive receiver 2 Occasional contributor 3 Active contributor 2 Advocate 1 At risk 2",
        text,
    )
    # The highest first, each name leading to the member's page.
    names = re.findall(r'<a href="/console/members/(\d+)/">([^<]+)</a>', html)
    assert names[0] == (str(people[0].pk), "Viajera 0")
    assert names[1] == (str(people[9].pk), "Viajera 9")
    assert len(names) == 10
    # How they were computed.
    assert "Annual discount rate 10 %" in text
    assert "alpha = 4.5000" in text and "v = 410.0000" in text
    assert "10 members, 24 trips, 3 engagement events" in text


def test_the_top_list_stops_at_twenty(persona_client):
    _stored_values(25)
    html = persona_client("admin").get(PAGE).content.decode()
    assert len(re.findall(r'<a href="/console/members/\d+/">', html)) == 20


def test_analysts_see_names_without_a_link_to_pages_they_cannot_open(persona_client):
    _stored_values(2)
    html = persona_client("analyst").get(PAGE).content.decode()
    assert "Viajera 0" in html and "/console/members/" not in html


def test_a_note_on_lifetime_value_is_explained(persona_client):
    run = ScoringRun.objects.create(
        status=ScoringRun.Status.DONE,
        as_of=timezone.now(),
        members=2,
        parameters={"trips": 0, "clv_note": "no trips yet", "horizon_months": 12},
    )
    _stored_values(2, run=run)
    text = _text(persona_client("analyst").get(PAGE).content.decode())
    assert "Why lifetime value is zero No trips are recorded yet." in text
    assert "Trip model" not in text


def test_the_page_costs_the_same_whatever_the_number_of_members(persona_client):
    client = persona_client("admin")
    _stored_values(3)
    client.get(PAGE)  # warm the session and branding caches, and this run's totals
    with assert_queries(8):
        assert client.get(PAGE).status_code == 200
    # A new run replaces every value: its totals are read once (one query more), then cached.
    EngagementValue.objects.all().delete()
    _stored_values(43)
    with assert_queries(9):
        response = client.get(PAGE)
    assert response.context["overview"].members == 43
    with assert_queries(8):
        assert client.get(PAGE).status_code == 200
    with assert_queries(5):
        assert client.get(STATUS).status_code == 200


# --------------------------------------------------------------------------- a member's page


def test_a_members_page_shows_their_engagement_value(persona_client):
    person = _stored_values(2)[0]
    text = _text(persona_client("admin").get(f"/console/members/{person.pk}/").content.decode())
    assert "Engagement value Lifetime value (CLV) 0.00 EUR" in text
    assert "Referral value (CRV) 5,000.00 EUR" in text
    assert "Engagement value (CEV) 5,012.50 EUR" in text
    assert "Segment Advocate" in text
    assert "Probability of returning 80 %" in text
    assert "Expected trips 1.50" in text


def test_a_member_not_scored_yet_says_so(persona_client, member):
    text = _text(persona_client("admin").get(f"/console/members/{member.pk}/").content.decode())
    assert "Engagement value Not scored yet." in text


def test_moderators_do_not_see_engagement_value_on_a_members_page(persona_client):
    person = _stored_values(1)[0]
    text = _text(persona_client("moderator").get(f"/console/members/{person.pk}/").content.decode())
    assert "Lifetime value" not in text and "Not scored yet" not in text


def test_a_members_page_costs_one_query_more_for_their_value(persona_client, member):
    client = persona_client("admin")
    url = f"/console/members/{member.pk}/"
    client.get(url)
    with assert_queries(9):
        client.get(url)
    _stored_values(1)
    person = _stored_values(30)[0]
    with assert_queries(9):
        client.get(f"/console/members/{person.pk}/")


# --------------------------------------------------------------------------- in Spanish


def test_the_page_in_spanish_shows_no_english(admin_person):
    admin_person.display_name = "Ana"
    admin_person.save(update_fields=["display_name"])
    person = _stored_values(10)[0]
    client = _spanish_client(admin_person)
    _assert_spanish(
        client,
        reverse("console:value"),
        "Valor de implicación",
        "Recalcular",
        "Ver las cifras",
        "Prescriptor",
        "Receptor pasivo",
        "Modelo de viajes (BG/NBD)",
    )
    _assert_spanish(
        client, reverse("console:member_detail", args=[person.pk]), "Probabilidad de volver"
    )
    ScoringRun.objects.create(
        status=ScoringRun.Status.RUNNING,
        as_of=timezone.now(),
        progress=25,
        stage="Reading the engagement log",
    )
    _assert_spanish(client, reverse("console:value"), "Progreso", "Actualizar")
    html = client.get(reverse("console:value_status")).content.decode()
    assert "Leyendo el registro de implicación" in html
    response = client.post(reverse("console:value_recompute"), follow=True)
    assert "Se está recalculando el valor de implicación" in response.content.decode()
