"""Polls: a question the DMO asks, its options, and each member's one vote.

A poll is a publishing subject (:class:`tellus.publishing.models.Publishable`)
so that it can be shared with tracked links and reported like any other
subject; staff write polls, so a poll is created published and never waits in
the moderation queue (a moderator may still hide it). Its author is staff,
not a contributor: ``created_by`` (``SubjectKind.contributor_field``).

One vote per member and poll, by a database constraint, whether the poll asks
for one choice or several: a vote row holds the member, its choices are rows
of :class:`Choice`. Counting a poll's results is counting choices by option.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.publishing.models import Publishable, State

MIN_OPTIONS = 2
MAX_OPTIONS = 12


class Kind(models.TextChoices):
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")


class ShowResults(models.TextChoices):
    """When visitors and members see the counts (staff see them at any time)."""

    AFTER_VOTE = "after_vote", _("Once the member has voted")
    AFTER_CLOSE = "after_close", _("Only after the poll closes")


class Poll(Publishable):
    """A question with 2 to 12 options, open until ``closes_at``."""

    Kind = Kind
    ShowResults = ShowResults

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls_created",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PUBLISHED, db_index=True
    )
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    kind = models.CharField(_("answers"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    max_choices = models.PositiveSmallIntegerField(_("at most this many choices"), default=1)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    show_results = models.CharField(
        _("results shown"),
        max_length=12,
        choices=ShowResults.choices,
        default=ShowResults.AFTER_VOTE,
    )
    initiative = models.ForeignKey(
        "engagement.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
        verbose_name=_("initiative"),
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-closes_at", "-pk"]
        indexes = [models.Index(fields=["state", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(max_choices__lte=MAX_OPTIONS),
                name="polls_max_choices_in_range",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="polls_close_after_opening"
            ),
        ]
        permissions = [("manage", _("Can open polls and read their results"))]

    def __str__(self) -> str:
        return self.question

    @property
    def contributor(self) -> Any:
        """The staff member who opened the poll, under the name the shared staff pages use."""
        return self.created_by

    @property
    def contributor_id(self) -> int | None:
        return self.created_by_id

    def is_open_at(self, moment: dt.datetime) -> bool:
        return self.opens_at <= moment < self.closes_at

    @property
    def allowed_choices(self) -> int:
        return 1 if self.kind == Kind.SINGLE else self.max_choices


class Option(models.Model):
    """One answer a poll offers, in the order staff gave."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polls_option_position")
        ]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    """One member's vote on one poll, changeable until it closes.

    ``member`` becomes empty when the member's data is erased: the vote then
    still counts, without saying whose it was.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="poll_votes",
    )
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="polls_one_vote_per_member")
        ]
        indexes = [models.Index(fields=["member", "poll"])]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.poll_id}"


class Choice(models.Model):
    """An option a vote chose; the poll is repeated so that results count in one grouped query."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["vote", "option"], name="polls_choose_once")]
        indexes = [models.Index(fields=["poll", "option"])]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.option_id}"
