"""Direct dialogue with the destination: a visitor's question, the staff's answers, the FAQ.

A conversation belongs to a member (``asker``) or, for a visitor who gave only
an email address, to that address: the visitor reaches it through a signed
link (see :mod:`.tokens`), whose secret part is ``access_key``. Every message
and every change of status or assignee is a row of :class:`ConversationEvent`,
the conversation's audit trail. An FAQ entry is a publishing subject written
by staff from a good answer, with the asker's consent, and without their name.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.publishing.models import Publishable, State


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


class Status(models.TextChoices):
    NEW = "new", _("New")
    WAITING_FOR_US = "waiting_us", _("Waiting for us")
    WAITING_FOR_VISITOR = "waiting_visitor", _("Waiting for visitor")
    SOLVED = "solved", _("Solved")


class FaqConsent(models.TextChoices):
    UNASKED = "", _("Not asked yet")
    GIVEN = "given", _("Allowed")
    REFUSED = "refused", _("Refused")


class Conversation(models.Model):
    """One question to the destination and everything said about it since."""

    Status = Status

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    visitor_email = models.EmailField(_("email address"), max_length=254, blank=True)
    access_key = models.CharField(max_length=40, default=new_access_key, editable=False)
    subject = models.CharField(_("subject"), max_length=160)
    #: The language the question was asked in: the notification emails are written in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    #: The asker's latest message: how long the conversation has waited is counted from it.
    visitor_last_message_at = models.DateTimeField(default=timezone.now)
    faq_consent = models.CharField(
        max_length=8, choices=FaqConsent.choices, default=FaqConsent.UNASKED, blank=True
    )
    faq_consent_at = models.DateTimeField(null=True, blank=True)
    #: Set when the asker erased their account: their messages are gone, the thread stays.
    asker_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "visitor_last_message_at"]),
            models.Index(fields=["asker", "-updated_at"]),
            models.Index(fields=["visitor_email", "created_at"]),
        ]
        permissions = [("answer", _("Can answer conversations with visitors"))]

    def __str__(self) -> str:
        return self.subject

    @property
    def asked_by_visitor(self) -> bool:
        return self.asker_id is None


class Message(models.Model):
    """One message: the asker's (``from_staff`` false) or a named staff member's answer."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=5000)
    removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.conversation_id}:{self.pk}"


class ConversationEvent(models.Model):
    """The audit trail: who did what to the conversation, and when."""

    class Action(models.TextChoices):
        ASKED = "asked", _("Asked")
        REPLIED = "replied", _("Replied")
        ANSWERED = "answered", _("Answered")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        CONSENT = "consent", _("FAQ consent")
        FAQ = "faq", _("FAQ entry made")
        ACCEPTED = "accepted", _("Answer accepted")
        ERASED = "erased", _("Asker's data erased")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.conversation_id}:{self.action}"


class AnswerNotification(models.Model):
    """The email telling the asker that staff answered: one row per answer, sent at most once."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="notification")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.message_id}"


class SavedReply(models.Model):
    """A snippet staff keep for answers they give often; it fills the answer box."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class FaqEntry(Publishable):
    """A question and its answer, edited by staff to hold no personal data, shown publicly.

    Its ``contributor`` is the staff member who wrote it; their website consent
    for the entry is recorded when it is made, so the shared public filter
    serves it like any other subject.
    """

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="faq_entries"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PUBLISHED, db_index=True
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=5000)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="faq_entries"
    )

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.question
