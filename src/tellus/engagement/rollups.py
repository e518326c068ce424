"""The engagement log rolled up into daily counts, so that dashboards read a small table.

The log grows by millions of rows; the console's charts need events per day
and kind. :func:`rollup_events` counts whole days (in ``TIME_ZONE``) into
:class:`~tellus.engagement.models.EventCount` and records in
:class:`~tellus.engagement.models.RollupState` how far it got, as Zulip's
analytics fill their count tables: each run starts where the last stopped.

A day is recounted whole, never incremented: its rows are deleted and written
again from the log in one transaction, so running twice changes nothing and a
run cut short leaves every day either counted or not. Which days a run counts:

- every day after the last one filled, up to yesterday (today is still
  happening; the console reads it from the log, see ``queries.event_activity``);
- the last :data:`RECOUNT_DAYS` filled days again, for events committed just
  after a run (an act at 23:59 whose transaction ends after midnight);
- every earlier day that got an event since the last run (a trip reported
  weeks after it happened, a partner import of last season): found through
  the log's primary key, which only grows, so the search reads new rows only.

Keeping it fresh: ``tellus rollup`` (cron, hourly), or the console, which
asks for a run after a page view when the counts are more than
:data:`MAX_AGE` old (:func:`rollup_request_if_stale`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from tellus.engagement.models import Event, EventCount, RollupState

#: The name of the event roll-up's row in RollupState.
EVENT_COUNTS = "event_counts"
#: Filled days counted again by every run, for events whose transaction ended late.
RECOUNT_DAYS = 2
#: Days counted per transaction: small enough to keep a write lock short on SQLite.
BATCH_DAYS = 31
#: How old the counts may get before a console page asks for a run.
MAX_AGE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class RollupResult:
    """What a run did: the days it counted, the rows it wrote, how far the table is filled."""

    days: int
    rows: int
    filled_until: dt.date | None


def local_today() -> dt.date:
    """Today in the server's time zone: the day the roll-up has not counted yet."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the server's time zone (aware)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def event_day() -> TruncDate:
    """An event's day in the server's time zone, whatever language or zone a request set."""
    return TruncDate("occurred_at", tzinfo=timezone.get_default_timezone())


def rollup_events(*, until: dt.date | None = None, rebuild: bool = False) -> RollupResult:
    """Count every whole day before ``until`` (default: today) not yet counted or changed.

    ``rebuild`` forgets the table and counts the whole log again (after a
    restore of the log from a backup, say); the console reads the log for the
    days not yet counted meanwhile, so its figures stay right.
    """
    until = until or local_today()
    if until > local_today():
        raise ValueError("The roll-up counts whole days: until cannot be after today")
    if rebuild:
        with transaction.atomic():
            RollupState.objects.filter(name=EVENT_COUNTS).delete()
            EventCount.objects.all().delete()
    state, _created = RollupState.objects.get_or_create(name=EVENT_COUNTS)
    newest = Event.objects.aggregate(newest=Max("pk"))["newest"] or 0
    days = _days_to_count(state, until=until, newest=newest)
    rows = 0
    batches = list(_batches(days)) or [[]]
    for index, batch in enumerate(batches):
        last = index == len(batches) - 1
        with transaction.atomic():
            # One run at a time: a second waits here, then recounts the same days alike.
            state = RollupState.objects.select_for_update().get(pk=state.pk)
            if batch:
                rows += _count_days(batch[0], batch[-1])
            if batch:
                state.filled_until = max(filter(None, [state.filled_until, batch[-1]]))
            if last:
                # Late events are only looked for above this row once every day is counted.
                state.last_event_id = max(state.last_event_id, newest)
                state.filled_until = state.filled_until or until - dt.timedelta(days=1)
            state.updated_at = timezone.now()
            state.save()
    return RollupResult(days=len(days), rows=rows, filled_until=state.filled_until)


def _days_to_count(state: RollupState, *, until: dt.date, newest: int) -> list[dt.date]:
    """The days this run counts, in order (see the module's docstring)."""
    one = dt.timedelta(days=1)
    if state.filled_until is None:
        first = Event.objects.filter(occurred_at__lt=day_start(until)).aggregate(
            first=Min("occurred_at")
        )["first"]
        if first is None:
            return []
        start = timezone.localtime(first, timezone.get_default_timezone()).date()
        return [start + one * n for n in range((until - start).days)]
    recount_from = min(state.filled_until + one, until) - one * RECOUNT_DAYS
    days = {recount_from + one * n for n in range((until - recount_from).days)}
    if newest > state.last_event_id:
        late = (
            Event.objects.filter(
                pk__gt=state.last_event_id,
                pk__lte=newest,
                occurred_at__lt=day_start(state.filled_until + one),
            )
            .annotate(day=event_day())
            .values_list("day", flat=True)
            .distinct()
        )
        days.update(late)
    return sorted(days)


def _batches(days: list[dt.date]) -> list[list[dt.date]]:
    """Runs of consecutive days, at most BATCH_DAYS each: one range read per transaction."""
    if not days:
        return []
    batches: list[list[dt.date]] = [[days[0]]]
    for before, day in pairwise(days):
        if (day - before).days == 1 and len(batches[-1]) < BATCH_DAYS:
            batches[-1].append(day)
        else:
            batches.append([day])
    return batches


def _count_days(first: dt.date, last: dt.date) -> int:
    """Replace the counts of ``first`` to ``last`` (inclusive) with the log's; rows written.

    One range read of the log's ``occurred_at`` index per day and kind of row,
    each written by the database itself (INSERT ... SELECT): no per-row time
    zone conversion and no rows through Python, about three times faster than
    grouping by a computed day and bulk-inserting.
    """
    EventCount.objects.filter(day__gte=first, day__lte=last).delete()
    ops, quote = connection.ops, connection.ops.quote_name
    counts, log = quote(EventCount._meta.db_table), quote(Event._meta.db_table)
    into = (
        f"INSERT INTO {counts} ({', '.join(map(quote, ['day', 'kind', 'initiative_id', 'count']))})"
    )
    totals = (
        f"{into} SELECT %s, kind, NULL, COUNT(*) FROM {log} "  # noqa: S608 (model names)
        "WHERE occurred_at >= %s AND occurred_at < %s GROUP BY kind"
    )
    shares = (
        f"{into} SELECT %s, kind, initiative_id, COUNT(*) FROM {log} "  # noqa: S608 (model names)
        "WHERE occurred_at >= %s AND occurred_at < %s AND initiative_id IS NOT NULL "
        "GROUP BY kind, initiative_id"
    )
    written = 0
    with connection.cursor() as cursor:
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            params = [
                ops.adapt_datefield_value(day),
                ops.adapt_datetimefield_value(day_start(day)),
                ops.adapt_datetimefield_value(day_start(day + dt.timedelta(days=1))),
            ]
            for statement in (totals, shares):
                cursor.execute(statement, params)
                written += max(cursor.rowcount, 0)
    return written


def rollup_is_stale(state: RollupState | None) -> bool:
    """Whether the counts miss a whole day or are older than MAX_AGE."""
    if state is None or state.updated_at is None or state.filled_until is None:
        return True
    yesterday = local_today() - dt.timedelta(days=1)
    return state.filled_until < yesterday or state.updated_at < timezone.now() - MAX_AGE


def rollup_request_if_stale(state: RollupState | None) -> bool:
    """Queue a run once the caller's transaction commits, if the counts are stale.

    Called by console pages with the state they read. The request is claimed
    with a conditional update, so that many views in the same hour queue one
    run. With a broker the page never waits; without one (the embedded setup)
    the run happens in-process after the page's own reads, and costs a few
    days of the log (see the README's speed table). Returns whether it queued.
    """
    if not rollup_is_stale(state):
        return False
    from tellus.engagement.tasks import rollup_events_later

    now = timezone.now()
    if state is None:
        _state, claimed = RollupState.objects.get_or_create(
            name=EVENT_COUNTS, defaults={"requested_at": now}
        )
    else:
        claimed = bool(
            RollupState.objects.filter(pk=state.pk)
            .exclude(requested_at__gte=now - MAX_AGE)
            .update(requested_at=now)
        )
    if claimed:
        transaction.on_commit(rollup_events_later.delay)
    return claimed
