"""`tellus demo`: the demo destination a newcomer sees, seeded once and the same every time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import numpy as np
import polars as pl
import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Min
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from PIL import Image

from tellus.analytics.segments import engagement_segments
from tellus.content.models import (
    ContentItem,
    Place,
    RightsRequest,
)
from tellus.content.publicity import bump_public_version
from tellus.content.queries import public_items
from tellus.core.models import Destination
from tellus.demo import catalogue, seed
from tellus.demo.plan import simulate
from tellus.demo.plan import visitors as plan_visitors
from tellus.engagement import kinds
from tellus.engagement.models import Event, Initiative, JourneyStage, Touchpoint, Trip
from tellus.people.models import Consent, Person
from tellus.people.roles import roles_of
from tellus.publishing.models import ModerationDecision, Report, Share
from tellus.publishing.queries import decisions_of_subject, reports_of, shares_of
from tests.helpers import assert_queries

UNTIL = "2026-06-30"
LOGINS = {
    "member@demo.example": None,
    "moderator@demo.example": "moderator",
    "marketer@demo.example": "marketer",
    "analyst@demo.example": "analyst",
    "admin@demo.example": "admin",
}
#: What the analytics count as contributions (PRODUCT.md): not views, clicks, sign-ups, trips.
CONTRIBUTIONS = (
    kinds.CONTENT_SUBMITTED,
    kinds.SHARE_CREATED,
    kinds.REFERRAL_INVITED,
    kinds.SURVEY_RESPONDED,
    kinds.POLL_VOTED,
    kinds.IDEA_SUBMITTED,
    kinds.IDEA_ENDORSED,
    kinds.SUGGESTION_MADE,
    kinds.COMMENT_POSTED,
    kinds.TOPIC_POSTED,
    kinds.CONTEST_ENTERED,
    kinds.CONTEST_VOTED,
    kinds.REACTION_ADDED,
)


def run_demo(**options: Any) -> str:
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


PEOPLE = ("email", "display_name", "home_country", "preferred_language", "date_joined", "avatar")
TRIPS = ("member__email", "arrival", "departure", "spend", "party_size", "referred_by__email")
CONSENTS = ("person__email", "purpose", "granted_at", "withdrawn_at", "source")
EVENTS = (
    "kind",
    "occurred_at",
    "member__email",
    "attributed_to__email",
    "initiative__slug",
    "channel",
    "touchpoint__slug",
    "journey_stage",
    "value",
)


def snapshot() -> dict[str, Any]:
    """Counts and first rows of everything the demo writes, by natural keys (not ids)."""
    return {
        "counts": [
            Person.objects.count(),
            EmailAddress.objects.count(),
            Consent.objects.count(),
            Trip.objects.count(),
            Event.objects.count(),
            ContentItem.objects.count(),
            Share.objects.count(),
        ],
        "content": list(
            ContentItem.objects.order_by("pk").values_list(
                "contributor__email", "kind", "state", "title", "latitude", "view_count"
            )
        ),
        "people": list(Person.objects.order_by("pk").values_list(*PEOPLE)[:10]),
        "trips": list(Trip.objects.order_by("pk").values_list(*TRIPS)[:10]),
        "consents": list(Consent.objects.order_by("pk").values_list(*CONSENTS)[:10]),
        "events": list(Event.objects.order_by("pk").values_list(*EVENTS)[:30]),
        "last_events": list(Event.objects.order_by("-pk").values_list(*EVENTS)[:10]),
    }


def event_indexes() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Event._meta.db_table)
    return {name for name, about in found.items() if about["index"] or about["unique"]}


# --------------------------------------------------------------------------- one seeded demo


@pytest.fixture(scope="class")
def demo_output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The small demo seeded once for the class, as `make demo` does (DEBUG off, TELLUS_DEMO
    on), then undone."""
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=False, TELLUS_DEMO=True),
        transaction.atomic(),
    ):
        output = run_demo(size="small", seed=11, until=UNTIL)
        yield output
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestSeededDemo:
    def test_prints_a_summary_and_the_logins(self, demo_output: str) -> None:
        assert "Seeded Isla Clara (small, seed 11, history up to 2026-06-30" in demo_output
        for line in ("members", "trips", "events", "consents"):
            assert f"  {line}" in demo_output
        assert "password tellus-demo" in demo_output
        for email in LOGINS:
            assert email in demo_output

    def test_the_consoles_daily_counts_are_filled_before_the_first_view(
        self, demo_output: str
    ) -> None:
        from tellus.engagement.models import EventCount, RollupState

        assert "Counted the engagement log by day" in demo_output
        state = RollupState.objects.get()
        assert state.filled_until is not None and EventCount.objects.exists()
        counted = sum(EventCount.objects.filter(initiative=None).values_list("count", flat=True))
        assert counted == Event.objects.filter(occurred_at__date__lte=state.filled_until).count()

    def test_the_destination_is_isla_clara(self) -> None:
        destination = Destination.objects.get()
        assert destination.name == "Isla Clara"
        assert destination.tagline
        assert (destination.latitude, destination.longitude) == (29.03, -13.63)
        assert destination.languages == "en,es"
        with default_storage.open(destination.logo.name) as logo:
            assert Image.open(logo).format == "PNG"

    def test_demo_accounts_have_their_roles_and_verified_addresses(self) -> None:
        for email, role in LOGINS.items():
            person = Person.objects.get(email=email)
            address = EmailAddress.objects.get(user=person)
            assert address.verified and address.primary and address.email == email
            assert roles_of(person) == ([role] if role else [])
            assert person.is_staff == (role == "admin")
            assert person.is_superuser == (role == "admin")

    @pytest.mark.parametrize("email", list(LOGINS))
    def test_demo_accounts_log_in_through_the_login_form(self, email: str) -> None:
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": email, "password": "tellus-demo"}
        )
        assert response.status_code == 302  # staff land in the console, members on their account
        assert response["Location"] == reverse(
            "people:account" if LOGINS[email] is None else "console:dashboard"
        )
        assert client.session["_auth_user_id"] == str(Person.objects.get(email=email).pk)

    def test_a_wrong_password_and_generated_members_do_not_log_in(self) -> None:
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": "admin@demo.example", "password": "tellus"}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        generated = Person.objects.exclude(email__endswith="@demo.example")
        assert generated.count() == 299
        assert not any(p.has_usable_password() for p in generated.only("password"))

    def test_the_member_account_has_a_profile_consents_trips_and_events(self) -> None:
        member = Person.objects.get(email="member@demo.example")
        assert member.display_name == "Marta Quintana"
        assert member.home_country == "ES"
        assert member.preferred_language == "en"
        with default_storage.open(member.avatar.name) as avatar:
            assert Image.open(avatar).size == (128, 128)
        consents = Consent.objects.filter(person=member)
        assert {"website", "marketing"} <= set(
            consents.filter(withdrawn_at=None).values_list("purpose", flat=True)
        )
        assert consents.exclude(withdrawn_at=None).exists()  # a history, not only a state
        assert member.trips.count() >= 3
        own = member.engagement_events.values_list("kind", flat=True)
        assert kinds.MEMBER_SIGNED_UP in own and kinds.TRIP_RECORDED in own
        assert len(set(own) & set(CONTRIBUTIONS)) >= 3

    def test_members_come_from_several_countries_and_languages(self) -> None:
        members = Person.objects.exclude(email__endswith="@demo.example")
        assert members.values("home_country").distinct().count() >= 8
        assert set(members.values_list("preferred_language", flat=True)) >= {"en", "es"}
        joined = members.aggregate(first=Min("date_joined"))["first"]
        assert joined < dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # two years before UNTIL
        assert members.exclude(avatar="").count() > 20

    def test_consents_keep_their_history(self) -> None:
        withdrawn = Consent.objects.exclude(withdrawn_at=None)
        assert withdrawn.exists()
        assert not withdrawn.filter(withdrawn_at__lt=F("granted_at")).exists()
        granted_again = (
            Consent.objects.values("person", "purpose").annotate(n=Count("pk")).filter(n__gt=1)
        )
        assert granted_again.exists()
        active = Consent.objects.filter(withdrawn_at=None)
        assert 0 < active.filter(purpose="marketing").count() < Person.objects.count()

    def test_trips_respect_their_constraints_and_have_one_event_each(self) -> None:
        trips = Trip.objects.all()
        assert trips.count() > 200
        for trip in trips:
            assert 3 <= (trip.departure - trip.arrival).days <= 14
            assert trip.spend >= 0 and trip.party_size >= 1
        assert dt.date(2024, 6, 30) <= min(t.arrival for t in trips)
        assert max(t.arrival for t in trips) < dt.date(2026, 6, 30)
        recorded = Event.objects.filter(kind=kinds.TRIP_RECORDED)
        assert recorded.count() == trips.count()
        by_trip = {e.subject_id: e for e in recorded}
        for trip in trips:
            event = by_trip[trip.pk]
            assert event.value == trip.spend and event.member_id == trip.member_id
            assert event.journey_stage == JourneyStage.TRIP

    def test_members_come_back_and_some_were_referred(self) -> None:
        per_member = Trip.objects.values("member").annotate(n=Count("pk"))
        repeaters = sum(1 for row in per_member if row["n"] > 1)
        assert 0.1 < repeaters / len(per_member) < 0.6
        referred = Trip.objects.exclude(referred_by=None)
        assert referred.exists()
        assert not referred.filter(referred_by=F("member")).exists()
        for trip in referred:
            sign_up = Event.objects.get(kind=kinds.MEMBER_SIGNED_UP, member_id=trip.member_id)
            assert sign_up.channel == "referral"
            assert sign_up.attributed_to_id == trip.referred_by_id

    def test_events_cover_the_kinds_and_stages_with_initiatives(self) -> None:
        present = set(Event.objects.values_list("kind", flat=True).distinct())
        assert present >= {
            kinds.MEMBER_SIGNED_UP, kinds.TRIP_RECORDED, kinds.CONTENT_SUBMITTED,
            kinds.CONTENT_APPROVED, kinds.SHARE_CREATED, kinds.SHARE_CLICKED,
            kinds.SURVEY_RESPONDED, kinds.POLL_VOTED, kinds.IDEA_SUBMITTED, kinds.IDEA_ADOPTED,
            kinds.COMMENT_POSTED, kinds.CONTEST_ENTERED, kinds.CONTEST_VOTED,
        }  # fmt: skip
        assert present <= kinds.ALL
        stages = set(Event.objects.values_list("journey_stage", flat=True).distinct())
        assert stages >= set(JourneyStage.values)
        assert set(Touchpoint.objects.values_list("journey_stage", flat=True)) == set(
            JourneyStage.values
        )
        assert Initiative.objects.count() == 12
        assert {i.kind for i in Initiative.objects.all()} == {"task_based", "experiential"}
        answered = Event.objects.exclude(initiative=None).values("initiative").distinct().count()
        assert answered == 12
        assert not Event.objects.exclude(idempotency_key=None).exists()
        window = (dt.datetime(2024, 6, 30, tzinfo=dt.UTC), dt.datetime(2026, 6, 30, tzinfo=dt.UTC))
        assert Event.objects.filter(occurred_at__range=window).count() == Event.objects.count()

    def test_shares_and_content_are_credited_to_their_contributor(self) -> None:
        clicks = Event.objects.filter(kind=kinds.SHARE_CLICKED)
        assert clicks.exists() and not clicks.filter(attributed_to=None).exists()
        sharers = set(clicks.values_list("attributed_to", flat=True))
        shared = set(
            Event.objects.filter(kind=kinds.SHARE_CREATED).values_list("member", flat=True)
        )
        assert sharers <= shared
        views = Event.objects.filter(kind=kinds.CONTENT_VIEWED)
        contributors = set(
            Event.objects.filter(kind=kinds.CONTENT_SUBMITTED).values_list("member", flat=True)
        )
        assert set(views.values_list("attributed_to", flat=True)) <= contributors

    def test_no_member_contributes_before_joining(self) -> None:
        early = Event.objects.filter(
            kind__in=CONTRIBUTIONS, occurred_at__lt=F("member__date_joined")
        )
        assert not early.exists()

    def test_most_members_are_passive_and_every_segment_shows(self) -> None:
        members = Person.objects.filter(is_staff=False, groups=None)
        contributors = (
            Event.objects.filter(kind__in=CONTRIBUTIONS).values("member").distinct().count()
        )
        assert 0.2 * members.count() < contributors < 0.5 * members.count()
        rows = Event.objects.values_list(
            "member_id", "kind", "occurred_at", "channel", "attributed_to_id"
        )
        log = pl.DataFrame(
            list(rows),
            schema={
                "member_id": pl.Int64,
                "kind": pl.String,
                "occurred_at": pl.Datetime("us", "UTC"),
                "channel": pl.String,
                "attributed_to_id": pl.Int64,
            },
            orient="row",
        )
        everyone = pl.DataFrame({"member_id": list(members.values_list("pk", flat=True))})
        segments = engagement_segments(
            log, as_of=dt.datetime(2026, 6, 30, tzinfo=dt.UTC), members=everyone
        )
        sizes = dict(segments.group_by("segment").len().iter_rows())
        assert set(sizes) == set(plan_visitors.SEGMENTS)
        assert max(sizes, key=lambda name: sizes[name]) == "passive_receiver"
        assert sizes["advocate"] < sizes["active_contributor"] + sizes["occasional_contributor"]

    def test_events_per_member_are_plausible(self) -> None:
        members = Person.objects.filter(is_staff=False, groups=None).count()
        assert 20 * members < Event.objects.count() < 100 * members
        viewed = Event.objects.filter(kind=kinds.CONTENT_VIEWED).count()
        assert viewed < 0.8 * Event.objects.count()

    # ----------------------------------------------------------------------- content

    def test_published_photos_are_public_with_clean_renditions_in_storage(self) -> None:
        photos = public_items().filter(kind=ContentItem.Kind.PHOTO)
        assert 12 <= photos.count() <= 20
        for item in photos:
            assert item.placeholder.startswith("data:image/webp;base64,")
            assert len(item.renditions) >= 2
            for rendition in item.renditions:
                with default_storage.open(rendition["name"]) as file:
                    picture = Image.open(file)
                    assert picture.format == "WEBP"
                    assert picture.size == (rendition["width"], rendition["height"])
                    assert not picture.getexif() and "exif" not in picture.info
            assert item.original.storage is not default_storage
            assert item.original.storage.exists(item.original.name)
            assert not default_storage.exists(item.original.name)

    def test_most_photos_carry_gps_on_the_island_and_the_rest_a_place(self) -> None:
        photos = ContentItem.objects.filter(kind=ContentItem.Kind.PHOTO).exclude(state="failed")
        sources = {s: photos.filter(location_source=s).count() for s in ("exif", "place")}
        assert sources["exif"] > 2 * sources["place"] > 0
        for item in photos:
            assert item.latitude is not None and item.longitude is not None
            assert 28.85 < item.latitude < 29.2 and -13.95 < item.longitude < -13.3
            assert item.taken_on is not None and item.width and item.height
        assert Place.objects.count() == len(catalogue.PLACES)
        for item in photos.filter(location_source="place").select_related("place"):
            assert item.place is not None
            assert (item.latitude, item.longitude) == (item.place.latitude, item.place.longitude)

    def test_the_exact_position_is_public_only_with_consent(self) -> None:
        located = public_items().filter(location_source__in=["exif", "map"])
        exact = located.filter(
            pk__in=Consent.objects.filter(
                purpose="exact_location", subject_type="content.contentitem", withdrawn_at=None
            ).values("subject_id")
        )
        assert exact.exists() and located.exclude(pk__in=exact).exists()
        for item in located:
            same = (item.public_latitude, item.public_longitude) == (item.latitude, item.longitude)
            assert same == (item in exact)
            assert item.public_latitude is not None and item.latitude is not None
            assert abs(item.public_latitude - item.latitude) < 0.01

    def test_stories_and_poems_in_english_and_spanish(self) -> None:
        stories = ContentItem.objects.filter(kind=ContentItem.Kind.STORY)
        poems = ContentItem.objects.filter(kind=ContentItem.Kind.POEM)
        assert stories.exists() and poems.exists()
        for story in stories:
            assert story.body.count("\n\n") >= 3
            assert story.body_html.startswith("<p>") and "<ul>" in story.body_html
            assert "<script" not in story.body_html
        assert all(poem.body.count("\n") >= 5 and not poem.body_html for poem in poems)
        assert set(ContentItem.objects.values_list("language", flat=True)) == {"en", "es"}

    def test_every_state_shows_with_its_decisions_and_the_queue_is_not_empty(self) -> None:
        states = set(ContentItem.objects.values_list("state", flat=True))
        assert states == {"published", "pending", "rejected", "needs_edit", "hidden", "failed"}
        moderator = Person.objects.get(email="moderator@demo.example")
        for item in ContentItem.objects.exclude(published_at=None):
            approval = decisions_of_subject(item).get(action=ModerationDecision.Action.APPROVE)
            assert approval.moderator == moderator and approval.created_at == item.published_at
        for state, action in (("rejected", "reject"), ("needs_edit", "ask_edit")):
            for item in ContentItem.objects.filter(state=state):
                assert item.moderation_note
                assert decisions_of_subject(item).get(action=action).reason == item.moderation_note
        decided = ModerationDecision.objects.filter(subject_type="content.contentitem").values(
            "subject_id"
        )
        assert ContentItem.objects.filter(state="pending").exclude(pk__in=decided).count() >= 2
        for item in ContentItem.objects.filter(state="hidden"):
            assert reports_of(item).filter(resolved_at=None).count() == 3
            assert decisions_of_subject(item).filter(action="auto_hide").exists()
        published = ContentItem.objects.filter(state="published").values("pk")
        open_on_public = Report.objects.filter(resolved_at=None, subject_id__in=published)
        assert open_on_public.exists()  # reported, still shown, waiting in the queue
        assert Report.objects.exclude(resolved_at=None).exists()

    def test_the_demo_member_has_an_item_in_each_state_and_rights_requests(self) -> None:
        member = Person.objects.get(email="member@demo.example")
        mine = ContentItem.objects.filter(contributor=member)
        assert set(mine.values_list("state", flat=True)) >= {
            "published", "pending", "rejected", "needs_edit", "hidden", "failed",
        }  # fmt: skip
        assert mine.get(state="failed").failure == "truncated"
        requests = RightsRequest.objects.filter(item__contributor=member, state="pending")
        assert requests.count() == 2
        assert {r.requested_by.email for r in requests if r.requested_by} == {
            "marketer@demo.example"
        }
        assert all(r.item.state == "published" for r in requests)
        story = mine.get(kind="story", state="published")
        assert "<figure><img" in story.body_html  # the member's own photo, embedded

    def test_my_contributions_shows_each_state_and_the_questions_from_marketing(self) -> None:
        client = Client()
        client.force_login(Person.objects.get(email="member@demo.example"))
        page = client.get(reverse("content:mine")).content.decode()
        for state in ("published", "pending", "rejected", "needs_edit", "hidden", "failed"):
            assert f'class="state state-{state}"' in page
        rejected = ContentItem.objects.get(
            contributor__email="member@demo.example", state="rejected"
        )
        assert rejected.moderation_note in page
        asked = RightsRequest.objects.filter(item__contributor__email="member@demo.example")
        assert asked.count() == 2
        for request in asked:
            assert reverse("content:answer_rights", args=[request.pk]) in page

    def test_the_moderator_sees_a_queue_of_waiting_and_reported_items(self) -> None:
        client = Client()
        client.force_login(Person.objects.get(email="moderator@demo.example"))
        response = client.get(reverse("console:moderation"))
        assert response.status_code == 200
        page = response.content.decode()
        waiting = ContentItem.objects.filter(state="pending")
        reported = ContentItem.objects.filter(state="hidden")
        assert waiting.exists() and reported.exists()
        for item in [*waiting, *reported]:
            assert reverse("console:moderation_item", args=["content", item.pk]) in page

    def test_consents_per_item(self) -> None:
        published = ContentItem.objects.filter(state="published")
        granted = Consent.objects.filter(subject_type="content.contentitem")
        website = granted.filter(purpose="website", subject_id__in=published.values("pk"))
        assert website.count() >= 0.85 * published.count()
        assert set(granted.values_list("purpose", flat=True)) == {
            "website", "exact_location", "social", "print",
        }  # fmt: skip
        for consent in granted.select_related("person")[:50]:
            item = ContentItem.objects.get(pk=consent.subject_id)
            assert consent.person_id == item.contributor_id
            assert consent.granted_at == item.created_at

    def test_the_log_agrees_with_the_content(self) -> None:
        items = ContentItem.objects.all()
        about = Event.objects.filter(subject_type="content.contentitem")
        for item in items:
            submitted = about.get(subject_id=item.pk, kind=kinds.CONTENT_SUBMITTED)
            assert submitted.member_id == item.contributor_id
            assert submitted.occurred_at == item.created_at
            approvals = about.filter(subject_id=item.pk, kind=kinds.CONTENT_APPROVED)
            assert approvals.count() == (item.published_at is not None)
            views = about.filter(subject_id=item.pk, kind=kinds.CONTENT_VIEWED).count()
            assert views == item.view_count
            clicks = about.filter(subject_id=item.pk, kind=kinds.SHARE_CLICKED).count()
            assert clicks == sum(s.click_count for s in shares_of(item))
        assert about.filter(kind=kinds.CONTENT_VIEWED).exists()
        shares = Share.objects.all()
        assert shares.count() > 10 and shares.filter(click_count__gt=0).exists()
        for share in shares:
            created = about.get(
                kind=kinds.SHARE_CREATED, subject_id=share.subject_id, occurred_at=share.created_at
            )
            assert created.member_id == share.sharer_id and created.channel == share.channel
            published_at = ContentItem.objects.get(pk=share.subject_id).published_at
            assert published_at is not None and published_at < share.created_at

    def test_the_gallery_and_map_show_the_seeded_content(self) -> None:
        client = Client()
        response = client.get("/gallery/")
        assert response.status_code == 200
        page = response.content.decode()
        newest = public_items().order_by("-published_at", "-pk")[:5]
        for item in newest:
            assert reverse("content:item", args=[item.pk]) in page
        hidden = ContentItem.objects.filter(state="hidden").first()
        assert hidden is not None
        assert client.get(reverse("content:item", args=[hidden.pk])).status_code == 404
        photo = public_items().filter(kind="photo").first()
        assert photo is not None
        detail = client.get(reverse("content:item", args=[photo.pk]))
        assert detail.status_code == 200
        assert photo.renditions[-1]["name"] in detail.content.decode()

    def test_the_map_holds_every_public_geotagged_item(self) -> None:
        bump_public_version()  # as the seeding's commit does (the fixture never commits)
        on_map = public_items().exclude(public_latitude=None)
        response = Client().get(
            "/api/v1/map/clusters", {"bbox": "-14.2,28.7,-13.1,29.4", "zoom": "9"}
        )
        assert response.status_code == 200
        view = response.json()
        shown = sum(c["count"] for c in view["clusters"]) + len(view["points"])
        assert shown == on_map.count() > 20
        assert view["clusters"]  # close together: grouped at this zoom

    def test_a_second_run_reuses_what_is_there_with_one_query(self) -> None:
        before = snapshot()["counts"]
        with override_settings(TELLUS_DEMO=True), assert_queries(1):
            output = run_demo(size="small", seed=99)
        assert "already seeded" in output
        assert "admin@demo.example" in output
        assert snapshot()["counts"] == before


# --------------------------------------------------------------------------- runs of their own


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_refuses_without_the_demo_setting_unless_forced(settings: Any, debug: bool) -> None:
    """The published logins need the demo setting (or --force); DEBUG alone does not allow them."""
    settings.DEBUG = debug
    settings.TELLUS_DEMO = False
    with pytest.raises(CommandError, match=r"TELLUS_DEMO is off.*published password.*--force"):
        run_demo(size="small")
    assert not Person.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_same_seed_same_data_whichever_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs with one seed give the same rows, through bulk_create and the fast loader.

    The fast loader rebuilds the event indexes (forced here on a small demo):
    they must all be back afterwards.
    """
    indexes = event_indexes()
    runs = []
    for loader in ("orm", "auto"):
        monkeypatch.setattr(seed, "REBUILD_INDEXES_FROM", 0 if loader == "auto" else 10**9)
        with transaction.atomic():
            run_demo(size="small", seed=5, until=UNTIL, force=True, loader=loader)
            runs.append(snapshot())
            assert event_indexes() == indexes
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["counts"][0] == 304
    assert len(runs[0]["content"]) > 30


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"seed": -1}, "--seed"),
        ({"seed": 2**32}, "--seed"),
        ({"until": "yesterday"}, "YYYY-MM-DD"),
        ({"until": "2999-01-01"}, "future"),
        ({"size": "huge"}, "Unknown demo size"),
        (
            {"loader": "copy" if connection.vendor == "sqlite" else "sql"},
            r"needs PostgreSQL|SQLite",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_options_get_a_clear_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run_demo(force=True, **options)
    assert not Person.objects.exists()


def test_the_simulation_is_deterministic_in_its_seed() -> None:
    first, again, other = (simulate(400, s) for s in (3, 3, 4))
    for name in ("kind", "seconds", "member", "attributed_to", "initiative", "value"):
        np.testing.assert_array_equal(getattr(first.events, name), getattr(again.events, name))
    assert first.members.display_name == again.members.display_name
    assert first.members.display_name != other.members.display_name
    assert len(first.events) != len(other.events)


@pytest.mark.parametrize(
    ("members", "seed_value"), [(5, 1), (10**8, 1), (100, -1), (100, 2**32), (True, 1), (100, 1.5)]
)
def test_the_simulation_refuses_bad_sizes_and_seeds(members: Any, seed_value: Any) -> None:
    with pytest.raises(ValueError, match=r"members|seed"):
        simulate(members, seed_value)


def test_trip_rates_and_spend_follow_the_stated_models() -> None:
    """Large samples recover the BG/NBD and Gamma-Gamma means the module states."""
    world = simulate(8_000, 8)
    trips = world.trips
    mean_spend = plan_visitors.SPEND_P * plan_visitors.SPEND_GAMMA / (plan_visitors.SPEND_Q - 1)
    assert trips.spend.mean() == pytest.approx(mean_spend, rel=0.05)
    assert (trips.spend > 0).all()
    nights = trips.nights
    assert nights.min() == 3 and nights.max() == 14
    per_member = np.bincount(trips.member, minlength=len(world.members))
    travellers = per_member > 0
    assert 0.5 < travellers.mean() < 0.9
    assert 1.1 < per_member[travellers].mean() < 2.0
    # No member's stays overlap: each arrival comes after the previous departure.
    same = trips.member[1:] == trips.member[:-1]
    assert (trips.arrival[1:][same] >= (trips.arrival + trips.nights)[:-1][same]).all()
