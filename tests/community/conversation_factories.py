"""Conversations for the tests, made through the services as a visitor or staff would."""

from __future__ import annotations

from tellus.community.conversations.models import Conversation
from tellus.community.conversations.services import conversation_answer, conversation_ask
from tellus.people.models import Person


def ask(
    asker: Person | None = None,
    *,
    email: str = "",
    subject: str = "Bus to the beach",
    body: str = "Is there a bus from the harbour to Playa Blanca?",
) -> Conversation:
    if asker is None and not email:
        email = "visitor@example.net"
    return conversation_ask(asker=asker, email=email, subject=subject, body=body)


def answered(asker: Person | None, staff: Person, **kwargs: str) -> Conversation:
    conversation = ask(asker, **kwargs)
    conversation_answer(conversation=conversation, staff=staff, body="Yes, line 60, hourly.")
    conversation.refresh_from_db()
    return conversation
