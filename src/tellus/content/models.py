from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.engagement.models import Initiative
from tellus.people.models import ConsentPurpose
from tellus.publishing.models import Publishable


def private_storage() -> Storage:
    """Where originals live: never served (see the STORAGES setting)."""
    return storages["private"]


class Place(models.Model):
    """A named place of the destination a contributor can pick instead of a map point."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class ContentItem(Publishable):
    """A visitor's photo, video, story or poem, and where it stands.

    Its state, moderation note and dates are the shared publishing block's
    (:class:`tellus.publishing.models.Publishable`). Shown publicly only when
    published AND its contributor has an active ``website`` consent for it;
    :func:`tellus.content.queries.public_items` is the only read that public
    surfaces use.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        STORY = "story", _("Story")
        POEM = "poem", _("Poem")

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    caption = models.TextField(_("caption"), max_length=2000, blank=True)
    body = models.TextField(_("text"), max_length=100_000, blank=True)
    body_html = models.TextField(blank=True, help_text="The story's sanitised HTML.")
    language = models.CharField(_("language"), max_length=10, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", verbose_name=_("tags"))
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="content_items"
    )
    # Where it was: exact (private) and what the public may see (exact only with consent).
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_source = models.CharField(max_length=10, blank=True)  # exif, map, place
    public_latitude = models.FloatField(null=True, blank=True)
    public_longitude = models.FloatField(null=True, blank=True)
    # The file and what the pipeline made of it.
    original = models.FileField(storage=private_storage, upload_to="originals/%Y/%m/", blank=True)
    original_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    content_type = models.CharField(max_length=40, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    renditions = models.JSONField(default=list, blank=True)  # [{"width", "height", "name"}]
    placeholder = models.TextField(blank=True)
    perceptual_hash = models.BigIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-published_at"]),
            models.Index(fields=["contributor", "-created_at"]),
            models.Index(fields=["state", "-view_count"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="content_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="content_longitude_in_range",
            ),
        ]
        permissions = [
            ("request_rights", _("Can ask contributors for rights to use their content")),
            ("pick_for_campaign", _("Can pick content for campaigns and download it")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_media(self) -> bool:
        return self.kind in {self.Kind.PHOTO, self.Kind.VIDEO}


class RightsRequest(models.Model):
    """Staff asking a contributor for a use of their content; the answer becomes consent."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="rights_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(_("use"), max_length=20, choices=ConsentPurpose.choices)
    message = models.TextField(_("message"), max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.item_id}"


class CampaignPick(models.Model):
    """An item a marketer picked for a use (social, print, website) in a campaign."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="picks")
    purpose = models.CharField(_("use"), max_length=20, choices=ConsentPurpose.choices)
    campaign = models.CharField(_("campaign"), max_length=120)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("campaign pick")
        verbose_name_plural = _("campaign picks")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "purpose", "campaign"], name="pick_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: #{self.item_id}"
