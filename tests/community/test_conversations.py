"""Asking the destination: a visitor with only an email address, a member from their account."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from tellus.community.conversations import tokens
from tellus.community.conversations.models import Conversation, Message, Status
from tellus.community.conversations.queries import link_for
from tellus.community.conversations.services import conversation_answer
from tests.community.conversation_factories import answered, ask

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http\S+/questions/link/\S+/")


def _ask_as_visitor(client, django_capture_on_commit_callbacks, **data):
    form = {
        "email": "ana@example.net",
        "subject": "Ferry times",
        "body": "When does the first ferry leave?",
    }
    form.update(data)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("conversations:ask"), form)


def test_a_visitor_asks_with_an_email_address_and_gets_a_private_link(
    client, django_capture_on_commit_callbacks
):
    response = _ask_as_visitor(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ana@example.net"] and "Ferry times" in sent.subject
    link = LINK.search(sent.body).group(0)
    page = client.get(link[link.index("/questions/") :])
    body = page.content.decode()
    assert page.status_code == 200 and "When does the first ferry leave?" in body
    assert "ana@example.net" not in body  # nothing personal on the page
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_the_visitor_replies_through_the_link_and_the_conversation_waits_for_us(client, moderator):
    conversation = answered(None, moderator)
    assert conversation.status == Status.WAITING_FOR_VISITOR
    url = link_for(conversation)
    response = client.post(url, {"intent": "reply", "body": "Thanks! And on Sundays?"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.WAITING_FOR_US
    assert conversation.messages.last().body == "Thanks! And on Sundays?"


def test_a_tampered_token_is_refused(client):
    conversation = ask(None)
    token = tokens.make_token(conversation.pk, conversation.access_key)
    for bad in (
        token[:-2] + ("A" if token[-1] != "A" else "B") + token[-1],
        tokens.make_token(conversation.pk, "guessed-key"),
        signing.TimestampSigner(salt="other").sign(f"{conversation.pk}.{conversation.access_key}"),
        "x" * 500,
        "not-a-token",
    ):
        response = client.get(reverse("conversations:by_link", args=[bad]))
        assert response.status_code == 404, bad
        assert "This link does not work" in response.content.decode()


def test_a_members_conversation_has_no_link(client, member):
    conversation = ask(member)
    token = tokens.make_token(conversation.pk, conversation.access_key)
    assert client.get(reverse("conversations:by_link", args=[token])).status_code == 404


def test_an_expired_token_is_refused_and_a_new_link_goes_to_the_conversations_address(
    client, django_capture_on_commit_callbacks
):
    conversation = ask(None, email="old@example.net")
    long_ago = time.time() - (tokens.link_days() + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        url = link_for(conversation)
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Is there a bus" not in response.content.decode()
    response = client.post(url, {"intent": "reply", "body": "let me in"})
    assert response.status_code == 410
    assert Message.objects.filter(conversation=conversation).count() == 1
    mail.outbox.clear()
    response = client.post(url, {"intent": "resend"})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["old@example.net"]]
    fresh = LINK.search(mail.outbox[0].body).group(0)
    assert client.get(fresh[fresh.index("/questions/") :]).status_code == 200


def test_a_member_asks_follows_and_reads_a_named_staff_answer(client, member, moderator):
    client.force_login(member)
    response = client.post(
        reverse("conversations:ask"), {"subject": "Parking", "body": "Where can we park?"}
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "conversations:conversation", args=[conversation.pk]
    )
    assert conversation.asker == member and conversation.visitor_email == ""
    conversation_answer(conversation=conversation, staff=moderator, body="By the church.")
    page = client.get(reverse("conversations:conversation", args=[conversation.pk]))
    body = page.content.decode()
    assert "By the church." in body and "Moderator, for the destination" in body
    assert "May we publish your question" in body  # consent asked with the answer
    mine = client.get(reverse("conversations:mine"))
    assert mine.status_code == 200 and "Parking" in mine.content.decode()


def test_a_member_cannot_open_anothers_conversation(client, member, other_member):
    conversation = ask(member)
    client.force_login(other_member)
    url = reverse("conversations:conversation", args=[conversation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"intent": "reply", "body": "hi"}).status_code == 404


def test_the_asker_accepts_the_answer_once(client, member, moderator):
    from tellus.engagement.models import Event

    conversation = answered(member, moderator)
    client.force_login(member)
    url = reverse("conversations:conversation", args=[conversation.pk])
    for _ in range(2):
        assert client.post(url, {"intent": "accept"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    assert Event.objects.filter(kind="conversation.answer_accepted").count() == 1


def test_an_answer_cannot_be_accepted_before_there_is_one(client, member):
    conversation = ask(member)
    client.force_login(member)
    url = reverse("conversations:conversation", args=[conversation.pk])
    response = client.post(url, {"intent": "accept"}, follow=True)
    assert "There is no answer to accept yet." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == Status.NEW


# --- Hostile and malformed input ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "ana@example.net\nBcc: all@example.org", "Enter a valid email address."),
        ("email", "ana@example.net, b@example.org", "Enter a valid email address."),
        ("email", "not an address", "Enter a valid email address."),
        ("subject", "Hello\r\nBcc: all@example.org", "Write the subject on one line."),
        ("subject", "Bell\x07", "Remove the control characters"),
        ("body", "x" * 1_000_000, "Ensure this value has at most 5000 characters"),
        ("body", "null\x00byte", "Remove the control characters"),
        ("body", "", "This field is required."),
    ],
)
def test_hostile_input_gives_a_clear_error_and_writes_nothing(
    client, django_capture_on_commit_callbacks, field, value, message
):
    response = _ask_as_visitor(client, django_capture_on_commit_callbacks, **{field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'role="alert"' in body
    assert Conversation.objects.count() == 0 and mail.outbox == []


def test_script_is_shown_as_text_never_run(client, moderator):
    conversation = ask(
        None, subject="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>"
    )
    page = client.get(link_for(conversation)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_a_visitor_asks_at_most_five_questions_a_day(client, django_capture_on_commit_callbacks):
    for n in range(5):
        response = _ask_as_visitor(client, django_capture_on_commit_callbacks, subject=f"Q{n}")
        assert response.status_code == 200
    response = _ask_as_visitor(client, django_capture_on_commit_callbacks, subject="Q6")
    assert response.status_code == 400
    assert "Try again tomorrow" in response.content.decode()
    assert Conversation.objects.count() == 5


def test_the_notification_subject_line_is_one_safe_line(
    member, moderator, django_capture_on_commit_callbacks
):
    conversation = ask(member, subject="Beach")
    Conversation.objects.filter(pk=conversation.pk).update(subject="Beach\r\nBcc: x@example.org")
    conversation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_answer(conversation=conversation, staff=moderator, body="Sure.")
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].to == [member.email]


def test_unknown_intent_is_not_found(client, member):
    conversation = ask(member)
    client.force_login(member)
    url = reverse("conversations:conversation", args=[conversation.pk])
    assert client.post(url, {"intent": "delete"}).status_code == 404
