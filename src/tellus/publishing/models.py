"""Moderation state, decisions, reports and share links, for any kind of subject.

A subject is named by its model label and primary key (``subject_type``,
``subject_id``), as consent and the engagement log name theirs, so that one
table serves content today and posts, comments, entries and ideas later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Where a subject stands on its way to public eyes."""

    PROCESSING = "processing", _("Processing")
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    NEEDS_EDIT = "needs_edit", _("Asked to edit")
    HIDDEN = "hidden", _("Hidden")
    FAILED = "failed", _("Could not be processed")


class Publishable(models.Model):
    """The moderation fields every published kind of contribution carries.

    A feature model inherits them, adds a ``contributor`` foreign key, and
    registers itself with :func:`tellus.publishing.subjects.register`.
    """

    State = State

    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROCESSING, db_index=True
    )
    moderation_note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AboutSubject(models.Model):
    """A row about one subject of any registered kind, named by model label and id."""

    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField()

    class Meta:
        abstract = True


class ModerationDecision(AboutSubject):
    """The audit log of moderation: every decision on any subject, by whom, why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        ASK_EDIT = "ask_edit", _("Asked to edit")
        HIDE = "hide", _("Hidden")
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        DISMISS_REPORTS = "dismiss", _("Reports dismissed")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]
        permissions = [("moderate", _("Can moderate visitors' contributions"))]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}#{self.subject_id}"


class Report(AboutSubject):
    """A visitor's report that a subject should not be shown, with their reason."""

    class Reason(models.TextChoices):
        NOT_MINE = "not_mine", _("It is mine or someone else's, not the contributor's")
        OFFENSIVE = "offensive", _("Offensive or hateful")
        PRIVACY = "privacy", _("It shows someone who did not agree")
        SPAM = "spam", _("Spam or advertising")
        WRONG_PLACE = "wrong_place", _("Not at this destination")
        OTHER = "other", _("Something else")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_key = models.CharField(max_length=64)  # member id, or a salted hash of the address
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "reporter_key"],
                name="publishing_report_once_per_reporter",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.subject_type}#{self.subject_id}"


class Share(AboutSubject):
    """A tracked link to a public subject for one channel, made when someone shares it."""

    class Channel(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        WHATSAPP = "whatsapp", "WhatsApp"
        EMAIL = "email", _("Email")
        LINK = "link", _("Copied link")

    sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shares",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    code = models.CharField(max_length=16, unique=True)
    click_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.code


# Comments and reactions live in their own module; imported here to belong to this app.
from tellus.publishing.comments.models import Comment, Reaction  # noqa: E402

__all__ = [
    "AboutSubject",
    "Comment",
    "ModerationDecision",
    "Publishable",
    "Reaction",
    "Report",
    "Share",
    "State",
]
