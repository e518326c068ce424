"""Staff pages of the content hub: the moderation queue, rights requests and campaigns.

Views parse, authorise (one permission per page, see ``access.staff_page``),
call a service or query of ``tellus.content`` and render. Moderation
decisions post to one endpoint; with htmx it answers with the decision's
fragment, in place, and without JavaScript it redirects (or shows the error
beside the form). A campaign download is a ZIP made in memory with the
standard library's ``zipfile``: the largest rendition, its credit line and
its consent record.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from tellus.console.access import staff_page
from tellus.console.views import _render
from tellus.content import queries
from tellus.content.forms import CampaignPickForm, ModerationForm, RightsRequestForm
from tellus.content.models import (
    CampaignPick,
    ContentItem,
    ModerationDecision,
    Place,
    RightsRequest,
)
from tellus.content.rejections import notice_message
from tellus.content.services import (
    ContentError,
    campaign_pick,
    content_dismiss_reports,
    content_moderate,
    moderation_actions_for,
    rights_request_create,
)
from tellus.core.queries import get_branding
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest
from tellus.people.models import ConsentPurpose

QUEUE_PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
DISMISS = "dismiss"

# What each heuristic flag of the media pipeline means, for a moderator
# (codes: tellus.content.media.fingerprint).
NOT_PHOTO_WARNINGS = {
    "few_colours": gettext_lazy("Few colours: it may be a drawing, a logo or a chart."),
    "flat_areas": gettext_lazy("Large areas of one colour, as in screenshots and graphics."),
    "extreme_aspect": gettext_lazy("Very long or very wide: it may be a banner or a screenshot."),
    "tiny": gettext_lazy("Too small to come from a camera."),
    "screenshot_like": gettext_lazy(
        "It looks like a screenshot: a PNG without camera data, with flat areas."
    ),
}
WATERMARK_WARNINGS = {
    "names_rights_holder": gettext_lazy(
        "The file names an artist or a copyright holder: check that it is the contributor."
    ),
    "corner_overlay": gettext_lazy(
        "Text-like marks in a corner: it may carry someone else's watermark."
    ),
    "alpha_photo": gettext_lazy(
        "A photo with transparency: it may be cut out of someone else's picture."
    ),
}
ACTION_LABELS = {
    ModerationDecision.Action.APPROVE: gettext_lazy("Approve"),
    ModerationDecision.Action.REJECT: gettext_lazy("Reject"),
    ModerationDecision.Action.ASK_EDIT: gettext_lazy("Ask for an edit"),
    ModerationDecision.Action.HIDE: gettext_lazy("Hide"),
    DISMISS: gettext_lazy("Keep it published"),
}
REASON_HELP = gettext_lazy("Needed to reject, ask for an edit or hide: the contributor reads it.")


class DecisionForm(ModerationForm):
    """The moderation form, plus dismissing the reports of a published item."""

    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.help_text = REASON_HELP
        # Several lines, and Enter never submits the first button (Approve) by accident.
        reason.widget = forms.Textarea(attrs={"rows": 2, "maxlength": "500"})


@dataclass
class QueueEntry:
    """An item as a moderator sees it, with its warnings and the decisions it allows."""

    item: ContentItem
    status: str
    preview_lines: list[str]
    warnings: list[tuple[str, list[str]]]
    duplicates: list[ContentItem]
    form: DecisionForm
    actions: list[tuple[str, str]] = field(default_factory=list)


def _is_htmx(request: MemberRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _first_lines(text: str, *, lines: int = 4, width: int = 160) -> list[str]:
    """The first non-blank lines of a story or poem, shortened (escaped by the template)."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            found.append(line if len(line) <= width else line[: width - 1] + "…")
        if len(found) == lines:
            break
    return found


def _text_flags(item: ContentItem) -> list[str]:
    return [flag for flag in item.flags if isinstance(flag, str)]


def _duplicate_ids(item: ContentItem) -> list[int]:
    ids = []
    for flag in _text_flags(item):
        prefix, _sep, value = flag.partition(":")
        if prefix == "duplicate_of" and value.isdigit():
            ids.append(int(value))
    return ids


def _warnings(item: ContentItem) -> list[tuple[str, list[str]]]:
    flags = _text_flags(item)
    not_photo = [str(NOT_PHOTO_WARNINGS[f]) for f in flags if f in NOT_PHOTO_WARNINGS]
    watermark = [str(WATERMARK_WARNINGS[f]) for f in flags if f in WATERMARK_WARNINGS]
    known = {*NOT_PHOTO_WARNINGS, *WATERMARK_WARNINGS, "near_duplicate"}
    other = [f for f in flags if f not in known and not f.startswith("duplicate_of:")]
    groups = []
    if not_photo:
        groups.append((_("It may not be a photo"), not_photo))
    if watermark:
        groups.append((_("It may carry someone else's rights"), watermark))
    if other:
        groups.append((_("Other flags"), other))
    return groups


def _status(item: ContentItem) -> str:
    reports: int = getattr(item, "open_reports", None) or 0
    if item.state == ContentItem.State.HIDDEN and reports:
        return ngettext(
            "Hidden after %(count)d report", "Hidden after %(count)d reports", reports
        ) % {"count": reports}
    if item.state == ContentItem.State.HIDDEN:
        return _("Hidden by a moderator")
    if item.state == ContentItem.State.PUBLISHED and reports:
        return ngettext(
            "Published, reported %(count)d time", "Published, reported %(count)d times", reports
        ) % {"count": reports}
    return str(item.get_state_display())


def _actions(item: ContentItem) -> list[tuple[str, str]]:
    allowed = moderation_actions_for(item.state)
    reports: int = getattr(item, "open_reports", None) or 0
    if item.state == ContentItem.State.PUBLISHED and reports:
        allowed = [DISMISS, *allowed]
    return [(action, str(ACTION_LABELS[action])) for action in allowed]


def _decision_form(item: ContentItem, data: Any = None) -> DecisionForm:
    return DecisionForm(data, auto_id=f"decision-{item.pk}-%s")


def _entry(
    item: ContentItem, duplicates: dict[int, ContentItem], form: DecisionForm | None = None
) -> QueueEntry:
    return QueueEntry(
        item=item,
        status=_status(item),
        preview_lines=[] if item.is_media else _first_lines(item.body),
        warnings=_warnings(item),
        duplicates=[duplicates[pk] for pk in _duplicate_ids(item) if pk in duplicates],
        form=form or _decision_form(item),
        actions=_actions(item),
    )


def _safe_next(request: MemberRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/console/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("console:moderation")


def _query_without_page(request: MemberRequest) -> str:
    params = {key: str(request.GET.get(key, ""))[:200] for key in request.GET if key != "page"}
    return urlencode({key: value for key, value in params.items() if value})


# --- Moderation ----------------------------------------------------------------


@staff_page("content.moderate_content")
def moderation(request: MemberRequest) -> HttpResponse:
    page = Paginator(queries.console_moderation_queue(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = list(page)
    duplicates = queries.items_by_id(pk for item in items for pk in _duplicate_ids(item))
    return _render(
        request,
        "console/content/moderation.html",
        {
            "page": page,
            "entries": [_entry(item, duplicates) for item in items],
            "next": request.get_full_path(),
        },
    )


def _decision_reason(decision: ModerationDecision) -> str:
    """The reason as staff read it; automatic hiding stores its report count ("3 reports")."""
    count, _sep, _rest = decision.reason.partition(" ")
    if decision.action == ModerationDecision.Action.AUTO_HIDE and count.isdigit():
        return ngettext("%(count)d report", "%(count)d reports", int(count)) % {"count": int(count)}
    return decision.reason


def _moderation_item_page(
    request: MemberRequest, item_id: int, form: DecisionForm | None = None
) -> HttpResponse:
    item = queries.item_for_moderation(item_id)
    if item is None:
        raise Http404
    allowed = queries.allowed_purposes(item)
    return _render(
        request,
        "console/content/moderation_item.html",
        {
            "entry": _entry(item, queries.items_by_id(_duplicate_ids(item)), form),
            "decisions": [
                (decision, _decision_reason(decision))
                for decision in item.decisions.select_related("moderator").order_by(
                    "-created_at", "-pk"
                )
            ],
            "allowed": [p.label for p in ConsentPurpose if p.value in allowed],
            "notices": [notice_message(str(n.get("code", ""))) for n in item.notices],
            "next": request.get_full_path(),
        },
    )


@staff_page("content.moderate_content")
def moderation_item(request: MemberRequest, item_id: int) -> HttpResponse:
    return _moderation_item_page(request, item_id)


@staff_page("content.moderate_content")
@require_POST
@limit_writes
def moderate(request: MemberRequest, item_id: int) -> HttpResponse:
    """The one endpoint for every decision; the service refuses what does not apply."""
    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        raise Http404
    form = _decision_form(item, request.POST)
    outcome = ""
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == DISMISS:
                item = content_dismiss_reports(item=item, moderator=request.user, reason=reason)
                done = ModerationDecision.Action.DISMISS_REPORTS
            else:
                item = content_moderate(
                    item=item, moderator=request.user, action=action, reason=reason
                )
                done = ModerationDecision.Action(action)
        except ContentError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            outcome = _("%(decision)s: “%(title)s” is now “%(state)s”.") % {
                "decision": done.label,
                "title": item.title,
                "state": item.get_state_display(),
            }
    if outcome and not _is_htmx(request):
        messages.success(request, outcome)
        return redirect(_safe_next(request))
    if not outcome:
        item = queries.item_for_moderation(item_id) or item
    if _is_htmx(request):
        return render(
            request,
            "console/content/_decision.html",
            {
                "item": item,
                "form": form,
                "actions": _actions(item),
                "outcome": outcome,
                "next": _safe_next(request),
            },
        )
    return _moderation_item_page(request, item_id, form=form)


# --- The published content staff may ask about or pick ---------------------------


def _library(request: MemberRequest, mode: str) -> HttpResponse:
    get = request.GET
    filters = queries.LibraryFilters(
        search=get.get("q", "")[:100],
        kind=get.get("kind", "")[:10],
        place=get.get("place", "")[:80],
        tag=get.get("tag", "")[:60],
        allows=get.get("allows", "")[:20],
    )
    page = Paginator(queries.published_for_staff(filters), LIST_PAGE_SIZE).get_page(get.get("page"))
    return _render(
        request,
        "console/content/library.html",
        {
            "mode": mode,
            "page": page,
            "filters": filters,
            "query": _query_without_page(request),
            "kinds": ContentItem.Kind.choices,
            "places": Place.objects.order_by("name").only("name", "slug"),
            "uses": [(p.value, p.label) for p in ConsentPurpose if p in queries.STAFF_PURPOSES],
        },
    )


def _published_item(item_id: int) -> ContentItem:
    item = queries.published_item_for_staff(item_id)
    if item is None:
        raise Http404
    return item


def _allowed_labels(item: ContentItem) -> list[str]:
    return [str(p.label) for p in ConsentPurpose if getattr(item, f"allows_{p.value}", False)]


# --- Rights requests -------------------------------------------------------------


@staff_page("content.request_rights")
def rights(request: MemberRequest) -> HttpResponse:
    state = request.GET.get("state", "")[:10]
    page = Paginator(queries.rights_requests_for_console(state), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "console/content/rights.html",
        {
            "page": page,
            "state": state,
            "states": RightsRequest.State.choices,
            "query": _query_without_page(request),
        },
    )


@staff_page("content.request_rights")
def rights_find(request: MemberRequest) -> HttpResponse:
    return _library(request, "rights")


@staff_page("content.request_rights")
@limit_writes
def rights_item(request: MemberRequest, item_id: int) -> HttpResponse:
    item = _published_item(item_id)
    earlier = list(queries.rights_requests_for_console().filter(item=item))
    form = RightsRequestForm(request.POST or None, initial={"purpose": request.GET.get("use")})
    if request.method == "POST" and form.is_valid():
        try:
            rights_request_create(
                item=item,
                requested_by=request.user,
                purpose=form.cleaned_data["purpose"],
                message=form.cleaned_data["message"],
            )
        except ContentError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Your request about “%(title)s” is sent to the contributor.")
                % {"title": item.title},
            )
            return redirect("console:rights")
    return _render(
        request,
        "console/content/rights_item.html",
        {"item": item, "allowed": _allowed_labels(item), "earlier": earlier, "form": form},
    )


# --- Campaigns -------------------------------------------------------------------


@staff_page("content.pick_for_campaign")
def campaigns(request: MemberRequest) -> HttpResponse:
    campaign = request.GET.get("campaign", "")[:120]
    page = Paginator(queries.campaign_picks(campaign), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "console/content/campaigns.html",
        {
            "page": page,
            "campaign": campaign,
            "campaigns": queries.campaign_names(),
            "query": _query_without_page(request),
        },
    )


@staff_page("content.pick_for_campaign")
def campaigns_find(request: MemberRequest) -> HttpResponse:
    return _library(request, "campaigns")


@staff_page("content.pick_for_campaign")
@limit_writes
def campaign_item(request: MemberRequest, item_id: int) -> HttpResponse:
    item = _published_item(item_id)
    form = CampaignPickForm(
        request.POST or None, initial={"campaign": request.GET.get("campaign", "")[:120]}
    )
    form.fields["campaign"].widget.attrs["list"] = "campaign-names"
    needs_rights = False
    if request.method == "POST" and form.is_valid():
        try:
            pick = campaign_pick(
                item=item,
                purpose=form.cleaned_data["purpose"],
                campaign=form.cleaned_data["campaign"],
                picked_by=request.user,
            )
        except ContentError as exc:
            needs_rights = exc.code == "no_consent"
            form.add_error("purpose" if needs_rights else None, exc.message)
        else:
            messages.success(
                request,
                _("“%(title)s” is picked for “%(campaign)s”.")
                % {"title": item.title, "campaign": pick.campaign},
            )
            return redirect(
                f"{reverse('console:campaigns')}?{urlencode({'campaign': pick.campaign})}"
            )
    return _render(
        request,
        "console/content/campaign_item.html",
        {
            "item": item,
            "allowed": _allowed_labels(item),
            "picks": list(queries.campaign_picks().filter(item=item)),
            "campaigns": queries.campaign_names(),
            "form": form,
            "needs_rights": needs_rights,
            "chosen_use": form["purpose"].value() if needs_rights else "",
        },
    )


def _refuse(request: MemberRequest, message: str, *, status: int = 403) -> HttpResponse:
    response = _render(request, "console/content/download_refused.html", {"message": message})
    response.status_code = status
    return response


def _pick_archive(pick: CampaignPick, rendition: bytes | None, suffix: str) -> bytes:
    """The ZIP a marketer hands on: the file, its credit line and its consent record."""
    item = pick.item
    stem = f"{slugify(item.title)[:60] or 'item'}-{item.pk}"
    day = item.taken_on or timezone.localdate(item.published_at or item.created_at)
    credit = "\n".join(
        [
            queries.credit_line(item, get_branding().name),
            _("Title: %(title)s") % {"title": item.title},
            _("Date: %(date)s") % {"date": day.isoformat()},
            "",
        ]
    )
    record = {
        "item": item.pk,
        "title": item.title,
        "campaign": pick.campaign,
        "use": pick.purpose,
        "downloaded_at": timezone.now().isoformat(),
        "consents": queries.consent_record(item),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if rendition is not None:
            # Already compressed: stored as it is.
            archive.writestr(f"{stem}{suffix}", rendition, compress_type=zipfile.ZIP_STORED)
        else:
            archive.writestr(f"{stem}{suffix}", item.body)
        archive.writestr("credit.txt", credit)
        archive.writestr("consent.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return buffer.getvalue()


@staff_page("content.pick_for_campaign")
def campaign_download(request: MemberRequest, pick_id: int) -> HttpResponse:
    """The picked item, credited, with its consent record; only while that use is allowed."""
    pick = queries.campaign_picks().filter(pk=pick_id).first()
    if pick is None:
        raise Http404
    item = pick.item
    if item.state != ContentItem.State.PUBLISHED:
        return _refuse(
            request,
            _("“%(title)s” is no longer published: it cannot be used.") % {"title": item.title},
        )
    if not pick.consent_active:  # type: ignore[attr-defined]
        return _refuse(
            request,
            _(
                "The contributor no longer allows “%(use)s” for “%(title)s”. "
                "Send them a rights request before using it."
            )
            % {"use": pick.get_purpose_display(), "title": item.title},
        )
    rendition: bytes | None = None
    if item.renditions:
        largest = max(item.renditions, key=lambda r: int(r["width"]))
        suffix = PurePosixPath(str(largest["name"])).suffix
        try:
            with default_storage.open(str(largest["name"]), "rb") as fp:
                rendition = fp.read()
        except OSError:
            return _refuse(
                request,
                _("The file of “%(title)s” is missing from the media storage.")
                % {"title": item.title},
                status=404,
            )
    else:
        suffix = ".md" if item.kind == ContentItem.Kind.STORY else ".txt"
    filename = f"{slugify(pick.campaign)[:40] or 'campaign'}-{item.pk}.zip"
    response = HttpResponse(_pick_archive(pick, rendition, suffix), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
