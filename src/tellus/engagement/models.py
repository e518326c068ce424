from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JourneyStage(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    CONSIDERATION = "consideration", _("Consideration")
    BOOKING = "booking", _("Booking")
    TRIP = "trip", _("Trip")
    POST_TRIP = "post_trip", _("Post-trip")
    ADVOCACY = "advocacy", _("Advocacy")


class Initiative(models.Model):
    """An engagement initiative the DMO runs, with the traits research says matter.

    Task-based initiatives ask for a structured contribution; experiential ones
    aim at positive emotion. The platform traits let analysts test, for their
    own visitors, the finding that task-based works better on continuous, lean
    platforms and experiential gains on spot ones.
    """

    class Kind(models.TextChoices):
        TASK_BASED = "task_based", _("Task-based")
        EXPERIENTIAL = "experiential", _("Experiential")

    class Interaction(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous interaction")
        SPOT = "spot", _("Spot interaction")

    class Tools(models.TextChoices):
        RICH = "rich", _("Rich tools")
        LEAN = "lean", _("Lean tools")

    class InitiatedBy(models.TextChoices):
        CUSTOMER = "customer", _("Customer-initiated")
        FIRM = "firm", _("Firm-initiated")

    class Contribution(models.TextChoices):
        """What an initiative asks visitors for: where its card on the home page leads."""

        CONTENT = "content", _("Photos, videos, stories or poems")
        IDEA = "idea", _("Ideas")
        POLL = "poll", _("Poll votes")
        SURVEY = "survey", _("Survey answers")
        REFERRAL = "referral", _("Referrals")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    interaction = models.CharField(_("interaction"), max_length=20, choices=Interaction.choices)
    tools = models.CharField(_("tools"), max_length=10, choices=Tools.choices)
    initiated_by = models.CharField(_("initiated by"), max_length=10, choices=InitiatedBy.choices)
    contribution = models.CharField(
        _("what it asks for"),
        max_length=10,
        choices=Contribution.choices,
        default=Contribution.CONTENT,
        help_text=_("Where its card on the home page leads visitors."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="initiative_ends_after_start",
            )
        ]
        permissions = [("view_engagement", _("Can read engagement and its value"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An initiative cannot end before it starts.")})


class Touchpoint(models.Model):
    """A place where the visitor meets the destination (a website page, a kiosk, a newsletter)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    journey_stage = models.CharField(
        _("journey stage"), max_length=20, choices=JourneyStage.choices
    )
    channel = models.CharField(_("channel"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["journey_stage", "name"]

    def __str__(self) -> str:
        return self.name


class Trip(models.Model):
    """A visitor's stay at the destination: what lifetime value is made of."""

    class Source(models.TextChoices):
        SURVEY = "survey", _("Post-trip survey")
        PARTNER = "partner", _("Partner import")
        SELF_REPORTED = "self_reported", _("Reported by the visitor")
        BOOKING = "booking", _("Booking")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trips"
    )
    arrival = models.DateField(_("arrival"))
    departure = models.DateField(_("departure"))
    spend = models.DecimalField(_("spend"), max_digits=12, decimal_places=2, default=0)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attributed to"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-arrival", "-pk"]
        indexes = [models.Index(fields=["member", "arrival"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure__gte=F("arrival")), name="trip_departs_after_arrival"
            ),
            models.CheckConstraint(condition=Q(spend__gte=0), name="trip_spend_not_negative"),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="trip_party_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.arrival}–{self.departure}"


class Event(models.Model):
    """One voluntary act in the append-only engagement log: what analytics reads.

    Written only through :func:`tellus.engagement.services.record_event`.
    """

    kind = models.CharField(max_length=40, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_events",
    )
    attributed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credited_events",
    )
    subject_type = models.CharField(max_length=60, blank=True, default="")
    subject_id = models.BigIntegerField(null=True, blank=True)
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    channel = models.CharField(max_length=40, blank=True, default="")
    touchpoint = models.ForeignKey(
        Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    journey_stage = models.CharField(
        max_length=20, choices=JourneyStage.choices, blank=True, default=""
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("engagement event")
        verbose_name_plural = _("engagement events")
        indexes = [
            models.Index(fields=["member", "occurred_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["initiative", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class ScoringRun(models.Model):
    """One computation of every member's engagement value, from request to result.

    Written by :func:`tellus.engagement.services.score_members`; the console shows
    the latest run's progress while it works and its parameters once it is done.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(_("as of"))
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=80, blank=True, default="")
    members = models.PositiveIntegerField(_("members scored"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-created_at", "-pk"]
        permissions = [("score_members", _("Can recompute the engagement value of members"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="scoring_progress_at_most_100"
            ),
            # Two clicks at once queue one run: the second insert fails, and gets the first.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="queued"),
                name="scoring_one_queued_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"


class EngagementValue(models.Model):
    """A member's engagement value from the latest finished scoring run (Kumar et
    al. 2010): what they spend (CLV) and bring (CRV), sway (CIV) and teach (CKV).

    Money is in the destination's currency, discounted over the run's horizon.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_value"
    )
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="values")
    p_alive = models.FloatField(_("probability of returning"), null=True, blank=True)
    expected_trips = models.FloatField(_("expected trips"), default=0.0)
    clv = models.FloatField(_("lifetime value (CLV)"), default=0.0)
    crv = models.FloatField(_("referral value (CRV)"), default=0.0)
    civ = models.FloatField(_("influence value (CIV)"), default=0.0)
    ckv = models.FloatField(_("knowledge value (CKV)"), default=0.0)
    cev = models.FloatField(_("engagement value (CEV)"), default=0.0, db_index=True)
    segment = models.CharField(_("segment"), max_length=30, blank=True, default="")

    class Meta:
        verbose_name = _("engagement value")
        verbose_name_plural = _("engagement values")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.cev:.2f}"


class ValueParameters(models.Model):
    """The DMO's own figures behind engagement value (one row): what money and
    shares the analytics library would otherwise leave at its documented defaults.

    Changing them takes effect at the next scoring run.
    """

    annual_discount_rate = models.DecimalField(
        _("annual discount rate (%)"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    horizon_months = models.PositiveSmallIntegerField(_("horizon (months)"), default=12)
    acquisition_cost = models.DecimalField(
        _("cost of acquiring a visitor through marketing"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
    )
    would_have_come_anyway = models.DecimalField(
        _("referred visitors who would have come anyway (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
    )
    referral_incentive = models.DecimalField(
        _("referral reward per referred visitor"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
    )
    sign_up_value = models.DecimalField(
        _("value of a sign-up from a member's content or share link"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
    )
    adopted_idea_value = models.DecimalField(
        _("value of an adopted idea (when staff give none)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("500"),
    )
    survey_answer_value = models.DecimalField(
        _("value of a survey answer"), max_digits=10, decimal_places=2, default=Decimal("3")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("value parameters")
        verbose_name_plural = _("value parameters")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_discount_rate__gte=0, annual_discount_rate__lte=100),
                name="value_discount_rate_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(would_have_come_anyway__gte=0, would_have_come_anyway__lte=100),
                name="value_would_have_come_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(horizon_months__gte=1, horizon_months__lte=120),
                name="value_horizon_one_month_to_ten_years",
            ),
            models.CheckConstraint(
                condition=Q(
                    acquisition_cost__gte=0,
                    referral_incentive__gte=0,
                    sign_up_value__gte=0,
                    adopted_idea_value__gte=0,
                    survey_answer_value__gte=0,
                ),
                name="value_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Value parameters"))


class EventCount(models.Model):
    """Events per day and kind, and each initiative's share: what the console's charts
    read instead of the log.

    The row without an initiative is the day's total for the kind (every event,
    in an initiative or not), so that a chart reads at most one row per day and
    kind; rows with an initiative hold that initiative's part of it. A roll-up
    kept by :func:`tellus.engagement.rollups.rollup_events`, whole days in the
    server's time zone (``TIME_ZONE``); :class:`RollupState` says how far it is
    filled. Counts only, never who acted.
    """

    day = models.DateField()
    kind = models.CharField(max_length=40)
    # Deleting an initiative drops its shares; the totals (initiative NULL) keep its events.
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily event count")
        verbose_name_plural = _("daily event counts")
        constraints = [
            # Also the index the charts read: the totals alone, by day.
            models.UniqueConstraint(
                fields=["day", "kind"],
                condition=Q(initiative__isnull=True),
                name="event_count_one_total_per_day_and_kind",
            ),
            models.UniqueConstraint(
                fields=["day", "kind", "initiative"],
                condition=Q(initiative__isnull=False),
                name="event_count_one_share_per_initiative",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="event_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.count}"


class RollupState(models.Model):
    """How far a roll-up is filled, so that each run counts only what is new.

    ``filled_until`` is the last whole day counted; ``last_event_id`` the
    highest log row seen, so that events recorded late for an earlier day (a
    trip reported after it happened) are found and their days recounted.
    """

    name = models.CharField(max_length=40, unique=True)
    filled_until = models.DateField(null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up states")

    def __str__(self) -> str:
        return f"{self.name} until {self.filled_until}"
