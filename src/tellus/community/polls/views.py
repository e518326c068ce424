"""The public pages of polls: the list, one poll (its ballot and results), and sharing it.

Views parse, fetch through :func:`tellus.community.polls.queries.get_poll_for`,
call a service and render. A refused vote re-renders the poll with its reason
in an alert the screen reader announces, with status 400 or 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.community.polls import queries
from tellus.community.polls.forms import BallotForm
from tellus.community.polls.models import Poll
from tellus.community.polls.services import PollError, poll_vote
from tellus.core.ratelimits import limit_writes
from tellus.publishing.models import Share
from tellus.publishing.views import share_page

CONFLICTS = {"closed", "not_open"}


def polls(request: HttpRequest) -> HttpResponse:
    """Open polls, closing soonest first, then the latest closed ones with their results."""
    now = timezone.now()
    opened = list(queries.open_polls(now=now)[:50])
    closed = list(queries.closed_polls(now=now).prefetch_related("options")[: queries.CLOSED_PAGE])
    chosen = queries.chosen_by(request.user, opened + closed)
    results = queries.results_by_poll(closed)
    for poll in opened + closed:
        poll.my_choices = chosen.get(poll.pk, set())  # type: ignore[attr-defined]
        poll.results = results.get(poll.pk, [])  # type: ignore[attr-defined]
    return render(request, "polls/polls.html", {"open_polls": opened, "closed_polls": closed})


def for_initiative(request: HttpRequest, slug: str) -> HttpResponse:
    """Where an initiative's card leads: its open poll, else every poll."""
    found = queries.open_poll_of(slug)
    if found is None:
        return redirect("polls:polls")
    return redirect("polls:poll", found.pk)


def _render_poll(
    request: HttpRequest, poll: Poll, *, form: BallotForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    chosen = queries.chosen_by(request.user, [poll]).get(poll.pk, set())
    visible = queries.results_visible(poll, voted=bool(chosen), person=request.user, now=now)
    if form is None:
        initial: list[int] | int | None = sorted(chosen)
        if poll.kind == Poll.Kind.SINGLE:
            initial = min(chosen) if chosen else None
        form = BallotForm(poll=poll, initial={"options": initial})
    return render(
        request,
        "polls/poll.html",
        {
            "poll": poll,
            "form": form,
            "chosen": chosen,
            "is_open": poll.is_open_at(now),
            "results": queries.results_by_poll([poll])[poll.pk] if visible else None,
            "channels": Share.Channel.choices,
        },
        status=status,
    )


def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = queries.get_poll_for(request.user, poll_id, action="view")
    if poll is None:
        raise Http404
    return _render_poll(request, poll)


@require_POST
@limit_writes
def vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("polls:poll", args=[poll_id]))
    poll = queries.get_poll_for(request.user, poll_id, action="vote")
    if poll is None:
        raise Http404
    form = BallotForm(request.POST, poll=poll)
    if not form.is_valid():
        return _render_poll(request, poll, form=form, status=400)
    try:
        _vote, outcome = poll_vote(poll=poll, member=request.user, option_ids=form.option_ids())
    except PollError as exc:
        form.add_error("options" if exc.field == "options" else None, exc.message)
        return _render_poll(request, poll, form=form, status=409 if exc.code in CONFLICTS else 400)
    messages.success(
        request,
        {
            "created": _("Thank you: your vote is counted."),
            "changed": _("Your vote is changed."),
            "unchanged": _("Your vote is the same as before."),
        }[outcome],
    )
    return redirect("polls:poll", poll.pk)


@require_POST
@limit_writes
def share(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = queries.get_poll_for(request.user, poll_id, action="share")
    if poll is None:
        raise Http404
    return share_page(request, poll, text=poll.question)
