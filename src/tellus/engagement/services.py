from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tellus.analytics.clv import fit_spend, fit_trips, predict, summarize_transactions
from tellus.analytics.segments import engagement_segments
from tellus.analytics.validation import AnalyticsInputError
from tellus.analytics.value import (
    DEFAULT_KNOWLEDGE_VALUES,
    CIVParameters,
    CKVParameters,
    CRVParameters,
    Horizon,
    engagement_value,
)
from tellus.engagement import kinds, queries
from tellus.engagement.models import (
    EngagementValue,
    Event,
    Initiative,
    JourneyStage,
    ScoringRun,
    Touchpoint,
    Trip,
    ValueParameters,
)
from tellus.people.models import Person


def record_event(
    *,
    kind: str,
    member: Person | None = None,
    subject: object | None = None,
    occurred_at: dt.datetime | None = None,
    initiative: Initiative | None = None,
    channel: str = "",
    touchpoint: Touchpoint | None = None,
    journey_stage: str = "",
    value: Decimal | float | None = None,
    attributed_to: Person | None = None,
    idempotency_key: str | None = None,
) -> Event:
    """Append one voluntary act to the engagement log, in the caller's transaction.

    Recording the same ``idempotency_key`` twice records one event and returns
    it: a retried request or job cannot count an act twice.
    """
    if kind not in kinds.ALL:
        raise ValueError(f"Unknown engagement event kind {kind!r}")
    if journey_stage and journey_stage not in JourneyStage.values:
        raise ValueError(f"Unknown journey stage {journey_stage!r}")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 120):
        raise ValueError("An idempotency key has 1 to 120 characters")
    if idempotency_key:
        existing = Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    subject_type, subject_id = "", None
    if subject is not None:
        subject_type = subject._meta.label_lower  # type: ignore[attr-defined]
        subject_id = subject.pk  # type: ignore[attr-defined]
    event = Event(
        kind=kind,
        member=member,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_at=occurred_at or timezone.now(),
        initiative=initiative,
        channel=channel[:40],
        touchpoint=touchpoint,
        journey_stage=journey_stage or (touchpoint.journey_stage if touchpoint else ""),
        value=Decimal(str(value)) if value is not None else None,
        attributed_to=attributed_to,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's work
            event.save()
    except IntegrityError:
        if idempotency_key is None:
            raise
        return Event.objects.get(idempotency_key=idempotency_key)
    return event


def trip_record(
    *,
    member: Person,
    arrival: dt.date,
    departure: dt.date,
    spend: Decimal,
    party_size: int = 1,
    source: str = Trip.Source.SELF_REPORTED,
    referred_by: Person | None = None,
    idempotency_key: str | None = None,
) -> Trip:
    """Record a stay and its engagement event together."""
    if departure < arrival:
        raise ValueError("A trip cannot end before it starts")
    if spend < 0:
        raise ValueError("Spend cannot be negative")
    with transaction.atomic():
        trip = Trip.objects.create(
            member=member,
            arrival=arrival,
            departure=departure,
            spend=spend,
            party_size=party_size,
            source=source,
            referred_by=referred_by,
        )
        record_event(
            kind=kinds.TRIP_RECORDED,
            member=member,
            subject=trip,
            occurred_at=timezone.make_aware(dt.datetime.combine(arrival, dt.time(12))),
            journey_stage=JourneyStage.TRIP,
            value=spend,
            attributed_to=referred_by,
            channel="referral" if referred_by else "",
            idempotency_key=idempotency_key or f"trip:{trip.pk}",
        )
    return trip


INITIATIVE_FIELDS = (
    "name",
    "slug",
    "description",
    "kind",
    "interaction",
    "tools",
    "initiated_by",
    "contribution",
    "starts_on",
    "ends_on",
    "is_active",
)


def initiative_save(*, initiative: Initiative | None = None, **fields: Any) -> Initiative:
    """Create or change an initiative after validating it whole."""
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not initiative fields: {', '.join(sorted(unknown))}")
    initiative = initiative or Initiative()
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.full_clean()
    initiative.save()
    return initiative


# --------------------------------------------------------------------------- engagement value
# Every member's CLV, CRV, CIV and CKV (Kumar et al. 2010), computed by the
# analytics library from the trips and the engagement log and stored, so that
# the console reads numbers instead of fitting models on each page view.

DAYS_PER_WEEK = 7.0
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class ValueSettings:
    """The library's parameters from the DMO's figures (``ValueParameters``): one
    horizon and discount rate for every part, so that the parts add up."""

    horizon: Horizon
    crv: CRVParameters
    civ: CIVParameters
    ckv: CKVParameters

    @property
    def clv_horizon_weeks(self) -> float:
        return self.horizon.horizon_periods * self.horizon.period_days / DAYS_PER_WEEK

    def describe(self) -> dict[str, Any]:
        """What a run records about how its values were computed."""
        return {
            "horizon_months": self.horizon.horizon_periods,
            "annual_discount_rate": self.horizon.annual_discount_rate,
            "acquisition_cost": self.crv.acquisition_cost_saved,
            "would_have_come_anyway": self.crv.share_would_have_come_anyway,
            "referral_incentive": self.crv.referral_incentive_cost,
            "sign_up_value": self.civ.value_per_sign_up,
            "adopted_idea_value": self.ckv.kind_values[kinds.IDEA_ADOPTED],
            "survey_answer_value": self.ckv.kind_values[kinds.SURVEY_RESPONDED],
        }


def value_settings(figures: ValueParameters) -> ValueSettings:
    """The analytics parameters for ``figures`` (percentages become shares)."""
    knowledge = dict(DEFAULT_KNOWLEDGE_VALUES)
    knowledge[kinds.IDEA_ADOPTED] = float(figures.adopted_idea_value)
    knowledge[kinds.SURVEY_RESPONDED] = float(figures.survey_answer_value)
    return ValueSettings(
        horizon=Horizon(
            annual_discount_rate=float(figures.annual_discount_rate) / 100,
            horizon_periods=figures.horizon_months,
            period_days=DAYS_PER_MONTH,
        ),
        crv=CRVParameters(
            acquisition_cost_saved=float(figures.acquisition_cost),
            share_would_have_come_anyway=float(figures.would_have_come_anyway) / 100,
            referral_incentive_cost=float(figures.referral_incentive),
        ),
        civ=CIVParameters(value_per_sign_up=float(figures.sign_up_value)),
        ckv=CKVParameters(kind_values=knowledge),
    )


VALUE_PARAMETER_FIELDS = (
    "annual_discount_rate",
    "horizon_months",
    "acquisition_cost",
    "would_have_come_anyway",
    "referral_incentive",
    "sign_up_value",
    "adopted_idea_value",
    "survey_answer_value",
)


def value_parameters_update(*, changed_by: Person | None, **figures: Any) -> ValueParameters:
    """Save the DMO's figures (the form has checked their ranges); the next run uses them."""
    unknown = set(figures) - set(VALUE_PARAMETER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown value parameter(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = queries.value_parameters(for_update=True)
        for name, value in figures.items():
            setattr(current, name, value)
        current.updated_by = changed_by
        current.full_clean()
        current.save()
    return current


#: Each stage with the share of the work done when it starts. Stored in English
#: and translated where shown (the console), whatever language started the run.
SCORING_STAGES = (
    (0, gettext_noop("Reading trips")),
    (5, gettext_noop("Fitting the trip and spend models")),
    (25, gettext_noop("Reading the engagement log")),
    (40, gettext_noop("Computing referral, influence and knowledge value")),
    (70, gettext_noop("Finding segments")),
    (80, gettext_noop("Saving")),
)
UNEXPECTED_FAILURE = gettext_noop(
    "An unexpected error stopped the run; the server log has the details."
)


def request_scoring(*, requested_by: Person | None = None) -> ScoringRun:
    """Queue a scoring run, unless one is already queued or running (then return it).

    The job starts once the caller's transaction commits; a second click while it
    works does not start a second one.
    """
    from tellus.engagement.tasks import score_members_later

    pending = ScoringRun.objects.filter(
        status__in=[ScoringRun.Status.QUEUED, ScoringRun.Status.RUNNING]
    )
    with transaction.atomic():
        waiting = pending.first()
        if waiting is not None:
            return waiting
        try:
            with transaction.atomic():  # a savepoint: the constraint allows one queued run
                run = ScoringRun.objects.create(requested_by=requested_by, as_of=timezone.now())
        except IntegrityError:
            return pending.get(status=ScoringRun.Status.QUEUED)
        transaction.on_commit(lambda: score_members_later.delay(run_id=run.pk))
    return run


def score_members(
    *,
    run: ScoringRun | None = None,
    as_of: dt.datetime | None = None,
    on_progress: Callable[[int, str], None] | None = None,
) -> ScoringRun:
    """Compute and store every member's engagement value as of ``as_of`` (default: now).

    The stored values are replaced in one transaction at the end, so the console
    shows the previous run's values until the new ones are complete; running it
    again replaces them again (idempotent). Data the models cannot be fitted on
    (too few repeat trips, no spend) leave that part at zero, and the run's
    ``parameters`` say why. A failure marks the run failed with its reason.
    """
    if run is None:
        run = ScoringRun.objects.create(as_of=as_of or timezone.now())
    if run.status == ScoringRun.Status.DONE:
        return run
    as_of = run.as_of

    def stage(index: int) -> None:
        percent, label = SCORING_STAGES[index]
        ScoringRun.objects.filter(pk=run.pk).update(progress=percent, stage=label)
        if on_progress:
            on_progress(percent, gettext(label))

    ScoringRun.objects.filter(pk=run.pk).update(
        status=ScoringRun.Status.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        values, parameters = _engagement_values(as_of, stage)
        stage(5)
        with transaction.atomic():
            EngagementValue.objects.all().delete()
            EngagementValue.objects.bulk_create(
                (EngagementValue(run=run, **row) for row in values.iter_rows(named=True)),
                batch_size=2000,
            )
            ScoringRun.objects.filter(pk=run.pk).update(
                status=ScoringRun.Status.DONE,
                finished_at=timezone.now(),
                progress=100,
                stage="",
                members=values.height,
                parameters=parameters,
            )
    except AnalyticsInputError as exc:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
    except Exception:
        ScoringRun.objects.filter(pk=run.pk).update(
            status=ScoringRun.Status.FAILED,
            finished_at=timezone.now(),
            error=UNEXPECTED_FAILURE,
        )
        raise
    finally:
        run.refresh_from_db()
    if on_progress and run.status == ScoringRun.Status.DONE:
        on_progress(100, gettext("Done"))
    return run


def _engagement_values(
    as_of: dt.datetime, stage: Callable[[int], None]
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Each member's value parts and segment, and the parameters that produced them."""
    stage(0)
    chosen = value_settings(queries.value_parameters())
    members = queries.members_for_scoring()
    trips = queries.trips_for_scoring(until=as_of.date())
    stage(1)
    clv, parameters = _lifetime_values(trips, as_of, chosen)
    clv = members.join(clv, on="member_id", how="left").with_columns(
        pl.col("clv", "expected_trips").fill_null(0.0)
    )
    stage(2)
    events = queries.events_for_scoring(until=as_of)
    stage(3)
    if events.height:
        parts = engagement_value(
            events,
            clv.select("member_id", "clv"),
            as_of=as_of,
            horizon=chosen.horizon,
            crv=chosen.crv,
            civ=chosen.civ,
            ckv=chosen.ckv,
        )
        parts = parts.select("member_id", "crv", "civ", "ckv")
    else:
        parts = members.with_columns(crv=pl.lit(0.0), civ=pl.lit(0.0), ckv=pl.lit(0.0))
    stage(4)
    segments = engagement_segments(events, as_of=as_of, members=members).select(
        "member_id", pl.col("segment").cast(pl.String)
    )
    values = (
        clv.join(parts, on="member_id", how="left")
        .join(segments, on="member_id", how="left")
        .with_columns(pl.col("crv", "civ", "ckv").fill_null(0.0), pl.col("segment").fill_null(""))
        .with_columns(cev=pl.sum_horizontal("clv", "crv", "civ", "ckv"))
        .select(
            "member_id", "p_alive", "expected_trips", "clv", "crv", "civ", "ckv", "cev", "segment"
        )
    )
    parameters["members"] = values.height
    parameters["events"] = events.height
    parameters.update(chosen.describe())
    return values, parameters


def _lifetime_values(
    trips: pl.DataFrame, as_of: dt.datetime, chosen: ValueSettings
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """CLV per member with trips (BG/NBD for trips, Gamma-Gamma for spend), in weeks."""
    empty = pl.DataFrame(
        schema={
            "member_id": pl.Int64,
            "p_alive": pl.Float64,
            "expected_trips": pl.Float64,
            "clv": pl.Float64,
        }
    )
    parameters: dict[str, Any] = {"trips": trips.height}
    if trips.height == 0:
        parameters["clv_note"] = "no trips yet"
        return empty, parameters
    summary = summarize_transactions(
        trips,
        customer="member_id",
        date="date",
        amount="spend",
        observation_end=as_of.date(),
        time_unit="week",
    )
    try:
        trip_model = fit_trips(summary, "bgnbd", time_unit="week")
        spend_model = fit_spend(summary)
        scores = predict(
            summary,
            trip_model,
            spend_model,
            horizon=chosen.clv_horizon_weeks,
            discount_rate=chosen.horizon.annual_discount_rate,
            time_unit="week",
        )
    except AnalyticsInputError as exc:
        parameters["clv_note"] = str(exc)
        return empty, parameters
    scores = scores.select("member_id", "p_alive", "expected_trips", "clv")
    unusable = scores.filter(
        ~pl.all_horizontal(pl.col("p_alive", "expected_trips", "clv").is_finite())
    )
    if unusable.height:
        parameters["clv_note"] = (
            f"the fitted models gave no finite value for {unusable.height} member(s); "
            "lifetime value is left at zero until there are more trips"
        )
        return empty, parameters
    parameters["bgnbd"] = trip_model.params
    parameters["gamma_gamma"] = spend_model.params
    return scores, parameters
