from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.content import queries
from tellus.content.forms import ItemDetailsForm, TextItemForm
from tellus.content.models import ContentItem, Place, Tag
from tellus.content.rejections import notice_message, rejection_message
from tellus.content.services import (
    ContentError,
    content_count_view,
    content_delete,
    content_edit,
    content_submit_media,
    content_submit_text,
    rights_request_answer,
)
from tellus.core.ratelimits import limit_writes
from tellus.core.visitors import is_probably_bot
from tellus.engagement.models import Initiative
from tellus.people.http import MemberRequest
from tellus.people.models import Person
from tellus.publishing.comments.views import discussion
from tellus.publishing.forms import ReportForm
from tellus.publishing.models import Share
from tellus.publishing.views import report_page, share_page

PAGE_SIZE = 24


def _positive_int(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < len(value) <= 12 else None


def gallery(request: HttpRequest) -> HttpResponse:
    filters = queries.GalleryFilters(
        kind=request.GET.get("kind", "")[:10],
        tag=request.GET.get("tag", "")[:60],
        place=request.GET.get("place", "")[:80],
        initiative=request.GET.get("initiative", "")[:80],
        order=request.GET.get("order", "newest")[:20],
        contributor=_positive_int(request.GET.get("contributor", "")),
    )
    items = queries.gallery(filters)
    cursor = request.GET.get("after", "")[:200]
    if cursor:
        try:
            items = queries.after_cursor(items, cursor, filters.order)
        except ValueError:
            return redirect(reverse("content:gallery"))
    page = list(items[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    next_query = ""
    if more:
        params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
        params["after"] = queries.encode_cursor(page[-1], filters.order)
        next_query = urlencode(params)
    return render(
        request,
        "content/gallery.html",
        {
            "items": page,
            "filters": filters,
            "next_query": next_query,
            "kinds": ContentItem.Kind.choices,
            "places": Place.objects.order_by("name"),
            "initiatives": Initiative.objects.filter(is_active=True).order_by("name"),
            "popular_tags": Tag.objects.order_by("slug")[:30],
        },
    )


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = queries.get_content_item_for(request.user, item_id, action="view")
    if item is None:
        raise Http404
    if not is_probably_bot(request):
        content_count_view(item_id=item.pk)
    return render(
        request,
        "content/item.html",
        {
            "item": item,
            "renditions": queries.renditions_for(item),
            "report_form": ReportForm(),
            "channels": Share.Channel.choices,
            "absolute_url": f"{settings.SITE_URL}{reverse('content:item', args=[item.pk])}",
            **discussion(request, item),
        },
    )


def contributor(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, erased_at__isnull=True, is_active=True)
    page = Paginator(
        queries.with_tags(queries.public_items().filter(contributor=person)).order_by(
            "-published_at", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "content/contributor.html", {"contributor": person, "page": page})


def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "content/map.html")


@limit_writes
def report(request: HttpRequest, item_id: int) -> HttpResponse:
    item = queries.get_content_item_for(request.user, item_id, action="report")
    if item is None:
        raise Http404
    return report_page(request, item, template="content/report.html")


@require_POST
@limit_writes
def share(request: HttpRequest, item_id: int) -> HttpResponse:
    """Make a tracked link for a channel and go to that channel's share page."""
    item = queries.get_content_item_for(request.user, item_id, action="share")
    if item is None:
        raise Http404
    return share_page(request, item, text=item.title)


# --- The contributor's own pages -------------------------------------------


@login_required
@limit_writes
def share_media(request: MemberRequest) -> HttpResponse:
    """Upload photos and videos. With JavaScript, each file goes to the API with its progress."""
    form = ItemDetailsForm(
        request.POST or None, initial={"initiative": request.GET.get("initiative", "")[:80]}
    )
    file_error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            file_error = _("Choose a photo or video to share.")
        elif form.is_valid():
            try:
                item = content_submit_media(
                    contributor=request.user,
                    upload=upload,
                    filename=upload.name or "",
                    size=upload.size or 0,
                    details=form.details(),
                    consents=form.cleaned_data["consents"],
                    max_bytes=max(
                        settings.TELLUS_MEDIA_MAX_IMAGE_BYTES, settings.TELLUS_MEDIA_MAX_VIDEO_BYTES
                    ),
                )
            except ContentError as exc:
                if exc.field == "file":
                    file_error = exc.message  # shown beside the file it is about
                else:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Thank you! “%(title)s” is being processed.") % {"title": item.title}
                )
                return redirect("content:mine")
    return render(
        request,
        "content/share_media.html",
        {
            "form": form,
            "file_error": file_error,
            "max_mb": settings.TELLUS_MEDIA_MAX_IMAGE_BYTES // (1024 * 1024),
        },
    )


@login_required
@limit_writes
def write(request: MemberRequest) -> HttpResponse:
    form = TextItemForm(
        request.POST or None, initial={"initiative": request.GET.get("initiative", "")[:80]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = content_submit_text(
                contributor=request.user,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                details=form.details(),
                consents=form.cleaned_data["consents"],
            )
        except ContentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you! “%(title)s” is waiting for moderation.") % {"title": item.title},
            )
            return redirect("content:mine")
    return render(request, "content/write.html", {"form": form})


@login_required
def mine(request: MemberRequest) -> HttpResponse:
    page = Paginator(queries.items_of(request.user), 20).get_page(request.GET.get("page"))
    for item in page:
        item.failure_message = rejection_message(item.failure) if item.failure else ""  # type: ignore[attr-defined]
        item.notice_messages = [notice_message(n["code"]) for n in item.notices]  # type: ignore[attr-defined]
    return render(
        request,
        "content/mine.html",
        {"page": page, "rights_requests": queries.pending_rights_requests(request.user)},
    )


def _own_item(request: MemberRequest, item_id: int) -> ContentItem:
    item = queries.get_content_item_for(request.user, item_id, action="edit")
    if item is None:
        raise Http404
    return item


@login_required
@limit_writes
def edit(request: MemberRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    is_text = item.kind in {ContentItem.Kind.STORY, ContentItem.Kind.POEM}
    form_class = TextItemForm if is_text else ItemDetailsForm
    initial = {
        "title": item.title,
        "caption": item.caption,
        "language": item.language,
        "taken_on": item.taken_on,
        "tags": ", ".join(t.name for t in item.tags.all()),
        "place": item.place.slug if item.place else None,
        "initiative": item.initiative.slug if item.initiative else None,
        "latitude": item.latitude if item.location_source == "map" else None,
        "longitude": item.longitude if item.location_source == "map" else None,
        "consents": sorted(queries.allowed_purposes(item)),
        "kind": item.kind,
        "body": item.body,
    }
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            content_edit(
                item=item,
                details=form.details(),
                body=form.cleaned_data.get("body") if is_text else None,
                consents=form.cleaned_data["consents"],
            )
        except ContentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("content:mine")
    return render(request, "content/edit.html", {"form": form, "item": item})


@login_required
@require_POST
@limit_writes
def delete(request: MemberRequest, item_id: int) -> HttpResponse:
    item = _own_item(request, item_id)
    content_delete(item=item)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": item.title})
    return redirect("content:mine")


@login_required
@require_POST
@limit_writes
def answer_rights_request(request: MemberRequest, request_id: int) -> HttpResponse:
    rights = queries.get_rights_request_for(request.user, request_id)
    if rights is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    rights_request_answer(request=rights, accept=accept)
    messages.success(
        request, _("Your answer is recorded.") if accept else _("You declined. Nothing changes.")
    )
    return redirect("content:mine")
