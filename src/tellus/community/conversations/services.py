"""Every write of the conversations: asking, replying, staff answers, assignment, status, FAQ.

Each action changes its rows, appends to the conversation's audit trail and
records its engagement event (with an idempotency key) in one transaction.
Emails leave after the commit, through a job that claims its notification row
first, so that a retried job never sends twice. Text comes in already checked
by the forms (lengths, control characters); the rules live here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tellus.community.conversations import queries
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
from tellus.engagement import kinds
from tellus.engagement.models import JourneyStage, Touchpoint
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import consent_grant, consent_withdraw
from tellus.publishing.services import PublishingError

Action = ConversationEvent.Action
#: The touchpoint of the destination answering: a service touchpoint, met while planning.
TOUCHPOINT_SLUG = "dmo-answers"
#: Where the touchpoint sits in the journey: most questions to a tourism board are
#: asked while visitors plan and compare (opening times, transport, where to stay).
TOUCHPOINT_STAGE = JourneyStage.CONSIDERATION


class ConversationError(PublishingError):
    """A request refused, with a message for the person who made it."""


def per_day() -> int:
    """How many questions one address or member may start in 24 hours."""
    return int(getattr(settings, "TELLUS_CONVERSATIONS_PER_DAY", 5))


def header_safe(text: str, *, limit: int = 120) -> str:
    """One line for an email header: line breaks and control characters become spaces."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(cleaned.split())[:limit]


def _log(conversation: Conversation, action: str, actor: Person | None, detail: str = "") -> None:
    ConversationEvent.objects.create(
        conversation=conversation, action=action, actor=actor, detail=detail[:200]
    )


def dmo_touchpoint() -> Touchpoint:
    touchpoint, _created = Touchpoint.objects.get_or_create(
        slug=TOUCHPOINT_SLUG,
        defaults={
            "name": "The destination's answers",
            "journey_stage": TOUCHPOINT_STAGE,
            "channel": "web",
        },
    )
    return touchpoint


def _check_can_write(person: Person | None) -> None:
    if person is not None and (not person.is_active or person.erased_at):
        raise ConversationError(
            _("Your account cannot write at the moment."), code="inactive", field=None
        )


def conversation_ask(
    *,
    asker: Person | None,
    subject: str,
    body: str,
    email: str = "",
    channel: str = "web",
    now: dt.datetime | None = None,
) -> Conversation:
    """A member (``asker``) or a visitor (only ``email``) asks the destination a question.

    At most :func:`per_day` new questions per member or address in 24 hours.
    A visitor is mailed the private link to the conversation after the commit.
    """
    _check_can_write(asker)
    now = now or timezone.now()
    email = email.strip().lower()
    if asker is None and not email:
        raise ConversationError(_("Enter your email address."), code="email", field="email")
    subject, body = header_safe(subject, limit=160), body.strip()
    if not subject:
        raise ConversationError(_("Say what your question is about."), field="subject")
    if not body:
        raise ConversationError(_("Write your question."), field="body")
    recent = Conversation.objects.filter(created_at__gte=now - dt.timedelta(days=1))
    recent = recent.filter(asker=asker) if asker else recent.filter(visitor_email=email)
    if recent.count() >= per_day():
        raise ConversationError(
            _("You have asked %(n)s questions today: we answer those first. Try again tomorrow.")
            % {"n": per_day()},
            code="too_many",
        )
    with transaction.atomic():
        conversation = Conversation.objects.create(
            asker=asker,
            visitor_email="" if asker else email,
            subject=subject,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_at=now,
            updated_at=now,
            visitor_last_message_at=now,
        )
        Message.objects.create(conversation=conversation, author=asker, body=body, created_at=now)
        _log(conversation, Action.ASKED, asker)
        record_event(
            kind=kinds.CONVERSATION_STARTED,
            member=asker,
            subject=conversation,
            channel=channel,
            touchpoint=dmo_touchpoint(),
            journey_stage=TOUCHPOINT_STAGE,
            occurred_at=now,
            idempotency_key=f"conversation:{conversation.pk}:started",
        )
        if asker is None:
            conversation_id = conversation.pk
            transaction.on_commit(lambda: send_visitor_link(conversation_id=conversation_id))
    return conversation


def conversation_reply(*, conversation: Conversation, author: Person | None, body: str) -> Message:
    """The asker writes again: the conversation waits for us, counted from now."""
    _check_can_write(author)
    if conversation.asker_erased_at:
        raise ConversationError(_("This conversation is closed."), code="closed")
    body = body.strip()
    if not body:
        raise ConversationError(_("Write your message."), field="body")
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, author=author, body=body, created_at=now
        )
        previous = conversation.status
        Conversation.objects.filter(pk=conversation.pk).update(
            status=Status.WAITING_FOR_US, visitor_last_message_at=now, updated_at=now
        )
        conversation.status = Status.WAITING_FOR_US
        conversation.visitor_last_message_at = now
        _log(conversation, Action.REPLIED, author)
        if previous != Status.WAITING_FOR_US:
            _log(conversation, Action.STATUS, author, f"{previous} → {Status.WAITING_FOR_US}")
    return message


def conversation_answer(
    *,
    conversation: Conversation,
    staff: Person,
    body: str,
    status: str = Status.WAITING_FOR_VISITOR,
) -> Message:
    """A named staff member answers; the asker is told by email, once."""
    if status not in Status.values or status == Status.NEW:
        raise ConversationError(_("Choose a status."), field="status")
    body = body.strip()
    if not body:
        raise ConversationError(_("Write your answer."), field="body")
    if conversation.asker_erased_at:
        raise ConversationError(_("The asker erased their account."), code="closed")
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, author=staff, from_staff=True, body=body, created_at=now
        )
        _log(conversation, Action.ANSWERED, staff)
        _set_status(conversation, staff, status, now=now)
        record_event(
            kind=kinds.STAFF_ANSWERED,
            member=conversation.asker,
            subject=conversation,
            touchpoint=dmo_touchpoint(),
            journey_stage=TOUCHPOINT_STAGE,
            occurred_at=now,
            idempotency_key=f"conversation:{conversation.pk}:answer:{message.pk}",
        )
        AnswerNotification.objects.create(message=message)
        message_id = message.pk
        transaction.on_commit(lambda: _enqueue_notification(message_id))
    return message


def _enqueue_notification(message_id: int) -> None:
    from tellus.community.conversations.tasks import send_answer_notification

    send_answer_notification.delay(message_id)


def _set_status(
    conversation: Conversation, staff: Person | None, status: str, *, now: dt.datetime
) -> None:
    previous = conversation.status
    conversation.status = status
    conversation.updated_at = now
    Conversation.objects.filter(pk=conversation.pk).update(status=status, updated_at=now)
    if previous != status:
        _log(conversation, Action.STATUS, staff, f"{previous} → {status}")


def conversation_set_status(*, conversation: Conversation, staff: Person, status: str) -> None:
    if status not in Status.values:
        raise ConversationError(_("Choose a status."), field="status")
    with transaction.atomic():
        _set_status(conversation, staff, status, now=timezone.now())


def conversation_assign(
    *, conversation: Conversation, staff: Person, assignee: Person | None
) -> None:
    """Give the conversation to a colleague who may answer (or to nobody)."""
    if assignee is not None and not assignee.has_perm(queries.PERMISSION):
        raise ConversationError(
            _("Choose a colleague who answers conversations."), field="assignee"
        )
    if conversation.assignee_id == (assignee.pk if assignee else None):
        return
    with transaction.atomic():
        conversation.assignee = assignee
        Conversation.objects.filter(pk=conversation.pk).update(assignee=assignee)
        _log(conversation, Action.ASSIGNED, staff, assignee.public_name if assignee else "—")


def conversation_accept(*, conversation: Conversation, person: Person | None) -> None:
    """The asker says the answer solved their question: solved, and counted once."""
    if not queries.has_staff_answer(conversation):
        raise ConversationError(_("There is no answer to accept yet."), code="no_answer")
    with transaction.atomic():
        _set_status(conversation, person, Status.SOLVED, now=timezone.now())
        _log(conversation, Action.ACCEPTED, person)
        record_event(
            kind=kinds.ANSWER_ACCEPTED,
            member=conversation.asker,
            subject=conversation,
            touchpoint=dmo_touchpoint(),
            journey_stage=TOUCHPOINT_STAGE,
            idempotency_key=f"conversation:{conversation.pk}:accepted",
        )


def conversation_set_faq_consent(*, conversation: Conversation, allowed: bool) -> None:
    """The asker allows (or not) their question and our answer to become a public FAQ.

    A member's answer is a consent record about the conversation (purpose
    ``website``); a visitor without an account has no person to hold one, so
    theirs is kept on the conversation, with its time.
    """
    now = timezone.now()
    with transaction.atomic():
        if conversation.asker is not None:
            if allowed:
                consent_grant(
                    person=conversation.asker,
                    purpose=ConsentPurpose.WEBSITE,
                    subject=conversation,
                    source="conversation",
                )
            else:
                consent_withdraw(
                    person=conversation.asker, purpose=ConsentPurpose.WEBSITE, subject=conversation
                )
        conversation.faq_consent = FaqConsent.GIVEN if allowed else FaqConsent.REFUSED
        conversation.faq_consent_at = now
        Conversation.objects.filter(pk=conversation.pk).update(
            faq_consent=conversation.faq_consent, faq_consent_at=now
        )
        _log(conversation, Action.CONSENT, conversation.asker, conversation.faq_consent)


def faq_create(
    *, conversation: Conversation, staff: Person, question: str, answer: str
) -> FaqEntry:
    """Staff turn an answer into a public FAQ entry: published at once, with the asker's consent.

    Staff write it (no moderation queue before it shows); it takes reports
    like any public subject, and a moderator can hide it from the queue.
    """
    if not queries.faq_allowed(conversation):
        raise ConversationError(
            _("The asker has not allowed this conversation to become a public FAQ."),
            code="no_consent",
        )
    question, answer = question.strip(), answer.strip()
    if not question or not answer:
        raise ConversationError(_("Write the question and the answer."), field="question")
    now = timezone.now()
    with transaction.atomic():
        entry = FaqEntry.objects.create(
            contributor=staff,
            question=question,
            answer=answer,
            conversation=conversation,
            state=FaqEntry.State.PUBLISHED,
            published_at=now,
        )
        consent_grant(person=staff, purpose=ConsentPurpose.WEBSITE, subject=entry, source="staff")
        _log(conversation, Action.FAQ, staff, f"#{entry.pk}")
    return entry


def saved_reply_save(
    *, reply: SavedReply | None, title: str, body: str, staff: Person
) -> SavedReply:
    reply = reply or SavedReply()
    reply.title, reply.body = title.strip(), body.strip()
    if not reply.title or not reply.body:
        raise ConversationError(_("Give the saved reply a title and a text."), field="title")
    reply.updated_by, reply.updated_at = staff, timezone.now()
    reply.save()
    return reply


def saved_reply_delete(*, reply: SavedReply) -> None:
    reply.delete()


# --- Emails ---------------------------------------------------------------------


def _recipient(conversation: Conversation) -> str:
    if conversation.asker is not None:
        return "" if conversation.asker.erased_at else conversation.asker.email
    return conversation.visitor_email


def _language(conversation: Conversation) -> str:
    if conversation.asker is not None and conversation.asker.preferred_language:
        return conversation.asker.preferred_language
    return conversation.language or settings.LANGUAGE_CODE


def _mail(
    conversation: Conversation, template: str, subject: str, extra: dict[str, object]
) -> None:
    link = f"{settings.SITE_URL}{queries.link_for(conversation)}"
    body = render_to_string(template, {"conversation": conversation, "link": link, **extra})
    recipient = _recipient(conversation)
    if recipient:
        send_mail(header_safe(subject, limit=200), body, None, [recipient])


def send_visitor_link(*, conversation_id: int) -> None:
    """Mail a visitor the private link to their conversation (on asking, or on request)."""
    conversation = Conversation.objects.filter(pk=conversation_id, asker__isnull=True).first()
    if conversation is None or not conversation.visitor_email:
        return
    with translation.override(_language(conversation)):
        _mail(
            conversation,
            "conversations/email/link.txt",
            _("Your question: %(subject)s") % {"subject": header_safe(conversation.subject)},
            {},
        )


def answer_notification_send(*, message_id: int) -> bool:
    """Tell the asker that staff answered; returns whether this call sent the email.

    The notification row is claimed by a conditional update first: a second
    run of the same job (a retry, a duplicate delivery) finds it claimed and
    sends nothing. A failed send releases the claim so that a retry can send.
    """
    now = timezone.now()
    claimed = AnswerNotification.objects.filter(
        message_id=message_id, claimed_at__isnull=True
    ).update(claimed_at=now)
    if not claimed:
        return False
    message = Message.objects.select_related("conversation__asker", "author").get(pk=message_id)
    conversation = message.conversation
    try:
        with translation.override(_language(conversation)):
            _mail(
                conversation,
                "conversations/email/answer.txt",
                _("We answered: %(subject)s") % {"subject": header_safe(conversation.subject)},
                {"message": message},
            )
    except Exception:
        AnswerNotification.objects.filter(message_id=message_id).update(claimed_at=None)
        raise
    AnswerNotification.objects.filter(message_id=message_id).update(sent_at=timezone.now())
    return True
