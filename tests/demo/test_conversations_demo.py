"""The demo's conversations: every status, named staff answers, two public FAQ entries,
saved replies, and the engagement log agreeing with them."""

from __future__ import annotations

import pytest
from django.test import Client

from tellus.community.conversations.models import Conversation, FaqEntry, Message, Status
from tellus.community.conversations.queries import public_faq
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.people.models import Person
from tests.demo.test_demo import demo_output  # noqa: F401 (the seeded demo, once per class)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestSeededConversations:
    def test_conversations_in_every_status_with_named_staff_answers(self) -> None:
        assert set(Conversation.objects.values_list("status", flat=True)) == set(Status.values)
        assert Conversation.objects.filter(asker__isnull=True).exists()
        answers = Message.objects.filter(from_staff=True).select_related("author")
        assert answers and all(m.author.display_name for m in answers)

    def test_two_faq_entries_are_public(self, client: Client) -> None:
        assert public_faq().count() == FaqEntry.objects.count() == 2
        page = client.get("/questions/faq/").content.decode()
        assert "Is there a bus from the airport to Playa Blanca?" in page

    def test_the_log_has_each_question_and_answer_once(self) -> None:
        asked = Event.objects.filter(kind=kinds.CONVERSATION_STARTED)
        assert asked.count() == Conversation.objects.count()
        answered = Event.objects.filter(kind=kinds.STAFF_ANSWERED)
        assert answered.count() == Message.objects.filter(from_staff=True).count()
        assert all(e.touchpoint and e.touchpoint.slug == "dmo-answers" for e in answered)

    def test_the_moderator_sees_the_inbox(self, client: Client) -> None:
        client.force_login(Person.objects.get(email="moderator@demo.example"))
        page = client.get("/console/conversations/")
        assert page.status_code == 200 and "Car hire without a credit card" in page.content.decode()
