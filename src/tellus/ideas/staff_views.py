"""The idea board's staff pages: answer an idea, set its status, merge a duplicate, add its outcome.

Behind ``ideas.respond`` (marketers and administrators). Moderation (whether
the public sees an idea) stays in the one moderation queue; these pages are
about what the destination makes of the idea.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.console.access import staff_page
from tellus.console.shell import render_staff_page
from tellus.core.ratelimits import limit_writes
from tellus.ideas import queries
from tellus.ideas.forms import MergeForm, OutcomeForm, ResponseForm
from tellus.ideas.models import Idea, Status
from tellus.ideas.services import IdeaError, idea_merge, idea_respond, idea_set_outcome
from tellus.people.http import MemberRequest
from tellus.publishing.models import State

PERMISSION = "ideas.respond"
PAGE_SIZE = 30


def _idea(request: MemberRequest, idea_id: int) -> Idea:
    idea = queries.get_idea_for(request.user, idea_id, action="respond")
    if idea is None:
        raise Http404
    return idea


@staff_page(PERMISSION)
def ideas(request: MemberRequest) -> HttpResponse:
    filters = queries.StaffFilters(
        status=request.GET.get("status", "")[:20],
        state=request.GET.get("state", "")[:20],
        q=request.GET.get("q", "")[:100],
    )
    page = Paginator(queries.ideas_for_staff(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: str(v)[:100] for k, v in request.GET.items() if k != "page" and v})
    return render_staff_page(
        request,
        "ideas/staff/ideas.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "statuses": Status.choices,
            "states": State.choices,
        },
    )


def _render_idea(
    request: MemberRequest,
    idea: Idea,
    *,
    response_form: ResponseForm | None = None,
    outcome_form: OutcomeForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_staff_page(
        request,
        "ideas/staff/idea.html",
        {
            "idea": idea,
            "response_form": response_form
            or ResponseForm(
                initial={
                    "status": idea.status if idea.status in Status.values else "",
                    "response": idea.response,
                    "reason": idea.status_reason,
                }
            ),
            "outcome_form": outcome_form
            or OutcomeForm(initial={"outcome": idea.outcome, "url": idea.outcome_url}),
            "merge_form": merge_form or MergeForm(),
            "targets": queries.merge_targets(idea) if idea.status != Status.MERGED else [],
        },
        status=status,
    )


@staff_page(PERMISSION)
def idea(request: MemberRequest, idea_id: int) -> HttpResponse:
    return _render_idea(request, _idea(request, idea_id))


@staff_page(PERMISSION)
@require_POST
@limit_writes
def respond(request: MemberRequest, idea_id: int) -> HttpResponse:
    found = _idea(request, idea_id)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            idea_respond(
                idea=found,
                staff=request.user,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except IdeaError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your answer is published on the idea's page."))
            return redirect("console:idea", found.pk)
    return _render_idea(request, found, response_form=form, status=400)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def outcome(request: MemberRequest, idea_id: int) -> HttpResponse:
    found = _idea(request, idea_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            idea_set_outcome(
                idea=found,
                staff=request.user,
                outcome=form.cleaned_data["outcome"],
                url=form.cleaned_data["url"],
            )
        except IdeaError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The outcome is shown on the idea's page."))
            return redirect("console:idea", found.pk)
    return _render_idea(request, found, outcome_form=form, status=400)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def merge(request: MemberRequest, idea_id: int) -> HttpResponse:
    found = _idea(request, idea_id)
    form = MergeForm(request.POST)
    if form.is_valid():
        target = queries.get_idea_for(request.user, form.cleaned_data["into"], action="respond")
        if target is None:
            form.add_error("into", _("No idea has this number."))
        else:
            try:
                idea_merge(duplicate=found, into=target, staff=request.user)
            except IdeaError as exc:
                form.add_error("into", exc.message)
            else:
                messages.success(
                    request,
                    _("Merged into “%(title)s”; its endorsements moved there.")
                    % {"title": target.title},
                )
                return redirect("console:idea", target.pk)
    return _render_idea(request, found, merge_form=form, status=400)
