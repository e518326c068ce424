"""A comment on any subject, and a member's reactions to any subject.

Imported by ``tellus.publishing.models`` so that both belong to the
publishing app and its migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tellus.publishing.models import AboutSubject, Publishable, State

BODY_MAX_LENGTH = 5000


class Comment(Publishable, AboutSubject):
    """A member's plain-text comment on a subject; it goes through moderation as any subject."""

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=BODY_MAX_LENGTH)
    # One level only: a reply to a reply answers the first comment.
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "created_at"]),
            models.Index(fields=["contributor", "-created_at"]),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else text[:59] + "…"

    @cached_property
    def body_html(self) -> SafeString:
        """The text as shown: escaped, line breaks kept, web addresses as nofollow links."""
        from tellus.publishing.comments.text import render_comment

        return render_comment(self.body)


class Reaction(AboutSubject):
    """One member's reaction of one type to a subject (a fixed set, one of each type)."""

    class Type(models.TextChoices):
        LIKE = "like", _("Like")
        LOVE = "love", _("Love it")
        WANT_TO_GO = "want_to_go", _("I want to go")
        HELPFUL = "helpful", _("Helpful")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reactions",
    )
    type = models.CharField(_("reaction"), max_length=12, choices=Type.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "member", "type"],
                name="publishing_reaction_once_per_member",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id", "type"])]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}#{self.subject_id}"
