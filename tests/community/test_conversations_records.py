"""What a conversation leaves behind: engagement events once, one email per answer even on a
retried job, the member's archive, and erasure that keeps the destination's answers."""

from __future__ import annotations

import pytest
from django.core import mail

from tellus.community.conversations.models import AnswerNotification, Message
from tellus.community.conversations.services import (
    answer_notification_send,
    conversation_answer,
    conversation_set_faq_consent,
    faq_create,
)
from tellus.community.conversations.tasks import send_answer_notification
from tellus.engagement.models import Event
from tellus.people.privacy import person_erase, person_export
from tests.community.conversation_factories import answered, ask

pytestmark = pytest.mark.django_db


def test_a_question_and_an_answer_are_recorded_once_with_the_service_touchpoint(member, moderator):
    conversation = answered(member, moderator)
    started = Event.objects.get(kind="conversation.started")
    assert started.member == member and started.subject_id == conversation.pk
    answer = Event.objects.get(kind="conversation.staff_answered")
    assert answer.member == member and answer.touchpoint.slug == "dmo-answers"
    assert answer.journey_stage == "consideration" == answer.touchpoint.journey_stage
    assert (
        answer.idempotency_key
        == f"conversation:{conversation.pk}:answer:{conversation.messages.last().pk}"
    )


def test_a_visitors_question_is_recorded_without_a_member(moderator):
    answered(None, moderator)
    assert Event.objects.filter(kind="conversation.started", member=None).count() == 1


def test_the_answer_email_is_sent_once_even_when_the_job_runs_again(
    member, moderator, django_capture_on_commit_callbacks
):
    conversation = ask(member)
    with django_capture_on_commit_callbacks(execute=True):
        message = conversation_answer(conversation=conversation, staff=moderator, body="Yes.")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [member.email] and "Moderator answered" in sent.body and "Yes." in sent.body
    assert f"/questions/{conversation.pk}/" in sent.body
    send_answer_notification(message.pk)  # a retry or a duplicate delivery
    assert answer_notification_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    assert AnswerNotification.objects.get(message=message).sent_at is not None


def test_a_failed_send_can_be_retried(member, moderator, monkeypatch):
    from tellus.community.conversations import services

    conversation = ask(member)
    message = conversation_answer(conversation=conversation, staff=moderator, body="Yes.")

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(ConnectionError):
        answer_notification_send(message_id=message.pk)
    monkeypatch.undo()
    assert answer_notification_send(message_id=message.pk) is True
    assert len(mail.outbox) == 1


def test_a_visitor_is_mailed_at_their_address_in_their_language(
    moderator, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("es"):
        conversation = ask(None, email="lola@example.es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_answer(conversation=conversation, staff=moderator, body="Sí.")
    assert mail.outbox[0].to == ["lola@example.es"]
    assert mail.outbox[0].subject.startswith("Te hemos respondido")
    assert "/questions/link/" in mail.outbox[0].body


def test_a_members_conversations_are_in_their_archive(member, moderator):
    answered(member, moderator, subject="Parking")
    archive = person_export(person=member)
    [conversation] = archive["conversations"]["conversations"]
    assert conversation["subject"] == "Parking"
    assert [m["from"] for m in conversation["messages"]] == ["me", "destination"]
    assert conversation["messages"][1]["staff_name"] == "Moderator"


def test_erasure_removes_the_askers_words_and_keeps_the_answers_and_the_faq(
    client, member, moderator
):
    conversation = answered(member, moderator, subject="My stay at Casa Marta")
    conversation_set_faq_consent(conversation=conversation, allowed=True)
    entry = faq_create(conversation=conversation, staff=moderator, question="Bus?", answer="60.")
    person_erase(person=member)
    conversation.refresh_from_db()
    assert conversation.subject == "" and conversation.asker_erased_at is not None
    mine = Message.objects.get(conversation=conversation, from_staff=False)
    assert mine.body == "" and mine.removed
    assert Message.objects.get(conversation=conversation, from_staff=True).body
    entry.refresh_from_db()
    assert entry.state == "published"
    client.force_login(moderator)
    from django.urls import reverse

    page = client.get(reverse("console:conversation", args=[conversation.pk])).content.decode()
    assert "A former member" in page and "Casa Marta" not in page
    assert "Yes, line 60, hourly." in page
    answer = client.post(
        reverse("console:conversation_answer", args=[conversation.pk]),
        {"body": "Hello?", "status": "solved"},
    )
    assert answer.status_code == 400
