"""The console's inbox of conversations: who sees it, order and waiting times, assignment,
statuses, saved replies, FAQ entries with and without consent, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tellus.community.conversations.models import (
    Conversation,
    ConversationEvent,
    FaqEntry,
    SavedReply,
    Status,
)
from tellus.community.conversations.queries import link_for, public_faq
from tellus.community.conversations.services import (
    conversation_answer,
    conversation_set_faq_consent,
    faq_create,
)
from tests.community.conversation_factories import answered, ask
from tests.helpers import assert_queries
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

ANSWERING = {"moderator", "marketer", "admin"}


@pytest.mark.parametrize("name", PERSONAS)
def test_the_inbox_by_persona(persona_client, member, name):
    conversation = ask(member, subject="Opening hours of the caves")
    client = persona_client(name)
    inbox = client.get(reverse("console:conversations"))
    page = client.get(reverse("console:conversation", args=[conversation.pk]))
    answer = client.post(
        reverse("console:conversation_answer", args=[conversation.pk]),
        {"body": "From ten to six.", "status": "waiting_visitor"},
    )
    if name == "visitor":
        assert inbox.status_code == page.status_code == answer.status_code == 302
    elif name in ANSWERING:
        assert inbox.status_code == 200 and "Opening hours of the caves" in inbox.content.decode()
        assert page.status_code == 200 and answer.status_code == 302
    else:
        assert inbox.status_code == page.status_code == answer.status_code == 403
    assert conversation.messages.filter(from_staff=True).exists() is (name in ANSWERING)


def test_oldest_waiting_first_with_status_and_waiting_time(client, moderator, member):
    now = timezone.now()
    rows = {}
    for subject, hours, status in [
        ("Solved long ago", 90, Status.SOLVED),
        ("Waiting two hours", 2, Status.WAITING_FOR_US),
        ("Their turn to write", 50, Status.WAITING_FOR_VISITOR),
        ("New since yesterday", 26, Status.NEW),
    ]:
        c = ask(member, subject=subject)
        Conversation.objects.filter(pk=c.pk).update(
            status=status, visitor_last_message_at=now - dt.timedelta(hours=hours)
        )
        rows[subject] = c
    client.force_login(moderator)
    body = client.get(reverse("console:conversations")).content.decode()
    order = [
        body.index(s)
        for s in (
            "New since yesterday",
            "Waiting two hours",
            "Their turn to write",
            "Solved long ago",
        )
    ]
    assert order == sorted(order)
    assert "1\xa0day, 2\xa0hours" in body and "2\xa0hours" in body
    only = client.get(reverse("console:conversations"), {"status": "waiting_us"}).content.decode()
    assert "Waiting two hours" in only and "New since yesterday" not in only


def test_assign_to_a_colleague_and_filter_by_assignee(client, moderator, marketer, member, analyst):
    mine = ask(member, subject="Assigned one")
    ask(member, subject="Nobody's one")
    client.force_login(moderator)
    url = reverse("console:conversation_assign", args=[mine.pk])
    assert client.post(url, {"assignee": marketer.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.assignee == marketer
    # An analyst does not answer conversations: not a choice.
    response = client.post(url, {"assignee": analyst.pk}, follow=True)
    assert "Choose a colleague who answers conversations." in response.content.decode()
    mine.refresh_from_db()
    assert mine.assignee == marketer
    listed = client.get(
        reverse("console:conversations"), {"assignee": marketer.pk}
    ).content.decode()
    assert "Assigned one" in listed and "Nobody&#x27;s one" not in listed
    nobody = client.get(reverse("console:conversations"), {"assignee": "none"}).content.decode()
    assert "Assigned one" not in nobody
    client.force_login(marketer)
    me = client.get(reverse("console:conversations"), {"assignee": "me"}).content.decode()
    assert "Assigned one" in me
    trail = ConversationEvent.objects.filter(conversation=mine, action="assigned")
    assert [e.detail for e in trail] == ["Marketer"]


def test_set_status_and_every_change_is_in_the_audit_trail(client, moderator, member):
    conversation = ask(member)
    client.force_login(moderator)
    client.post(
        reverse("console:conversation_answer", args=[conversation.pk]),
        {"body": "Line 60.", "status": "waiting_visitor"},
    )
    client.post(
        reverse("console:conversation_status", args=[conversation.pk]), {"status": "solved"}
    )
    bad = client.post(
        reverse("console:conversation_status", args=[conversation.pk]), {"status": "deleted"}
    )
    assert bad.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    actions = list(conversation.events.values_list("action", "detail"))
    assert actions == [
        ("asked", ""),
        ("answered", ""),
        ("status", "new → waiting_visitor"),
        ("status", "waiting_visitor → solved"),
    ]
    page = client.get(reverse("console:conversation", args=[conversation.pk])).content.decode()
    assert "Audit trail" in page and "waiting_visitor → solved" in page


def test_an_answer_needs_text_and_a_known_status(client, moderator, member):
    conversation = ask(member)
    client.force_login(moderator)
    url = reverse("console:conversation_answer", args=[conversation.pk])
    for data in (
        {"body": "", "status": "solved"},
        {"body": "x", "status": "new"},
        {"body": "x" * 6000, "status": "solved"},
    ):
        response = client.post(url, data)
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not conversation.messages.filter(from_staff=True).exists()


def test_saved_replies_fill_the_answer_box(client, moderator, member):
    conversation = ask(member)
    client.force_login(moderator)
    response = client.post(
        reverse("console:saved_replies"),
        {"title": "Buses", "body": "Timetables are at the bus station <b>and</b> online."},
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    page = client.get(
        reverse("console:conversation", args=[conversation.pk]), {"saved_reply": reply.pk}
    ).content.decode()
    assert "Timetables are at the bus station &lt;b&gt;and&lt;/b&gt; online.</textarea>" in page
    client.post(reverse("console:saved_reply", args=[reply.pk]), {"title": "Bus", "body": "New."})
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Bus", "New.")
    client.post(reverse("console:saved_reply", args=[reply.pk]), {"delete": "1"})
    assert not SavedReply.objects.exists()
    refused = client.post(reverse("console:saved_replies"), {"title": "", "body": "x"})
    assert refused.status_code == 400


def test_no_faq_entry_without_the_askers_consent(client, moderator, member):
    conversation = answered(member, moderator)
    client.force_login(moderator)
    url = reverse("console:conversation_faq", args=[conversation.pk])
    response = client.post(url, {"question": "Bus?", "answer": "Line 60."})
    assert response.status_code == 400
    assert "has not allowed" in response.content.decode()
    conversation_set_faq_consent(conversation=conversation, allowed=False)
    assert client.post(url, {"question": "Bus?", "answer": "Line 60."}).status_code == 400
    assert not FaqEntry.objects.exists()


def test_with_consent_staff_publish_an_edited_faq_entry(client, moderator, member):
    conversation = answered(member, moderator)
    member_client = client
    member_client.force_login(member)
    member_client.post(
        reverse("conversations:conversation", args=[conversation.pk]),
        {"intent": "consent", "allowed": "yes"},
    )
    client.force_login(moderator)
    response = client.post(
        reverse("console:conversation_faq", args=[conversation.pk]),
        {"question": "Is there a bus to Playa Blanca?", "answer": "Yes: line 60, every hour."},
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.state == "published" and list(public_faq()) == [entry]
    faq = client.get(reverse("conversations:faq")).content.decode()
    assert "Is there a bus to Playa Blanca?" in faq and "Marta" not in faq
    assert client.get(reverse("conversations:faq_entry", args=[entry.pk])).status_code == 200


def test_a_visitors_consent_is_kept_on_the_conversation(client, moderator):
    conversation = answered(None, moderator)
    client.post(link_for(conversation), {"intent": "consent", "allowed": "yes"})
    conversation.refresh_from_db()
    entry = faq_create(conversation=conversation, staff=moderator, question="Bus?", answer="60.")
    assert list(public_faq()) == [entry]


def test_a_reported_faq_entry_reaches_the_moderation_queue(client, moderator, member):
    conversation = answered(member, moderator)
    conversation_set_faq_consent(conversation=conversation, allowed=True)
    entry = faq_create(conversation=conversation, staff=moderator, question="Bus?", answer="60.")
    client.post(
        reverse("conversations:faq_report", args=[entry.pk]), {"reason": "spam", "details": ""}
    )
    client.force_login(moderator)
    page = client.get(reverse("console:moderation_item", args=["faq", entry.pk]))
    assert page.status_code == 200 and "Bus?" in page.content.decode()


# --- Query counts ----------------------------------------------------------------


def _conversations(n, member, staff):
    for i in range(n):
        c = (
            ask(member, subject=f"Question {i}")
            if i % 2
            else ask(None, email=f"v{i}@example.net", subject=f"Question {i}")
        )
        conversation_answer(conversation=c, staff=staff, body="An answer.")


@pytest.mark.parametrize("size", [2, 8])
def test_the_inbox_costs_the_same_whatever_its_length(client, moderator, member, size, settings):
    settings.TELLUS_CONVERSATIONS_PER_DAY = 50
    _conversations(size, member, moderator)
    client.force_login(moderator)
    client.get(reverse("console:conversations"))
    with assert_queries(7):
        assert client.get(reverse("console:conversations")).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_a_conversation_page_costs_the_same_whatever_its_length(client, moderator, member, size):
    conversation = ask(member)
    for _ in range(size):
        conversation_answer(conversation=conversation, staff=moderator, body="More.")
    SavedReply.objects.create(title="A", body="B")
    client.force_login(moderator)
    url = reverse("console:conversation", args=[conversation.pk])
    client.get(url)
    with assert_queries(10):
        assert client.get(url).status_code == 200
    client.force_login(member)
    own = reverse("conversations:conversation", args=[conversation.pk])
    client.get(own)
    with assert_queries(6):
        assert client.get(own).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_the_faq_costs_the_same_whatever_its_length(client, moderator, member, size, settings):
    settings.TELLUS_CONVERSATIONS_PER_DAY = 50
    for i in range(size):
        conversation = answered(member, moderator, subject=f"Q{i}")
        conversation_set_faq_consent(conversation=conversation, allowed=True)
        faq_create(conversation=conversation, staff=moderator, question=f"Q{i}?", answer="A.")
    client.get(reverse("conversations:faq"))
    with assert_queries(1):
        assert client.get(reverse("conversations:faq")).status_code == 200
