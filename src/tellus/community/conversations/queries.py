"""Reads of the conversations: the inbox, one conversation, a member's questions, the FAQ.

Views fetch one conversation only through :func:`get_conversation_for` (a
member or staff) or :func:`get_conversation_by_token` (a visitor's private
link). Lists cost a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from tellus.community.conversations import tokens
from tellus.community.conversations.models import (
    Conversation,
    ConversationEvent,
    FaqEntry,
    Message,
    SavedReply,
    Status,
)
from tellus.people.models import Consent, ConsentPurpose, Person
from tellus.people.queries import is_active_member
from tellus.people.roles import ROLE_PERMISSIONS
from tellus.publishing.queries import public, with_contributor_history
from tellus.publishing.subjects import kind_for_label

PERMISSION = "conversations.answer"
SUBJECT_TYPE = "conversations.conversation"
FAQ_SUBJECT_TYPE = "conversations.faqentry"
ACTIONS = ("read", "reply", "answer")
OPEN_STATUSES = (Status.NEW, Status.WAITING_FOR_US)


def is_staff(person: Person | AnonymousUser | None) -> bool:
    return is_active_member(person) and person.has_perm(PERMISSION)  # type: ignore[union-attr]


# --- The inbox -------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    assignee: str = ""  # "" everyone, "me", "none", or a staff member's id


def inbox(filters: InboxFilters, *, me: Person) -> QuerySet[Conversation]:
    """Conversations for staff: those waiting for us first, longest waiting first, then the rest."""
    rows = Conversation.objects.select_related("asker", "assignee")
    if filters.status in Status.values:
        rows = rows.filter(status=filters.status)
    if filters.assignee == "me":
        rows = rows.filter(assignee=me)
    elif filters.assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        rows = rows.filter(assignee_id=int(filters.assignee))
    waiting = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)),
        When(status=Status.WAITING_FOR_VISITOR, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return rows.annotate(waiting_rank=waiting).order_by(
        "waiting_rank", "visitor_last_message_at", "pk"
    )


def waited(conversation: Conversation, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long the conversation has waited since the asker's last message."""
    return (now or timezone.now()) - conversation.visitor_last_message_at


def colleagues() -> QuerySet[Person]:
    """Staff who may answer: whom a conversation can be assigned to."""
    roles = [role for role, names in ROLE_PERMISSIONS.items() if PERMISSION in names]
    rows = Person.objects.filter(is_active=True, erased_at__isnull=True, groups__name__in=roles)
    return rows.distinct().order_by("display_name", "pk")


def saved_replies() -> QuerySet[SavedReply]:
    return SavedReply.objects.all()


# --- One conversation -----------------------------------------------------------


def _with_thread(rows: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return rows.select_related("asker", "assignee").prefetch_related(
        Prefetch("messages", queryset=Message.objects.select_related("author"))
    )


def conversation_for_staff(conversation_id: int) -> Conversation | None:
    return (
        _with_thread(Conversation.objects.all())
        .prefetch_related(
            Prefetch("events", queryset=ConversationEvent.objects.select_related("actor"))
        )
        .filter(pk=conversation_id)
        .first()
    )


def get_conversation_for(
    person: Person | AnonymousUser | None, conversation_id: int, *, action: str = "read"
) -> Conversation | None:
    """The conversation ``person`` may have for ``action``, or None.

    ``read`` and ``reply``: the member's own conversation (staff read and
    answer it from the console, with ``answer``). ``answer``: any
    conversation, for those with ``conversations.answer``. A visitor has none
    of them: their conversation is reached with its token.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if not is_active_member(person):
        return None
    if action == "answer":
        return conversation_for_staff(conversation_id) if is_staff(person) else None
    return (
        _with_thread(Conversation.objects.filter(asker=person)).filter(pk=conversation_id).first()  # type: ignore[misc]
    )


@dataclass(frozen=True)
class TokenAccess:
    conversation: Conversation | None
    expired: bool = False


def get_conversation_by_token(token: str) -> TokenAccess:
    """The visitor's conversation named by their private link (a bad or tampered one: none)."""
    unsigned = tokens.read_token(token)
    if unsigned is None:
        return TokenAccess(None)
    found = (
        _with_thread(Conversation.objects.filter(asker__isnull=True))
        .filter(pk=unsigned.conversation_id)
        .first()
    )
    if found is None or not constant_time_compare(found.access_key, unsigned.access_key):
        return TokenAccess(None)
    return TokenAccess(found, expired=unsigned.expired)


def link_for(conversation: Conversation) -> str:
    """The path of a visitor's private link to their conversation (members use their page)."""
    if conversation.asker_id:
        return reverse("conversations:conversation", args=[conversation.pk])
    token = tokens.make_token(conversation.pk, conversation.access_key)
    return reverse("conversations:by_link", args=[token])


def questions_of(member: Person) -> QuerySet[Conversation]:
    return Conversation.objects.filter(asker=member).order_by("-updated_at", "-pk")


def faq_allowed(conversation: Conversation) -> bool:
    """Whether the asker allowed their question and our answer to become a public FAQ."""
    if conversation.asker_id:
        return (
            Consent.objects.active()
            .about(SUBJECT_TYPE)
            .filter(
                person_id=conversation.asker_id,
                purpose=ConsentPurpose.WEBSITE,
                subject_id=conversation.pk,
            )
            .exists()
        )
    return conversation.faq_consent == "given"


def has_staff_answer(conversation: Conversation) -> bool:
    return any(m.from_staff for m in conversation.messages.all())


# --- The FAQ ---------------------------------------------------------------------


def public_faq() -> QuerySet[FaqEntry]:
    return public(FaqEntry.objects.all()).order_by("-published_at", "-pk")


def faq_entry_page(entry_id: int) -> FaqEntry | None:
    return public_faq().filter(pk=entry_id).first()


def faq_for_moderation(ids: Any) -> QuerySet[FaqEntry]:
    kind = kind_for_label(FAQ_SUBJECT_TYPE)
    assert kind is not None, "conversations registers the FAQ kind in ready()"
    rows = FaqEntry.objects.filter(pk__in=list(ids)).select_related("contributor")
    return with_contributor_history(rows, kind)
