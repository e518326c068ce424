"""Reads of the shared publishing blocks: the public filter and the one moderation queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from tellus.people.models import ConsentPurpose
from tellus.people.queries import consent_exists, is_active_member
from tellus.publishing.models import ModerationDecision, Report, Share, State
from tellus.publishing.subjects import SubjectKind, kind_for_label, kinds

M = TypeVar("M", bound=Model)

# What a moderator reviews: waiting, hidden, or published with open reports.
REVIEW_STATES = (State.PENDING, State.HIDDEN)


def public(queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of ``queryset`` the public may see: published, and allowed on the website.

    The one path to public eyes for every kind of contribution: pages,
    widgets, the API and the map all read through it, so that moderation and
    the contributor's website consent are applied in the same SQL query.
    """
    label = queryset.model._meta.label_lower
    kind = kind_for_label(label)
    field = kind.contributor_field if kind else "contributor"
    return queryset.filter(state=State.PUBLISHED).filter(
        consent_exists(ConsentPurpose.WEBSITE, label, person_field=f"{field}_id")
    )


def _open_reports_of_row(label: str) -> QuerySet[Report]:
    return Report.objects.filter(
        subject_type=label, subject_id=OuterRef("pk"), resolved_at__isnull=True
    ).order_by()


def with_contributor_history(items: QuerySet[M], kind: SubjectKind) -> QuerySet[M]:
    """Count the contributor's published and rejected subjects of this kind.

    Correlated subqueries rather than a join, so that a prolific contributor's
    rows are never multiplied by a subject's reports.
    """
    field = f"{kind.contributor_field}_id"

    def count_of(state: str) -> Coalesce:
        rows = (
            kind.objects()
            .filter(**{field: OuterRef(field), "state": state})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return items.annotate(
        contributor_published=count_of(State.PUBLISHED),
        contributor_rejected=count_of(State.REJECTED),
    )


def _awaiting_review(kind: SubjectKind) -> QuerySet[Any]:
    reports = _open_reports_of_row(kind.label)
    first_report = reports.order_by("created_at").values("created_at")[:1]
    return (
        kind.objects()
        .filter(Q(state__in=REVIEW_STATES) | Q(Exists(reports), state=State.PUBLISHED))
        .annotate(
            kind_label=Value(kind.label, output_field=CharField()),
            waiting_since=Coalesce(Subquery(first_report), F("created_at")),
        )
        .order_by()
        .values_list("kind_label", "pk", "waiting_since")
    )


def moderation_queue() -> QuerySet[Any]:
    """Every kind's subjects waiting for a moderator, longest waiting first, as one list.

    Rows are ``(subject_type, id, waiting_since)``: a subject waits from its
    first open report, else from its submission. One SQL query (a UNION of
    each kind's part), so the queue pages and counts in two queries whatever
    the number of kinds.
    """
    parts = [_awaiting_review(kind) for kind in kinds()]
    if not parts:
        return Report.objects.none().values_list("subject_type", "subject_id", "created_at")
    queue = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return queue.order_by("waiting_since", "kind_label", "pk")


@dataclass
class QueueRow:
    """A subject in the queue, with its kind and what every kind shows beside it."""

    kind: SubjectKind
    subject: Any
    waiting_since: Any


def open_reports_by_subject(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[Report]]:
    """The open reports of many subjects of any kinds, oldest first, in one query."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for label, pk in keys:
        wanted[label].add(pk)
    found: dict[tuple[str, int], list[Report]] = defaultdict(list)
    if not wanted:
        return found
    condition = reduce(
        or_, (Q(subject_type=label, subject_id__in=ids) for label, ids in wanted.items())
    )
    rows = Report.objects.filter(condition, resolved_at__isnull=True).order_by("created_at", "pk")
    for report in rows:
        found[(report.subject_type, report.subject_id)].append(report)
    return found


def attach_open_reports(pairs: Iterable[tuple[SubjectKind, Any]]) -> None:
    """Give each subject ``open_report_list`` and ``open_reports`` (its count), in one query."""
    pairs = list(pairs)
    reports = open_reports_by_subject((kind.label, subject.pk) for kind, subject in pairs)
    for kind, subject in pairs:
        subject.open_report_list = reports.get((kind.label, subject.pk), [])
        subject.open_reports = len(subject.open_report_list)


def queue_rows(rows: Iterable[tuple[str, int, Any]]) -> list[QueueRow]:
    """Load a page of the queue: one query per kind on the page, one for all open reports."""
    rows = list(rows)
    ids: dict[str, list[int]] = defaultdict(list)
    for label, pk, _since in rows:
        ids[label].append(pk)
    loaded: dict[str, dict[int, Any]] = {}
    for label, wanted in ids.items():
        kind = kind_for_label(label)
        loaded[label] = kind.load(wanted) if kind else {}
    page: list[QueueRow] = []
    for label, pk, since in rows:
        kind = kind_for_label(label)
        subject = loaded.get(label, {}).get(pk)
        if kind is None or subject is None:  # gone between the two queries
            continue
        subject.waiting_since = since
        page.append(QueueRow(kind=kind, subject=subject, waiting_since=since))
    attach_open_reports((row.kind, row.subject) for row in page)
    return page


def subject_for_moderation(kind: SubjectKind, subject_id: int) -> Any | None:
    """Any subject of the kind, in any state, with its open reports (not its audit log)."""
    subject = kind.load([subject_id]).get(subject_id)
    if subject is not None:
        attach_open_reports([(kind, subject)])
    return subject


def decisions_of(kind: SubjectKind, subject_id: int) -> QuerySet[ModerationDecision]:
    """The subject's audit log, newest first."""
    return (
        ModerationDecision.objects.filter(subject_type=kind.label, subject_id=subject_id)
        .select_related("moderator")
        .order_by("-created_at", "-pk")
    )


def share_for_code(code: str) -> Share | None:
    return Share.objects.filter(code=code[:16]).first()


def reports_of(subject: Model) -> QuerySet[Report]:
    """Every report of a subject, open or resolved."""
    return Report.objects.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk)


def decisions_of_subject(subject: Model) -> QuerySet[ModerationDecision]:
    return ModerationDecision.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).order_by("-created_at", "-pk")


def shares_of(subject: Model) -> QuerySet[Share]:
    return Share.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).order_by("pk")


def get_subject_for_moderator(person: Any, kind: SubjectKind, subject_id: int) -> Any | None:
    """Any subject of the kind, in any state, for those who moderate; None for anyone else."""
    if not (is_active_member(person) and person.has_perm("publishing.moderate")):
        return None
    return subject_for_moderation(kind, subject_id)
