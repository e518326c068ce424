"""What the conversations contribute to a member's archive, and how erasure treats them.

Erasure removes what the member wrote (their messages' text, the subject
line) and marks them "a former member" on the thread; staff answers stay,
since they are the destination's words. FAQ entries hold no personal data
and stay.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tellus.community.conversations.models import Conversation, ConversationEvent, Message
from tellus.people.models import Person
from tellus.people.privacy import register_personal_data


def _export(person: Person) -> dict[str, Any]:
    rows = Conversation.objects.filter(asker=person).prefetch_related("messages__author")
    return {
        "conversations": [
            {
                "id": c.pk,
                "subject": c.subject,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "faq_consent": c.faq_consent,
                "messages": [
                    {
                        "from": "destination" if m.from_staff else "me",
                        "staff_name": m.author.public_name if m.from_staff and m.author else None,
                        "text": m.body,
                        "created_at": m.created_at.isoformat(),
                    }
                    for m in c.messages.all()
                    if not m.removed
                ],
            }
            for c in rows.order_by("pk")
        ]
    }


def _erase(person: Person, keep_contributions: bool) -> None:
    """Empty the member's own messages and subject lines; keep the staff's answers."""
    conversations = Conversation.objects.filter(asker=person)
    ids = list(conversations.values_list("pk", flat=True))
    if not ids:
        return
    now = timezone.now()
    Message.objects.filter(conversation_id__in=ids, from_staff=False).update(body="", removed=True)
    conversations.update(subject="", asker_erased_at=now, visitor_email="")
    ConversationEvent.objects.bulk_create(
        ConversationEvent(conversation_id=pk, action=ConversationEvent.Action.ERASED) for pk in ids
    )


register_personal_data("conversations", export=_export, erase=_erase)
