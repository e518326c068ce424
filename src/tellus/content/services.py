"""Every write of the content hub, as a named action.

Each action changes state and records its engagement event in one transaction;
background work is enqueued on commit. Text comes in already validated by the
forms and API schemas (lengths, characters); rules about state live here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tellus.content.media import HEAD_BYTES, MediaRejected, sniff
from tellus.content.models import (
    CampaignPick,
    ContentItem,
    ModerationDecision,
    Place,
    Report,
    RightsRequest,
    Share,
    Tag,
)
from tellus.content.publicity import bump_public_version, public_position
from tellus.content.rejections import rejection_message
from tellus.content.stories import render_story
from tellus.engagement import kinds
from tellus.engagement.models import Event, Initiative, JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.queries import has_consent
from tellus.people.services import consent_grant, consent_withdraw

ITEM_PURPOSES = (
    ConsentPurpose.WEBSITE,
    ConsentPurpose.SOCIAL,
    ConsentPurpose.PRINT,
    ConsentPurpose.EXACT_LOCATION,
)


class ContentError(Exception):
    """A request the content hub refuses, with a message for the person who made it."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class ItemDetails:
    """What a contributor says about an item (already length- and character-checked)."""

    title: str
    caption: str = ""
    tags: tuple[str, ...] = ()
    language: str = ""
    taken_on: Any = None
    latitude: float | None = None
    longitude: float | None = None
    place: Place | None = None
    initiative: Initiative | None = None


def _set_tags(item: ContentItem, names: Iterable[str]) -> None:
    tags = []
    for name in list(dict.fromkeys(n.strip() for n in names if n.strip()))[:20]:
        slug = slugify(name, allow_unicode=True)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:50]})
            tags.append(tag)
    item.tags.set(tags)


def _apply_details(item: ContentItem, details: ItemDetails) -> None:
    item.title = details.title
    item.caption = details.caption
    item.language = details.language
    item.taken_on = details.taken_on
    item.initiative = details.initiative
    item.place = details.place
    if details.latitude is not None and details.longitude is not None:
        item.latitude, item.longitude, item.location_source = (
            details.latitude,
            details.longitude,
            "map",
        )
    elif details.place is not None:
        item.latitude, item.longitude, item.location_source = (
            details.place.latitude,
            details.place.longitude,
            "place",
        )


def content_refresh_public_position(item: ContentItem) -> None:
    """Recompute what position the public may see, from the exact-location consent."""
    exact = has_consent(item.contributor, ConsentPurpose.EXACT_LOCATION, item)
    if item.location_source == "place":
        exact = True  # a named place is public knowledge, not the contributor's position
    item.public_latitude, item.public_longitude = public_position(
        item.latitude, item.longitude, exact_allowed=exact
    )


def content_set_consents(
    *, item: ContentItem, purposes: Iterable[str], source: str = "form"
) -> ContentItem:
    """Make the item's allowed uses exactly ``purposes``; withdrawals leave public view at once."""
    wanted = {p for p in purposes if p in ITEM_PURPOSES}
    with transaction.atomic():
        for purpose in ITEM_PURPOSES:
            if purpose in wanted:
                consent_grant(person=item.contributor, purpose=purpose, subject=item, source=source)
            else:
                consent_withdraw(person=item.contributor, purpose=purpose, subject=item)
        content_refresh_public_position(item)
        item.save(update_fields=["public_latitude", "public_longitude", "updated_at"])
        transaction.on_commit(bump_public_version)
    return item


def _record_submission(item: ContentItem, details: ItemDetails, consents: Iterable[str]) -> None:
    """What every submission records, in the caller's transaction: tags, consents, the event."""
    _set_tags(item, details.tags)
    content_set_consents(item=item, purposes=consents)
    record_event(
        kind=kinds.CONTENT_SUBMITTED,
        member=item.contributor,
        subject=item,
        initiative=details.initiative,
        channel="web",
        journey_stage=JourneyStage.ADVOCACY,
        idempotency_key=f"content:{item.pk}:submitted",
    )


def content_submit_media(
    *,
    contributor: Person,
    upload: IO[bytes],
    filename: str,
    size: int,
    details: ItemDetails,
    consents: Iterable[str],
    max_bytes: int,
) -> ContentItem:
    """Accept a photo or video for processing: checked by its bytes, stored privately, queued.

    Refuses at once what can be refused without decoding (empty, too big, a
    type we do not accept, the same file this contributor already sent).
    """
    if size <= 0:
        raise ContentError(rejection_message("empty"), code="empty", field="file")
    if size > max_bytes:
        raise ContentError(rejection_message("too_big"), code="too_big", field="file")
    head = upload.read(HEAD_BYTES)
    try:
        found = sniff(head)
    except MediaRejected as exc:
        raise ContentError(rejection_message(exc.code), code=exc.code, field="file") from exc
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    sha256 = digest.hexdigest()
    earlier = ContentItem.objects.filter(contributor=contributor, original_sha256=sha256).first()
    if earlier is not None:
        raise ContentError(
            _("You have already shared this file: “%(title)s”.") % {"title": earlier.title},
            code="duplicate",
            field="file",
        )
    kind = ContentItem.Kind.VIDEO if found.kind.value == "video" else ContentItem.Kind.PHOTO
    with transaction.atomic():
        item = ContentItem(
            contributor=contributor,
            kind=kind,
            state=ContentItem.State.PROCESSING,
            original_sha256=sha256,
            content_type=found.format.content_type,
        )
        _apply_details(item, details)
        item.save()
        item.original.save(
            f"{item.pk}-{secrets.token_hex(8)}.{found.format.value}", File(upload), save=True
        )
        _record_submission(item, details, consents)
        from tellus.content.tasks import process_content_item

        item_id = item.pk
        transaction.on_commit(lambda: process_content_item.delay(item_id))
    return item


def content_submit_text(
    *, contributor: Person, kind: str, body: str, details: ItemDetails, consents: Iterable[str]
) -> ContentItem:
    """Accept a story (Markdown, rendered to safe HTML) or a poem (plain text, lines kept)."""
    if kind not in {ContentItem.Kind.STORY, ContentItem.Kind.POEM}:
        raise ContentError(_("Only stories and poems are written as text."), field="kind")
    if not body.strip():
        raise ContentError(_("Write something first."), code="empty", field="body")
    with transaction.atomic():
        item = ContentItem(
            contributor=contributor, kind=kind, state=ContentItem.State.PENDING, body=body
        )
        _apply_details(item, details)
        if kind == ContentItem.Kind.STORY:
            item.body_html = render_story(body, contributor_id=contributor.pk)
        item.save()
        _record_submission(item, details, consents)
    return item


def content_update(
    *, item: ContentItem, details: ItemDetails, body: str | None = None
) -> ContentItem:
    """The contributor edits an item; a changed published item goes back to moderation."""
    if item.state in {ContentItem.State.REJECTED, ContentItem.State.FAILED}:
        raise ContentError(_("This item can no longer be edited."), code="locked")
    with transaction.atomic():
        _apply_details(item, details)
        if body is not None and item.kind in {ContentItem.Kind.STORY, ContentItem.Kind.POEM}:
            if not body.strip():
                raise ContentError(_("Write something first."), code="empty", field="body")
            item.body = body
            if item.kind == ContentItem.Kind.STORY:
                item.body_html = render_story(body, contributor_id=item.contributor_id)
        if item.state in {ContentItem.State.PUBLISHED, ContentItem.State.NEEDS_EDIT}:
            item.state = ContentItem.State.PENDING
        content_refresh_public_position(item)
        item.save()
        _set_tags(item, details.tags)
        transaction.on_commit(bump_public_version)
    return item


def content_delete(*, item: ContentItem) -> None:
    with transaction.atomic():
        files = [item.original] if item.original else []
        # Only the files made for this item (under its own folder): a rendition
        # another item points to stays.
        names = [r["name"] for r in item.renditions if r["name"].startswith(f"content/{item.pk}/")]
        item.delete()

        def remove_files() -> None:
            from django.core.files.storage import default_storage

            for file in files:
                file.storage.delete(file.name)
            for name in names:
                default_storage.delete(name)
            bump_public_version()

        transaction.on_commit(remove_files)


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


# --- Rights and campaigns ----------------------------------------------------


def rights_request_create(
    *, item: ContentItem, requested_by: Person, purpose: str, message: str
) -> RightsRequest:
    if purpose not in {ConsentPurpose.SOCIAL, ConsentPurpose.PRINT, ConsentPurpose.WEBSITE}:
        raise ContentError(_("Ask for website, social or print use."), field="purpose")
    if not message.strip():
        raise ContentError(_("Tell the contributor what you want to use it for."), field="message")
    if has_consent(item.contributor, purpose, item):
        raise ContentError(_("The contributor already allows this use."), field="purpose")
    if RightsRequest.objects.filter(
        item=item, purpose=purpose, state=RightsRequest.State.PENDING
    ).exists():
        raise ContentError(
            _("A request for this use is already waiting for the answer."), field="purpose"
        )
    return RightsRequest.objects.create(
        item=item, requested_by=requested_by, purpose=purpose, message=message.strip()[:2000]
    )


def rights_request_answer(*, request: RightsRequest, accept: bool) -> RightsRequest:
    """The contributor answers; an acceptance is recorded as consent for that use."""
    with transaction.atomic():
        request = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RightsRequest.State.PENDING:
            return request
        request.state = RightsRequest.State.ACCEPTED if accept else RightsRequest.State.DECLINED
        request.answered_at = timezone.now()
        request.save(update_fields=["state", "answered_at"])
        if accept:
            consent_grant(
                person=request.item.contributor,
                purpose=request.purpose,
                subject=request.item,
                source="rights request",
            )
            transaction.on_commit(bump_public_version)
    return request


def campaign_pick(
    *, item: ContentItem, purpose: str, campaign: str, picked_by: Person
) -> CampaignPick:
    """Pick an item for a use; only items whose contributor allowed that use can be picked."""
    if item.state != ContentItem.State.PUBLISHED:
        raise ContentError(_("Only published items can be picked."), code="state")
    if not has_consent(item.contributor, purpose, item):
        raise ContentError(
            _("The contributor has not allowed this use. Send them a rights request."),
            code="no_consent",
        )
    pick, _created = CampaignPick.objects.get_or_create(
        item=item,
        purpose=purpose,
        campaign=campaign.strip()[:120],
        defaults={"picked_by": picked_by},
    )
    return pick


# --- Shares ------------------------------------------------------------------


def share_create(*, item: ContentItem, sharer: Person | None, channel: str) -> Share:
    if channel not in Share.Channel.values:
        raise ContentError(_("Unknown channel."), field="channel")
    with transaction.atomic():
        share = Share.objects.create(
            item=item, sharer=sharer, channel=channel, code=secrets.token_urlsafe(9)
        )
        if sharer is not None:
            record_event(
                kind=kinds.SHARE_CREATED,
                member=sharer,
                subject=item,
                channel=channel,
                initiative=item.initiative,
                journey_stage=JourneyStage.ADVOCACY,
                idempotency_key=f"share:{share.pk}:created",
            )
    return share


def share_click(*, share: Share, visitor_key: str, day: str) -> bool:
    """Count a human click once per visitor and day; returns whether it was counted."""
    key = f"share:{share.pk}:click:{day}:{visitor_key[:32]}"
    with transaction.atomic():
        if Event.objects.filter(idempotency_key=key).exists():
            return False
        record_event(
            kind=kinds.SHARE_CLICKED,
            attributed_to=share.sharer,
            subject=share.item,
            channel=share.channel,
            journey_stage=JourneyStage.AWARENESS,
            idempotency_key=key,
        )
        Share.objects.filter(pk=share.pk).update(click_count=F("click_count") + 1)
    return True


def content_count_view(*, item_id: int) -> None:
    ContentItem.objects.filter(pk=item_id).update(view_count=F("view_count") + 1)


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
