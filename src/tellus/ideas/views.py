"""The idea board's public pages: the board, an idea, proposing one, endorsing, reporting, sharing.

Views parse, fetch through :func:`tellus.ideas.queries.get_idea_for`, call a
service and render. Endorsing answers htmx with the button's fragment, in
place, and redirects without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.core.ratelimits import limit_writes
from tellus.ideas import queries
from tellus.ideas.forms import IdeaForm
from tellus.ideas.models import Idea, Status
from tellus.ideas.services import (
    IdeaError,
    idea_endorse,
    idea_propose,
    idea_withdraw_endorsement,
)
from tellus.people.http import MemberRequest
from tellus.publishing.models import Share
from tellus.publishing.views import report_page, share_page

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def board(request: HttpRequest) -> HttpResponse:
    filters = queries.BoardFilters(
        status=request.GET.get("status", "")[:20],
        place=request.GET.get("place", "")[:80],
        season=request.GET.get("season", "")[:20],
        audience=request.GET.get("audience", "")[:20],
        q=request.GET.get("q", "")[:100],
        order=request.GET.get("order", "new")[:20],
    )
    offset = 0
    cursor = request.GET.get("after", "")[:40]
    if cursor:
        try:
            offset = queries.decode_cursor(cursor)
        except ValueError:
            return redirect(reverse("ideas:board"))
    page = list(queries.board(filters)[offset : offset + PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    next_query = ""
    if more:
        params = {k: str(v) for k, v in request.GET.items() if k != "after" and v}
        params["after"] = queries.encode_cursor(offset + PAGE_SIZE)
        next_query = urlencode(params)
    return render(
        request,
        "ideas/board.html",
        {
            "ideas": page,
            "filters": filters,
            "next_query": next_query,
            "endorsed": queries.endorsed_ids(request.user, page),
            "statuses": [s for s in Status.choices if s[0] != Status.MERGED],
            "seasons": Idea.Season.choices,
            "audiences": Idea.Audience.choices,
            "places": queries.places(),
            "orders": [
                ("new", _("Newest")),
                ("endorsed", _("Most endorsed")),
                ("trending", _("Trending")),
            ],
        },
    )


def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, idea_id, action="view")
    if idea is None:
        raise Http404
    if idea.status == Status.MERGED and idea.merged_into_id:
        messages.info(
            request,
            _("“%(title)s” was merged into this idea.") % {"title": idea.title},
        )
        return redirect("ideas:idea", idea.merged_into_id)
    return render(
        request,
        "ideas/idea.html",
        {
            "idea": idea,
            "endorsed": idea.pk in queries.endorsed_ids(request.user, [idea]),
            "photos": queries.public_photos_of(idea),
            "channels": Share.Channel.choices,
        },
    )


@login_required
@limit_writes
def propose(request: MemberRequest) -> HttpResponse:
    form = IdeaForm(
        request.POST or None,
        member=request.user,
        initial={"initiative": request.GET.get("initiative", "")[:80]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            idea = idea_propose(
                contributor=request.user,
                details=form.details(),
                consents=form.cleaned_data["consents"],
            )
        except IdeaError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you! “%(title)s” is waiting for moderation.") % {"title": idea.title},
            )
            return redirect("ideas:mine")
    return render(request, "ideas/propose.html", {"form": form})


def similar(request: HttpRequest) -> HttpResponse:
    """Possible duplicates of the title being typed: the few most similar public ideas."""
    title = request.GET.get("title", "")[:200]
    return render(
        request,
        "ideas/_similar.html",
        {"similar": queries.similar_ideas(title), "asked": bool(queries.title_words(title))},
    )


def _endorse_answer(request: HttpRequest, idea_id: int) -> HttpResponse:
    if _is_htmx(request):
        idea = queries.get_idea_for(request.user, idea_id, action="view")
        if idea is None:
            raise Http404
        return render(
            request,
            "ideas/_endorse.html",
            {
                "idea": idea,
                "endorsed": idea.pk in queries.endorsed_ids(request.user, [idea]),
                "announce": True,
            },
        )
    return redirect("ideas:idea", idea_id)


@login_required
@require_POST
@limit_writes
def endorse(request: MemberRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, idea_id, action="endorse")
    if idea is None:
        raise Http404
    try:
        if request.POST.get("withdraw"):
            idea_withdraw_endorsement(idea=idea, member=request.user)
        else:
            idea_endorse(idea=idea, member=request.user)
    except IdeaError as exc:
        messages.error(request, exc.message)
        return redirect("ideas:idea", idea.pk)
    return _endorse_answer(request, idea.pk)


@limit_writes
def report(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, idea_id, action="report")
    if idea is None:
        raise Http404
    return report_page(request, idea, template="ideas/report.html")


@require_POST
@limit_writes
def share(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, idea_id, action="share")
    if idea is None:
        raise Http404
    return share_page(request, idea, text=idea.title)


@login_required
def mine(request: MemberRequest) -> HttpResponse:
    return render(request, "ideas/mine.html", {"ideas": list(queries.ideas_of(request.user)[:200])})
