"""Reads of polls: lists, one poll's page, results, and who voted what.

Views and the API fetch one poll only through :func:`get_poll_for`. Results
are counted in the database, one grouped query per poll (or per page of
polls), whatever the number of votes; shares are worked out from those counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.utils import timezone

from tellus.community.polls.models import Choice, Option, Poll, ShowResults, Vote
from tellus.people.models import Person
from tellus.people.queries import is_active_member
from tellus.publishing.models import State

SUBJECT_TYPE = "polls.poll"
ACTIONS = ("view", "vote", "share", "report", "manage")
CLOSED_PAGE = 30

Viewer = Person | AnonymousUser | None


def with_voters(polls: QuerySet[Poll]) -> QuerySet[Poll]:
    """Each poll's number of voters, as an annotation of the same query."""
    return polls.annotate(voter_count=Count("votes", distinct=True))


def public_polls() -> QuerySet[Poll]:
    """Published polls that have opened: what visitors and members may see."""
    return (
        Poll.objects.filter(state=State.PUBLISHED, opens_at__lte=timezone.now())
        .select_related("initiative")
        .order_by("-closes_at", "-pk")
    )


def open_polls(*, now: dt.datetime | None = None) -> QuerySet[Poll]:
    """Public polls still taking votes, the one closing soonest first."""
    now = now or timezone.now()
    return with_voters(public_polls().filter(closes_at__gt=now)).order_by("closes_at", "pk")


def closed_polls(*, now: dt.datetime | None = None) -> QuerySet[Poll]:
    """Public polls that closed, the latest first."""
    now = now or timezone.now()
    return with_voters(public_polls().filter(closes_at__lte=now)).order_by("-closes_at", "-pk")


def open_poll_of(initiative_slug: str) -> Poll | None:
    """The initiative's open poll closing soonest, if it has one."""
    return open_polls().filter(initiative__slug=initiative_slug[:80]).first()


def poll_page(poll_id: int) -> Poll | None:
    """One public poll with its number of voters and its options (two queries)."""
    return with_voters(public_polls()).prefetch_related("options").filter(pk=poll_id).first()


def poll_for_staff(poll_id: int) -> Poll | None:
    """A poll in any state, with its voters and options, for those who manage polls."""
    return (
        with_voters(Poll.objects.select_related("initiative", "created_by"))
        .prefetch_related("options")
        .filter(pk=poll_id)
        .first()
    )


def polls_for_staff() -> QuerySet[Poll]:
    return with_voters(Poll.objects.select_related("initiative")).order_by("-opens_at", "-pk")


# --- Votes and results ------------------------------------------------------------


def chosen_by(person: Viewer, polls: Iterable[Poll]) -> dict[int, set[int]]:
    """The options ``person`` chose in each of these polls they voted in (one query)."""
    ids = [poll.pk for poll in polls]
    if not is_active_member(person) or not ids:
        return {}
    rows = Choice.objects.filter(vote__member_id=person.pk, poll_id__in=ids)  # type: ignore[union-attr]
    found: dict[int, set[int]] = defaultdict(set)
    for poll_id, option_id in rows.values_list("poll_id", "option_id"):
        found[poll_id].add(option_id)
    return dict(found)


def results_visible(
    poll: Poll, *, voted: bool, person: Viewer = None, now: dt.datetime | None = None
) -> bool:
    """Whether results may be shown: after closing always; before, to a voter if the poll allows.

    Those who manage polls see results at any time.
    """
    now = now or timezone.now()
    if poll.closes_at <= now or (voted and poll.show_results == ShowResults.AFTER_VOTE):
        return True
    return is_active_member(person) and person.has_perm("polls.manage")  # type: ignore[union-attr]


@dataclass(frozen=True)
class OptionResult:
    option: Option
    votes: int
    share: float  # of voters, 0 to 100 (several choices: the shares add up to more)

    @property
    def percent(self) -> int:
        return round(self.share)


def counts_of(polls: Iterable[Poll]) -> dict[int, int]:
    """Choices per option for these polls, in one grouped query."""
    ids = [poll.pk for poll in polls]
    if not ids:
        return {}
    rows = (
        Choice.objects.filter(poll_id__in=ids)
        .order_by()
        .values("option_id")
        .annotate(n=Count("pk"))
        .values_list("option_id", "n")
    )
    return dict(rows)


def results_of(poll: Poll, counts: dict[int, int]) -> list[OptionResult]:
    """Each option's votes and share of the poll's voters (the poll's options prefetched)."""
    voters = getattr(poll, "voter_count", 0) or 0
    return [
        OptionResult(
            option=option,
            votes=counts.get(option.pk, 0),
            share=(100.0 * counts.get(option.pk, 0) / voters) if voters else 0.0,
        )
        for option in poll.options.all()
    ]


def votes_for_export(poll: Poll) -> QuerySet[Vote]:
    """A poll's votes with their choices, oldest first, without saying whose."""
    return (
        Vote.objects.filter(poll=poll)
        .prefetch_related("choices__option")
        .order_by("created_at", "pk")
    )


# --- Object permissions: the only way views and the API fetch one poll --------------


def get_poll_for(person: Viewer, poll_id: int, *, action: str = "view") -> Poll | None:
    """The poll ``person`` may have for ``action``, or None.

    ``view``, ``share``, ``report``: a public poll (published and opened),
    whoever asks. ``vote``: a public poll, for an active member (whether it
    is still open is the vote service's answer, with its reason).
    ``manage``: any poll, for those with ``polls.manage``.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if action == "manage":
        if is_active_member(person) and person.has_perm("polls.manage"):  # type: ignore[union-attr]
            return poll_for_staff(poll_id)
        return None
    if action == "vote" and not is_active_member(person):
        return None
    return poll_page(poll_id)


def results_by_poll(polls: list[Poll]) -> dict[int, list[OptionResult]]:
    """Results for a page of polls (their options prefetched), one grouped query in all."""
    counts = counts_of(polls)
    return {poll.pk: results_of(poll, counts) for poll in polls}
