"""Rights requests to contributors and campaign picks by marketers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.content.models import (
    CampaignPick,
    ContentItem,
    RightsRequest,
)
from tellus.content.publicity import bump_public_version
from tellus.content.services.errors import ContentError
from tellus.people.models import ConsentPurpose, Person
from tellus.people.queries import has_consent
from tellus.people.services import consent_grant

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


def campaign_pick_check_download(*, pick: CampaignPick) -> None:
    """A pick may be downloaded only while its item is published and its use still allowed.

    ``pick`` comes from :func:`tellus.content.queries.campaign_picks`, which
    marks whether the consent for its use is still active.
    """
    item = pick.item
    if item.state != ContentItem.State.PUBLISHED:
        raise ContentError(
            _("“%(title)s” is no longer published: it cannot be used.") % {"title": item.title},
            code="state",
        )
    still_allowed = getattr(pick, "consent_active", None)
    if still_allowed is None:
        still_allowed = has_consent(item.contributor, pick.purpose, item)
    if not still_allowed:
        raise ContentError(
            _(
                "The contributor no longer allows “%(use)s” for “%(title)s”. "
                "Send them a rights request before using it."
            )
            % {"use": pick.get_purpose_display(), "title": item.title},
            code="no_consent",
        )
