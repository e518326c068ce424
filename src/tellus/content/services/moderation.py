"""Moderators' decisions on content."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.content.models import (
    ContentItem,
    ModerationDecision,
    Report,
)
from tellus.content.publicity import bump_public_version
from tellus.content.services.errors import ContentError
from tellus.engagement import kinds
from tellus.engagement.services import record_event
from tellus.people.models import Person

# --- Moderation --------------------------------------------------------------

_ALLOWED_FROM: dict[str, set[str]] = {
    ModerationDecision.Action.APPROVE: {"pending", "hidden", "needs_edit"},
    ModerationDecision.Action.REJECT: {"pending", "hidden", "needs_edit", "published"},
    ModerationDecision.Action.ASK_EDIT: {"pending", "hidden", "published"},
    ModerationDecision.Action.HIDE: {"published", "pending"},
}
_NEW_STATE: dict[str, str] = {
    ModerationDecision.Action.APPROVE: ContentItem.State.PUBLISHED,
    ModerationDecision.Action.REJECT: ContentItem.State.REJECTED,
    ModerationDecision.Action.ASK_EDIT: ContentItem.State.NEEDS_EDIT,
    ModerationDecision.Action.HIDE: ContentItem.State.HIDDEN,
}


def content_moderate(
    *, item: ContentItem, moderator: Person, action: str, reason: str = ""
) -> ContentItem:
    """Approve, reject, ask for an edit or hide; every decision goes to the audit log."""
    if action not in _NEW_STATE:
        raise ContentError(_("Unknown moderation action."), field="action")
    if action != ModerationDecision.Action.APPROVE and not reason.strip():
        raise ContentError(_("Give the contributor a reason."), code="reason", field="reason")
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        if item.state not in _ALLOWED_FROM[action]:
            raise ContentError(
                _("This item is “%(state)s”; “%(action)s” does not apply to it.")
                % {
                    "state": item.get_state_display(),
                    "action": ModerationDecision.Action(action).label,
                },
                code="state",
            )
        item.state = _NEW_STATE[action]
        item.moderation_note = reason.strip()[:500]
        if action == ModerationDecision.Action.APPROVE and item.published_at is None:
            item.published_at = timezone.now()
        item.save(update_fields=["state", "moderation_note", "published_at", "updated_at"])
        ModerationDecision.objects.create(
            item=item, moderator=moderator, action=action, reason=item.moderation_note
        )
        Report.objects.filter(item=item, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        if action == ModerationDecision.Action.APPROVE:
            record_event(
                kind=kinds.CONTENT_APPROVED,
                member=item.contributor,
                subject=item,
                initiative=item.initiative,
                idempotency_key=f"content:{item.pk}:approved",
            )
        transaction.on_commit(bump_public_version)
    return item


def content_report(
    *,
    item: ContentItem,
    reason: str,
    details: str,
    reporter: Person | None,
    address_key: str,
    hide_after: int,
) -> Report:
    """A visitor reports an item; enough different reporters hide it until reviewed."""
    if reason not in Report.Reason.values:
        raise ContentError(_("Choose a reason."), field="reason")
    key = f"member:{reporter.pk}" if reporter else f"address:{address_key}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    item=item,
                    reporter=reporter,
                    reporter_key=key,
                    reason=reason,
                    details=details[:500],
                )
        except IntegrityError:
            return Report.objects.get(item=item, reporter_key=key)
        open_reports = Report.objects.filter(item=item, resolved_at__isnull=True).count()
        if open_reports >= hide_after:
            hidden = ContentItem.objects.filter(
                pk=item.pk, state=ContentItem.State.PUBLISHED
            ).update(state=ContentItem.State.HIDDEN, updated_at=timezone.now())
            if hidden:
                ModerationDecision.objects.create(
                    item=item,
                    action=ModerationDecision.Action.AUTO_HIDE,
                    reason=f"{open_reports} reports",
                )
                transaction.on_commit(bump_public_version)
    return report


# --- Staff console -----------------------------------------------------------


def moderation_actions_for(state: str) -> list[str]:
    """The decisions :func:`content_moderate` accepts for an item in ``state``, in order."""
    return [action for action, states in _ALLOWED_FROM.items() if state in states]


def content_dismiss_reports(
    *, item: ContentItem, moderator: Person, reason: str = ""
) -> ContentItem:
    """Keep a reported, published item as it is: close its open reports, log the decision."""
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        if item.state != ContentItem.State.PUBLISHED:
            raise ContentError(
                _("Only a published item's reports can be dismissed; approve or reject it."),
                code="state",
            )
        closed = Report.objects.filter(item=item, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        if not closed:
            raise ContentError(_("This item has no open reports."), code="state")
        ModerationDecision.objects.create(
            item=item,
            moderator=moderator,
            action=ModerationDecision.Action.DISMISS_REPORTS,
            reason=reason.strip()[:500],
        )
    return item
