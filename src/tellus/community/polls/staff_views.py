"""Polls in the console: open a poll, read any poll's results at any time, export them, close early.

Behind ``polls.manage`` (marketers and administrators). Poll answers are
knowledge for the destination, so staff see results before a poll closes,
whatever the public's rule; the CSV holds counts per option, never who voted.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.community.polls import queries
from tellus.community.polls.forms import PollForm
from tellus.community.polls.models import Poll
from tellus.community.polls.services import PollError, poll_close, poll_open
from tellus.console.access import staff_page
from tellus.console.shell import render_staff_page
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest

PERMISSION = "polls.manage"
PAGE_SIZE = 30
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _poll(request: MemberRequest, poll_id: int) -> Poll:
    poll = queries.get_poll_for(request.user, poll_id, action="manage")
    if poll is None:
        raise Http404
    return poll


@staff_page(PERMISSION)
def polls(request: MemberRequest) -> HttpResponse:
    page = Paginator(queries.polls_for_staff(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_staff_page(
        request, "polls/staff/polls.html", {"page": page, "query": "", "now": timezone.now()}
    )


@staff_page(PERMISSION)
@limit_writes
def new_poll(request: MemberRequest) -> HttpResponse:
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = poll_open(staff=request.user, details=form.details())
        except PollError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The poll is open: members can vote now."))
            return redirect("console:poll", poll.pk)
    status = 400 if request.method == "POST" else 200
    return render_staff_page(request, "polls/staff/new.html", {"form": form}, status=status)


@staff_page(PERMISSION)
def poll(request: MemberRequest, poll_id: int) -> HttpResponse:
    found = _poll(request, poll_id)
    return render_staff_page(
        request,
        "polls/staff/poll.html",
        {
            "poll": found,
            "results": queries.results_by_poll([found])[found.pk],
            "chosen": set(),
            "is_open": found.is_open_at(timezone.now()),
        },
    )


@staff_page(PERMISSION)
@require_POST
@limit_writes
def close(request: MemberRequest, poll_id: int) -> HttpResponse:
    found = _poll(request, poll_id)
    try:
        poll_close(poll=found, staff=request.user)
    except PollError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The poll is closed; its results are public."))
    return redirect("console:poll", found.pk)


def _cell(value: object) -> str:
    """A spreadsheet must not read a member-visible text as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


@staff_page(PERMISSION)
def export(request: MemberRequest, poll_id: int) -> HttpResponse:
    found = _poll(request, poll_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{found.pk}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["poll", "question", "closes_at", "voters", "option", "position", "votes", "share_percent"]
    )
    for row in queries.results_by_poll([found])[found.pk]:
        writer.writerow(
            [
                found.pk,
                _cell(found.question),
                found.closes_at.isoformat(),
                getattr(found, "voter_count", 0),
                _cell(row.option.text),
                row.option.position + 1,
                row.votes,
                f"{row.share:.1f}",
            ]
        )
    return response
