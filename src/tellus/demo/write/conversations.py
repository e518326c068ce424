"""Conversations with the destination in the demo: every status, named staff answers, two FAQ
entries; the same for the same seed.

A few members and visitors (by email only) ask the questions visitors ask a
tourism board; the moderator and the marketer answer most of them. Times
are counted back from the log's last event, so that the inbox shows
believable waiting times. Two answered questions whose askers allowed it
are in the public FAQ. Each question and answer is in the engagement log
with the destination's answering touchpoint, as the services record them
(without idempotency keys, as every event the demo writes).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Max
from django.utils import timezone

from tellus.community.conversations.models import (
    AnswerNotification,
    Conversation,
    ConversationEvent,
    FaqConsent,
    FaqEntry,
    Message,
    SavedReply,
    Status,
)
from tellus.community.conversations.services import TOUCHPOINT_STAGE, dmo_touchpoint
from tellus.engagement import kinds as K
from tellus.engagement.models import Event
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import consent_grant

Action = ConversationEvent.Action

# subject, question, answer (None: not answered yet), status, hours since the asker wrote,
# whether the asker allows an FAQ entry, the FAQ's question (None: no entry)
QUESTIONS: tuple[tuple[str, str, str | None, str, int, bool, str | None], ...] = (
    (
        "Bus from the airport",
        "Hi! Is there a bus from the airport to Playa Blanca, and does it run late at night?",
        "Yes: line 161 runs from the airport to Playa Blanca every hour until 22:00. "
        "After that a taxi is the only option, about 45 euros.",
        Status.SOLVED,
        400,
        True,
        "Is there a bus from the airport to Playa Blanca?",
    ),
    (
        "Caves with a wheelchair",
        "Can my father visit the caves in a wheelchair? We come in March.",
        "The Jameos del Agua have a lift to the lower level and an adapted route; "
        "the Cueva de los Verdes has steps and is not accessible, sadly.",
        Status.SOLVED,
        300,
        True,
        "Are the caves accessible with a wheelchair?",
    ),
    (
        "Hiking with children",
        "Which walks are easy for children of six and eight?",
        "The coastal path from Playa Blanca to the Papagayo beaches is flat and about an hour. "
        "Would you like a map?",
        Status.WAITING_FOR_VISITOR,
        30,
        False,
        None,
    ),
    (
        "Market on Sunday",
        "Is the Teguise market on every Sunday, also at Easter?",
        "It is on every Sunday morning, Easter included, from nine to two.",
        Status.WAITING_FOR_US,
        5,
        False,
        None,
    ),
    (
        "Diving courses in English",
        "Where can I take a beginner's diving course in English?",
        None,
        Status.NEW,
        20,
        False,
        None,
    ),
    (
        "Car hire without a credit card",
        "Can we hire a car with a debit card only?",
        None,
        Status.NEW,
        3,
        False,
        None,
    ),
)
VISITOR_EMAILS = ("sam.walker@example.net", "lena.berg@example.net")
SAVED_REPLIES = (
    ("Bus timetables", "Bus timetables for the whole island are at the bus station and online."),
    ("Thanks and welcome", "Thank you for your question! We are glad to help: enjoy your stay."),
)


def write_conversations(*, seed: int, staff: dict[str, Person]) -> None:
    """The demo's conversations, saved replies and FAQ entries (nothing if there are some)."""
    if Conversation.objects.exists():
        return
    rng = np.random.default_rng([seed, 0xA5C])
    members = list(
        Person.objects.filter(is_staff=False, groups=None, erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    last = Event.objects.aggregate(last=Max("occurred_at"))["last"] or timezone.now()
    answerers = [staff["moderator"], staff["marketer"]]
    touchpoint = dmo_touchpoint()
    for title, body in SAVED_REPLIES:
        SavedReply.objects.create(title=title, body=body, updated_by=staff["moderator"])
    people = {p.pk: p for p in Person.objects.filter(pk__in=members)}
    for n, (subject, question, answer, status, hours, allows, faq) in enumerate(QUESTIONS):
        by_visitor = n % 3 == 2 and n // 3 < len(VISITOR_EMAILS)
        asker = (
            None if by_visitor or not members else people[members[int(rng.integers(len(members)))]]
        )
        asked_at = last - dt.timedelta(hours=hours + 2)
        wrote_at = last - dt.timedelta(hours=hours)
        conversation = Conversation.objects.create(
            asker=asker,
            visitor_email=VISITOR_EMAILS[n // 3] if asker is None else "",
            subject=subject,
            language="en",
            status=status,
            assignee=answerers[n % 2] if status != Status.NEW else None,
            created_at=asked_at,
            updated_at=wrote_at,
            visitor_last_message_at=wrote_at if status == Status.WAITING_FOR_US else asked_at,
            faq_consent=FaqConsent.GIVEN if allows else FaqConsent.UNASKED,
            faq_consent_at=wrote_at if allows else None,
        )
        Message.objects.create(
            conversation=conversation, author=asker, body=question, created_at=asked_at
        )
        ConversationEvent.objects.create(
            conversation=conversation, actor=asker, action=Action.ASKED, created_at=asked_at
        )
        record_event(
            kind=K.CONVERSATION_STARTED,
            member=asker,
            subject=conversation,
            channel="web",
            touchpoint=touchpoint,
            journey_stage=TOUCHPOINT_STAGE,
            occurred_at=asked_at,
        )
        if answer is None:
            continue
        author = answerers[n % 2]
        answered_at = asked_at + dt.timedelta(hours=1)
        message = Message.objects.create(
            conversation=conversation,
            author=author,
            from_staff=True,
            body=answer,
            created_at=answered_at,
        )
        AnswerNotification.objects.create(
            message=message, claimed_at=answered_at, sent_at=answered_at
        )
        ConversationEvent.objects.create(
            conversation=conversation, actor=author, action=Action.ANSWERED, created_at=answered_at
        )
        ConversationEvent.objects.create(
            conversation=conversation,
            actor=author,
            action=Action.STATUS,
            detail=f"{Status.NEW} → {Status.WAITING_FOR_VISITOR}",
            created_at=answered_at,
        )
        record_event(
            kind=K.STAFF_ANSWERED,
            member=asker,
            subject=conversation,
            touchpoint=touchpoint,
            journey_stage=TOUCHPOINT_STAGE,
            occurred_at=answered_at,
        )
        if status == Status.WAITING_FOR_US:
            Message.objects.create(
                conversation=conversation,
                author=asker,
                body="Thank you! And is there parking nearby?",
                created_at=wrote_at,
            )
        if allows and asker is not None:
            consent_grant(
                person=asker,
                purpose=ConsentPurpose.WEBSITE,
                subject=conversation,
                source="conversation",
            )
        if faq is not None:
            entry = FaqEntry.objects.create(
                contributor=author,
                question=faq,
                answer=answer,
                conversation=conversation,
                state=FaqEntry.State.PUBLISHED,
                created_at=wrote_at,
                published_at=wrote_at,
            )
            consent_grant(
                person=author, purpose=ConsentPurpose.WEBSITE, subject=entry, source="staff"
            )
