"""The idea board: members' ideas for new tourism products and experiences, and who backs them.

An idea is a publishing subject (:class:`tellus.publishing.models.Publishable`):
its moderation ``state`` (pending, published, hidden...) decides whether the
public sees it, through the shared public filter. Its ``status`` is the idea
board's own: what staff made of it (under review, planned, adopted,
declined), answered publicly.

Places and photos are the content hub's; they are referenced by model label
(``"content.Place"``), so that this app imports nothing of its sibling in the
feature layer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.engagement.models import Initiative
from tellus.publishing.models import Publishable, State


class Season(models.TextChoices):
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")
    ALL_YEAR = "all_year", _("All year")


class Audience(models.TextChoices):
    """Who an idea is for: a fixed list, so that ideas can be filtered by it."""

    EVERYONE = "everyone", _("Everyone")
    FAMILIES = "families", _("Families")
    COUPLES = "couples", _("Couples")
    SOLO = "solo", _("Solo travellers")
    GROUPS = "groups", _("Groups and friends")
    ACCESSIBLE = "accessible", _("Accessible travel")
    SENIORS = "seniors", _("Seniors")


class Status(models.TextChoices):
    """What staff made of an idea (separate from its moderation state)."""

    OPEN = "open", _("Open")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")


class Idea(Publishable):
    """A member's idea, its staff answer and, once adopted, what became of it."""

    Status = Status
    Season = Season
    Audience = Audience

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ideas"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=5000)
    place = models.ForeignKey(
        "content.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("place"),
    )
    season = models.CharField(
        _("season"), max_length=10, choices=Season.choices, default=Season.ALL_YEAR
    )
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("initiative"),
    )
    audience = models.CharField(
        _("who it is for"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    photos = models.ManyToManyField(
        "content.ContentItem", blank=True, related_name="ideas", verbose_name=_("photos")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_reason = models.CharField(_("reason"), max_length=1000, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("response"), max_length=5000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    outcome = models.TextField(_("what became of it"), max_length=5000, blank=True)
    outcome_url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "status", "-created_at"]),
            models.Index(fields=["contributor", "-created_at"]),
        ]
        permissions = [("respond", _("Can answer ideas and set their status"))]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """One member backing one idea: at most once, by a database constraint."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="endorsements")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_endorsements"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(fields=["idea", "member"], name="ideas_endorse_once")
        ]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.idea_id}"
