"""Staff pages of the content hub: rights requests and campaigns.

Registered into the console by ``content/staff.py``; the moderation queue is
the shared one (``tellus.publishing.staff_views``). Views parse, authorise
(one permission per page, see ``console.access.staff_page``), call a service
or query and render. A campaign download is a ZIP made in memory with the
standard library's ``zipfile``: the largest rendition, its credit line and
its consent record.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tellus.console.access import staff_page
from tellus.console.shell import render_staff_page as _render
from tellus.content import queries
from tellus.content.forms import CampaignPickForm, RightsRequestForm
from tellus.content.models import CampaignPick, ContentItem, Place, RightsRequest
from tellus.content.services import (
    ContentError,
    campaign_pick,
    campaign_pick_check_download,
    rights_request_create,
)
from tellus.core.queries import get_branding
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest
from tellus.people.models import ConsentPurpose

LIST_PAGE_SIZE = 50


def _query_without_page(request: MemberRequest) -> str:
    params = {key: str(request.GET.get(key, ""))[:200] for key in request.GET if key != "page"}
    return urlencode({key: value for key, value in params.items() if value})


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
        "content/staff/library.html",
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


def _published_item(request: MemberRequest, item_id: int, permission: str) -> ContentItem:
    item = queries.get_published_item_for_staff(request.user, item_id, permission=permission)
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
        "content/staff/rights.html",
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
    item = _published_item(request, item_id, "content.request_rights")
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
        "content/staff/rights_item.html",
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
        "content/staff/campaigns.html",
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
    item = _published_item(request, item_id, "content.pick_for_campaign")
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
        "content/staff/campaign_item.html",
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
    response = _render(request, "content/staff/download_refused.html", {"message": message})
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
    pick = queries.get_campaign_pick_for(request.user, pick_id)
    if pick is None:
        raise Http404
    item = pick.item
    try:
        campaign_pick_check_download(pick=pick)
    except ContentError as exc:
        return _refuse(request, exc.message)
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
