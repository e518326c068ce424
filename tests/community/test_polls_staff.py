"""Polls in the console: who reaches them, opening a poll, results at any time, CSV, closing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tellus.community.polls.models import Poll
from tellus.community.polls.services import poll_vote
from tests.community.poll_factories import make_poll, option_ids
from tests.factories import InitiativeFactory, PersonFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db

ACCESS = (
    ("visitor", 302),
    ("member", 403),
    ("other_member", 403),
    ("moderator", 403),
    ("analyst", 403),
    ("marketer", 200),
    ("admin", 200),
)


def closes(days: int = 7) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("name", "status"), ACCESS)
def test_only_those_who_manage_polls_reach_the_console_pages(persona_client, name, status):
    poll = make_poll()
    client = persona_client(name)
    for path in (
        "/console/polls/",
        "/console/polls/new/",
        f"/console/polls/{poll.pk}/",
        f"/console/polls/{poll.pk}/results.csv",
    ):
        assert client.get(path).status_code == status, path
    closing = client.post(f"/console/polls/{poll.pk}/close/")
    assert closing.status_code == (302 if status == 200 else status)
    nav = client.get("/console/").content.decode() if name != "visitor" else ""
    assert ('href="/console/polls/"' in nav) is (status == 200)


def test_a_marketer_opens_a_poll_that_is_public_at_once(client, marketer):
    initiative = InitiativeFactory(slug="question-of-the-month", contribution="poll")
    client.force_login(marketer)
    response = client.post(
        "/console/polls/new/",
        {
            "question": "Which beach needs showers?",
            "options": "Famara\nPapagayo\n\n  Playa Blanca  ",
            "kind": "multiple",
            "max_choices": "2",
            "closes_at": closes(),
            "show_results": "after_close",
            "initiative": str(initiative.pk),
        },
    )
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/polls/{poll.pk}/"
    assert poll.state == "published" and poll.initiative == initiative and poll.max_choices == 2
    assert poll.created_by == marketer
    assert list(poll.options.values_list("text", flat=True)) == [
        "Famara",
        "Papagayo",
        "Playa Blanca",
    ]
    assert client.get(f"/polls/{poll.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("options", "\n".join(f"Option {n}" for n in range(13)), "you gave 13"),
        ("options", "Only one", "you gave 1"),
        ("question", "x" * 1_000_000, "at most 300 characters"),
        ("question", "", "This field is required"),
        ("options", "<script>alert(1)</script>\n" + "y" * 201, "at most 200 characters"),
        ("closes_at", "yesterday", "Enter a valid date/time"),
        ("closes_at", "2001-01-01T10:00", "must close later"),
        ("question", "Bell\u0007?", "control"),
    ],
)
def test_hostile_or_malformed_polls_are_refused_with_a_reason(
    client, marketer, field, value, message
):
    client.force_login(marketer)
    data = {
        "question": "Best beach?",
        "options": "North\nSouth",
        "kind": "single",
        "closes_at": closes(),
        "show_results": "after_vote",
    }
    data[field] = value
    response = client.post("/console/polls/new/", data)
    body = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in body
    assert message.lower() in body.lower() and "<script>alert(1)" not in body
    assert not Poll.objects.exists()


def test_staff_see_results_before_closing_whatever_the_rule_and_export_them(client, marketer):
    poll = make_poll(show_results="after_close", options=("=SUM(A1)", "Sunday"))
    first, second = option_ids(poll)
    for person in PersonFactory.create_batch(3):
        poll_vote(poll=poll, member=person, option_ids=[first])
    poll_vote(poll=poll, member=PersonFactory(), option_ids=[second])
    client.force_login(marketer)
    html = client.get(f"/console/polls/{poll.pk}/").content.decode()
    assert "75%" in html and "25%" in html and "4 voters" in html
    public = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "75%" in public  # staff see results on the public page too
    export = client.get(f"/console/polls/{poll.pk}/results.csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["option"], r["votes"], r["share_percent"]) for r in rows] == [
        ("'=SUM(A1)", "3", "75.0"),
        ("Sunday", "1", "25.0"),
    ]
    assert all(r["voters"] == "4" for r in rows)
    assert "@" not in export.content.decode()  # nobody's address


def test_the_console_list_costs_the_same_whatever_its_length(client, marketer):
    client.force_login(marketer)
    make_poll()
    client.get("/console/polls/")
    with assert_queries(6):
        client.get("/console/polls/")
    for n in range(10):
        make_poll(question=f"Poll {n}?", initiative=InitiativeFactory())
    with assert_queries(6):
        client.get("/console/polls/")


def test_closing_a_poll_now_makes_its_results_public(client, marketer, member):
    poll = make_poll(show_results="after_close")
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    client.force_login(marketer)
    client.post(f"/console/polls/{poll.pk}/close/")
    client.logout()
    assert "100%" in client.get(f"/polls/{poll.pk}/").content.decode()


def test_a_hidden_poll_shows_in_the_one_moderation_queue(client, moderator, marketer):
    poll = make_poll(question="A poll someone hid?", state="hidden", created_by=marketer)
    client.force_login(moderator)
    queue = client.get("/console/moderation/")
    assert queue.status_code == 200 and "A poll someone hid?" in queue.content.decode()
    page = client.get(f"/console/moderation/poll/{poll.pk}/")
    assert page.status_code == 200 and "A poll someone hid?" in page.content.decode()
