"""Every write of polls: opening one, voting, changing a vote, closing early.

Each vote changes its rows and records ``poll.voted`` in the engagement log
in one transaction, with an idempotency key per member and poll, so that a
changed vote or a retried request counts once. The database's unique
constraint on (poll, member) decides between two votes sent at the same
moment: the one that loses becomes a change of the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tellus.community.polls.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    Choice,
    Kind,
    Option,
    Poll,
    ShowResults,
    Vote,
)
from tellus.engagement import kinds
from tellus.engagement.models import Initiative, JourneyStage
from tellus.engagement.services import record_event
from tellus.people.models import Person
from tellus.publishing.models import State
from tellus.publishing.services import PublishingError

Outcome = Literal["created", "changed", "unchanged"]


class PollError(PublishingError):
    """A request about a poll that is refused, with a message for the person who made it.

    ``code``: ``closed`` and ``not_open`` (the poll's time, a conflict);
    ``no_choice``, ``too_many``, ``wrong_option`` (the ballot);
    ``not_allowed`` (the account); ``invalid`` (a staff form).
    """


@dataclass(frozen=True)
class PollDetails:
    """What staff ask (texts already length- and character-checked by the form)."""

    question: str
    options: Sequence[str]
    closes_at: dt.datetime
    kind: str = Kind.SINGLE
    max_choices: int = 1
    show_results: str = ShowResults.AFTER_VOTE
    description: str = ""
    opens_at: dt.datetime | None = None
    initiative: Initiative | None = None


def _clean_options(options: Iterable[str]) -> list[str]:
    texts = [" ".join(text.split()) for text in options]
    texts = [text for text in texts if text]
    if len(texts) < MIN_OPTIONS or len(texts) > MAX_OPTIONS:
        raise PollError(
            _("A poll has %(min)d to %(max)d options; this one has %(count)d.")
            % {"min": MIN_OPTIONS, "max": MAX_OPTIONS, "count": len(texts)},
            field="options",
        )
    if len({text.casefold() for text in texts}) != len(texts):
        raise PollError(_("Two options say the same thing."), field="options")
    if any(len(text) > 200 for text in texts):
        raise PollError(_("An option has at most 200 characters."), field="options")
    return texts


def poll_open(*, staff: Person, details: PollDetails) -> Poll:
    """Staff open a poll: published at once (staff are trusted), with its options."""
    texts = _clean_options(details.options)
    question = details.question.strip()
    if not question:
        raise PollError(_("Ask a question."), field="question")
    if details.kind not in Kind.values:
        raise PollError(_("Choose one choice or several."), field="kind")
    if details.show_results not in ShowResults.values:
        raise PollError(_("Choose when results are shown."), field="show_results")
    most = 1 if details.kind == Kind.SINGLE else details.max_choices
    if not 1 <= most <= len(texts):
        raise PollError(
            _("At most %(count)d choices: the poll has that many options.") % {"count": len(texts)},
            field="max_choices",
        )
    now = timezone.now()
    opens = details.opens_at or now
    if details.closes_at <= max(opens, now):
        raise PollError(
            _("The poll must close later than it opens, in the future."), field="closes_at"
        )
    with transaction.atomic():
        poll = Poll.objects.create(
            created_by=staff,
            question=question,
            description=details.description.strip(),
            kind=details.kind,
            max_choices=most,
            opens_at=opens,
            closes_at=details.closes_at,
            show_results=details.show_results,
            initiative=details.initiative,
            state=State.PUBLISHED,
            published_at=now,
        )
        Option.objects.bulk_create(
            Option(poll=poll, text=text, position=n) for n, text in enumerate(texts)
        )
    return poll


def poll_close(*, poll: Poll, staff: Person) -> Poll:
    """Close a poll now (its results become public); a closed poll stays closed."""
    now = timezone.now()
    if poll.closes_at <= now:
        raise PollError(_("This poll is already closed."), code="closed")
    Poll.objects.filter(pk=poll.pk).update(
        closes_at=max(now, poll.opens_at + dt.timedelta(seconds=1))
    )
    poll.refresh_from_db()
    return poll


def _check_voter(member: Person | None) -> Person:
    if (
        member is None
        or not member.is_authenticated
        or not member.is_active
        or getattr(member, "erased_at", None)
    ):
        raise PollError(_("Your account cannot vote at the moment."), code="not_allowed")
    return member


def _check_ballot(poll: Poll, option_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(option_ids))
    if not wanted:
        raise PollError(_("Choose an option."), code="no_choice", field="options")
    most = poll.allowed_choices
    if len(wanted) > most:
        raise PollError(
            ngettext("Choose at most %(count)d option.", "Choose at most %(count)d options.", most)
            % {"count": most},
            code="too_many",
            field="options",
        )
    known = set(Option.objects.filter(poll=poll, pk__in=wanted).values_list("pk", flat=True))
    if known != set(wanted):
        raise PollError(
            _("Choose among this poll's options."), code="wrong_option", field="options"
        )
    return wanted


def _check_time(poll: Poll, now: dt.datetime) -> None:
    if now < poll.opens_at:
        raise PollError(_("This poll is not open yet."), code="not_open")
    if now >= poll.closes_at:
        raise PollError(
            _("This poll closed on %(date)s: votes are no longer taken.")
            % {"date": date_format(timezone.localtime(poll.closes_at), "DATETIME_FORMAT")},
            code="closed",
        )


def poll_vote(
    *,
    poll: Poll,
    member: Person,
    option_ids: Iterable[int],
    channel: str = "web",
    now: dt.datetime | None = None,
) -> tuple[Vote, Outcome]:
    """Vote, or change one's vote, until the poll closes; returns the vote and what happened.

    The first vote records ``poll.voted`` once (with the poll's initiative); a
    change replaces the choices and records nothing more.
    """
    member = _check_voter(member)
    if poll.state != State.PUBLISHED:
        raise PollError(_("This poll is not open."), code="not_open")
    _check_time(poll, now or timezone.now())
    wanted = _check_ballot(poll, option_ids)
    with transaction.atomic():
        # The poll row is not locked (every voter of a popular poll would wait for the
        # others): the vote row and its unique constraint decide between two requests.
        try:
            with transaction.atomic():
                vote = Vote.objects.create(poll=poll, member=member)
        except IntegrityError:
            vote = Vote.objects.select_for_update().get(poll=poll, member=member)
            had = set(vote.choices.values_list("option_id", flat=True))
            if had == set(wanted):
                return vote, "unchanged"
            vote.choices.all().delete()
            Choice.objects.bulk_create(
                Choice(vote=vote, option_id=option, poll=poll) for option in wanted
            )
            vote.changed_at = timezone.now()
            vote.save(update_fields=["changed_at"])
            return vote, "changed"
        Choice.objects.bulk_create(
            Choice(vote=vote, option_id=option, poll=poll) for option in wanted
        )
        record_event(
            kind=kinds.POLL_VOTED,
            member=member,
            subject=poll,
            initiative=poll.initiative,
            channel=channel,
            journey_stage=JourneyStage.ADVOCACY,
            idempotency_key=f"poll:{poll.pk}:voted:{member.pk}",
        )
    return vote, "created"
