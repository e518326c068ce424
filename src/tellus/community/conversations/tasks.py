"""Background jobs of the conversations: the email telling an asker that staff answered."""

from __future__ import annotations

from celery import shared_task

from tellus.community.conversations.services import answer_notification_send


@shared_task(acks_late=True, ignore_result=True)
def send_answer_notification(message_id: int) -> None:
    """Idempotent: the notification row is claimed before the email leaves."""
    answer_notification_send(message_id=message_id)
