"""Every write of the shared publishing blocks: decisions, reports, share links and clicks.

Each action takes the subject itself (any registered kind), changes its state
and its audit log in one transaction, records what the engagement log needs,
and tells the kind after commit that what the public sees has changed.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.engagement import kinds as event_kinds
from tellus.engagement.models import Event, JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import Person
from tellus.publishing.models import ModerationDecision, Report, Share, State
from tellus.publishing.subjects import kind_for_label, kind_of, subject_key


class PublishingError(Exception):
    """A request the publishing blocks refuse, with a message for the person who made it."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


Action = ModerationDecision.Action

_ALLOWED_FROM: dict[str, set[str]] = {
    Action.APPROVE: {State.PENDING, State.HIDDEN, State.NEEDS_EDIT},
    Action.REJECT: {State.PENDING, State.HIDDEN, State.NEEDS_EDIT, State.PUBLISHED},
    Action.ASK_EDIT: {State.PENDING, State.HIDDEN, State.PUBLISHED},
    Action.HIDE: {State.PUBLISHED, State.PENDING},
}
_NEW_STATE: dict[str, str] = {
    Action.APPROVE: State.PUBLISHED,
    Action.REJECT: State.REJECTED,
    Action.ASK_EDIT: State.NEEDS_EDIT,
    Action.HIDE: State.HIDDEN,
}


DISMISS = "dismiss"  # keep a reported, published subject: :func:`moderation_dismiss_reports`


def moderation_actions_for(state: str, *, open_reports: int = 0) -> list[str]:
    """The decisions that apply to a subject in ``state``, in order: dismissing its
    reports first when it is published and reported, then what
    :func:`moderation_decide` accepts."""
    allowed = [action for action, states in _ALLOWED_FROM.items() if state in states]
    if state == State.PUBLISHED and open_reports:
        allowed = [DISMISS, *allowed]
    return allowed


def _close_open_reports(label: str, pk: int) -> int:
    return Report.objects.filter(
        subject_type=label, subject_id=pk, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def moderation_decide(*, subject: Any, moderator: Person, action: str, reason: str = "") -> Any:
    """Approve, reject, ask for an edit or hide; every decision goes to the audit log."""
    kind = kind_of(subject)
    if action not in _NEW_STATE:
        raise PublishingError(_("Unknown moderation action."), field="action")
    if action != Action.APPROVE and not reason.strip():
        raise PublishingError(_("Give the contributor a reason."), code="reason", field="reason")
    with transaction.atomic():
        subject = kind.objects().select_for_update().get(pk=subject.pk)
        if subject.state not in _ALLOWED_FROM[action]:
            raise PublishingError(
                _("This item is “%(state)s”; “%(action)s” does not apply to it.")
                % {"state": subject.get_state_display(), "action": Action(action).label},
                code="state",
            )
        subject.state = _NEW_STATE[action]
        subject.moderation_note = reason.strip()[:500]
        if action == Action.APPROVE and subject.published_at is None:
            subject.published_at = timezone.now()
        subject.save(update_fields=["state", "moderation_note", "published_at", "updated_at"])
        label, pk = subject_key(subject)
        ModerationDecision.objects.create(
            subject_type=label,
            subject_id=pk,
            moderator=moderator,
            action=action,
            reason=subject.moderation_note,
        )
        _close_open_reports(label, pk)
        if action == Action.APPROVE and kind.approved_event:
            record_event(
                kind=kind.approved_event,
                member=getattr(subject, kind.contributor_field),
                subject=subject,
                initiative=getattr(subject, "initiative", None),
                idempotency_key=f"{kind.event_prefix or kind.slug}:{pk}:approved",
            )
        transaction.on_commit(kind.on_change)
    return subject


def moderation_dismiss_reports(*, subject: Any, moderator: Person, reason: str = "") -> Any:
    """Keep a reported, published subject as it is: close its open reports, log the decision."""
    kind = kind_of(subject)
    with transaction.atomic():
        subject = kind.objects().select_for_update().get(pk=subject.pk)
        if subject.state != State.PUBLISHED:
            raise PublishingError(
                _("Only a published item's reports can be dismissed; approve or reject it."),
                code="state",
            )
        label, pk = subject_key(subject)
        if not _close_open_reports(label, pk):
            raise PublishingError(_("This item has no open reports."), code="state")
        ModerationDecision.objects.create(
            subject_type=label,
            subject_id=pk,
            moderator=moderator,
            action=Action.DISMISS_REPORTS,
            reason=reason.strip()[:500],
        )
    return subject


def report_create(
    *,
    subject: Any,
    reason: str,
    details: str,
    reporter: Person | None,
    address_key: str,
    hide_after: int,
) -> Report:
    """A visitor reports a subject; enough different reporters hide it until reviewed.

    One report per member, or per visitor's daily address hash when not
    logged in: a second report by the same reporter returns the first.
    """
    kind = kind_of(subject)
    if reason not in Report.Reason.values:
        raise PublishingError(_("Choose a reason."), field="reason")
    label, pk = subject_key(subject)
    key = f"member:{reporter.pk}" if reporter else f"address:{address_key}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    subject_type=label,
                    subject_id=pk,
                    reporter=reporter,
                    reporter_key=key,
                    reason=reason,
                    details=details[:500],
                )
        except IntegrityError:
            return Report.objects.get(subject_type=label, subject_id=pk, reporter_key=key)
        open_reports = Report.objects.filter(
            subject_type=label, subject_id=pk, resolved_at__isnull=True
        ).count()
        if open_reports >= hide_after:
            hidden = (
                kind.objects()
                .filter(pk=pk, state=State.PUBLISHED)
                .update(state=State.HIDDEN, updated_at=timezone.now())
            )
            if hidden:
                ModerationDecision.objects.create(
                    subject_type=label,
                    subject_id=pk,
                    action=Action.AUTO_HIDE,
                    reason=f"{open_reports} reports",
                )
                transaction.on_commit(kind.on_change)
    return report


# --- Share links ---------------------------------------------------------------


def share_create(*, subject: Any, sharer: Person | None, channel: str) -> Share:
    """A tracked link to a public subject for a channel; the sharer's act is recorded."""
    kind_of(subject)
    if channel not in Share.Channel.values:
        raise PublishingError(_("Unknown channel."), field="channel")
    label, pk = subject_key(subject)
    with transaction.atomic():
        share = Share.objects.create(
            subject_type=label,
            subject_id=pk,
            sharer=sharer,
            channel=channel,
            code=secrets.token_urlsafe(9),
        )
        if sharer is not None:
            record_event(
                kind=event_kinds.SHARE_CREATED,
                member=sharer,
                subject=subject,
                channel=channel,
                initiative=getattr(subject, "initiative", None),
                journey_stage=JourneyStage.ADVOCACY,
                idempotency_key=f"share:{share.pk}:created",
            )
    return share


def _subject_reference(share: Share) -> Model | None:
    """An unsaved stand-in naming the shared subject, enough for the engagement log."""
    kind = kind_for_label(share.subject_type)
    return kind.model(pk=share.subject_id) if kind else None


def share_click(*, share: Share, visitor_key: str, day: str) -> bool:
    """Count a human click once per visitor and day; returns whether it was counted."""
    key = f"share:{share.pk}:click:{day}:{visitor_key[:32]}"
    with transaction.atomic():
        if Event.objects.filter(idempotency_key=key).exists():
            return False
        record_event(
            kind=event_kinds.SHARE_CLICKED,
            attributed_to=share.sharer,
            subject=_subject_reference(share),
            channel=share.channel,
            journey_stage=JourneyStage.AWARENESS,
            idempotency_key=key,
        )
        Share.objects.filter(pk=share.pk).update(click_count=F("click_count") + 1)
    return True
