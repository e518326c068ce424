"""Every write of comments and reactions: post, edit, delete a comment; add or remove a reaction.

Each takes the subject itself (any registered kind, already fetched through
its public read), checks the writer and the text, writes in one
transaction, and records the act in the engagement log once.

Moderation default: a member's comment is published at once (post-moderation)
when they already have ``trusted_after()`` published comments, and one with a
web address when they have ``links_trusted_after()``; otherwise it waits in
the one moderation queue (pre-moderation). Those who moderate are trusted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.engagement import kinds as event_kinds
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import consent_grant
from tellus.publishing.comments import rules
from tellus.publishing.comments.models import BODY_MAX_LENGTH, Comment, Reaction
from tellus.publishing.comments.text import forbidden_character, has_link, normalise
from tellus.publishing.models import State
from tellus.publishing.services import PublishingError
from tellus.publishing.subjects import kind_of, subject_key


def _check_writer(person: Person | None) -> Person:
    """Only an active member may write; a suspended (inactive) or erased one can read only."""
    if (
        person is None
        or not person.is_authenticated
        or not person.is_active
        or getattr(person, "erased_at", None)
    ):
        raise PublishingError(
            _("Your account cannot write comments or react at the moment."), code="not_allowed"
        )
    return person


def comment_clean_body(body: str) -> str:
    """The text as it will be stored, or a refusal saying what to change."""
    if len(body) > BODY_MAX_LENGTH * 2:  # before any work on a huge text
        raise PublishingError(
            _("A comment has at most %(max)d characters.") % {"max": BODY_MAX_LENGTH},
            code="too_long",
            field="body",
        )
    text = normalise(body)
    if not text:
        raise PublishingError(_("Write your comment first."), code="empty", field="body")
    if len(text) > BODY_MAX_LENGTH:
        raise PublishingError(
            _("A comment has at most %(max)d characters; this one has %(count)d.")
            % {"max": BODY_MAX_LENGTH, "count": len(text)},
            code="too_long",
            field="body",
        )
    char = forbidden_character(text)
    if char is not None:
        raise PublishingError(
            _(
                "Remove the invisible or control character (U+%(code)04X) from your comment: "
                "it could make the text read differently from what it shows."
            )
            % {"code": ord(char)},
            code="characters",
            field="body",
        )
    return text


def _is_moderator(person: Person) -> bool:
    return bool(person.has_perm("publishing.moderate"))


def _first_state(author: Person, text: str) -> str:
    """Published at once for trusted members, else waiting for a moderator."""
    if _is_moderator(author):
        return State.PUBLISHED
    published = Comment.objects.filter(contributor=author, state=State.PUBLISHED).count()
    needed = rules.links_trusted_after() if has_link(text) else rules.trusted_after()
    return State.PUBLISHED if published >= needed else State.PENDING


def _check_flood(author: Person, text: str) -> None:
    since = timezone.now() - dt.timedelta(seconds=60)
    recent = Comment.objects.filter(contributor=author, created_at__gte=since).count()
    if recent >= rules.comments_per_minute():
        raise PublishingError(
            _("You are commenting very fast: wait a minute before the next comment."),
            code="flood",
        )
    last = Comment.objects.filter(contributor=author).order_by("-created_at", "-pk").first()
    if last is not None and last.body == text:
        raise PublishingError(
            _("You have just posted this same comment."), code="duplicate", field="body"
        )


def _reply_target(subject: Any, reply_to: Comment | None) -> Comment | None:
    if reply_to is None:
        return None
    label, pk = subject_key(subject)
    if reply_to.subject_type != label or reply_to.subject_id != pk:
        raise PublishingError(
            _("You can only reply to a comment on the same page."),
            code="reply_to",
            field="reply_to",
        )
    # One level: answering a reply answers the comment it replied to.
    return reply_to.reply_to if reply_to.reply_to_id else reply_to


def comment_post(
    *, author: Person | None, subject: Any, body: str, reply_to: Comment | None = None
) -> Comment:
    """A member comments on a public subject (any registered kind but a comment)."""
    author = _check_writer(author)
    kind_of(subject)  # a registered kind, or a programming error
    if isinstance(subject, Comment):
        raise PublishingError(_("Reply to the comment instead."), code="reply_to")
    text = comment_clean_body(body)
    target = _reply_target(subject, reply_to)
    label, pk = subject_key(subject)
    with transaction.atomic():
        # Serialise one member's posts, so two at the same moment cannot pass the flood rule.
        Person.objects.select_for_update().filter(pk=author.pk).first()
        _check_flood(author, text)
        state = _first_state(author, text)
        now = timezone.now()
        comment = Comment.objects.create(
            subject_type=label,
            subject_id=pk,
            contributor=author,
            body=text,
            reply_to=target,
            state=state,
            created_at=now,
            published_at=now if state == State.PUBLISHED else None,
        )
        # Posting a comment on a public page is agreeing to its being shown there.
        consent_grant(
            person=author, purpose=ConsentPurpose.WEBSITE, subject=comment, source="comment"
        )
        record_event(
            kind=event_kinds.COMMENT_POSTED,
            member=author,
            subject=subject,
            initiative=getattr(subject, "initiative", None),
            idempotency_key=f"comment:{comment.pk}:posted",
        )
    return comment


def comment_can_edit(comment: Comment, person: Any) -> bool:
    """Whether ``person`` may still edit the comment: its author, within the edit window,
    or at any time when a moderator asked for an edit."""
    if person is None or getattr(person, "pk", None) != comment.contributor_id:
        return False
    if comment.state == State.NEEDS_EDIT:
        return True
    return (
        comment.state in {State.PUBLISHED, State.PENDING}
        and timezone.now() - comment.created_at <= rules.edit_window()
    )


def comment_edit(*, comment: Comment, author: Person | None, body: str) -> Comment:
    """The author corrects their comment within the edit window; it is marked as edited."""
    author = _check_writer(author)
    if comment.contributor_id != author.pk:
        raise PublishingError(_("Only its author can edit a comment."), code="not_allowed")
    if not comment_can_edit(comment, author):
        raise PublishingError(
            _("A comment can be edited for %(minutes)d minutes after it is posted.")
            % {"minutes": int(rules.edit_window().total_seconds() // 60)},
            code="edit_window",
        )
    text = comment_clean_body(body)
    if text == comment.body:
        return comment
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.body = text
        comment.edited_at = timezone.now()
        fields = ["body", "edited_at", "updated_at"]
        if comment.state == State.NEEDS_EDIT:
            comment.state = State.PENDING  # edited as asked: back to the moderator
            fields.append("state")
        elif comment.state == State.PUBLISHED and _first_state(author, text) == State.PENDING:
            comment.state = State.PENDING  # a new link from a new member waits again
            fields.append("state")
        comment.save(update_fields=fields)
    return comment


def comment_delete(*, comment: Comment, author: Person | None) -> None:
    """The author deletes their comment; replies to it stay, no longer marked as replies."""
    author = _check_writer(author)
    if comment.contributor_id != author.pk:
        raise PublishingError(_("Only its author can delete a comment."), code="not_allowed")
    with transaction.atomic():
        label, pk = subject_key(comment)
        Reaction.objects.filter(subject_type=label, subject_id=pk).delete()
        comment.delete()


# --- Reactions -----------------------------------------------------------------


def reaction_add(*, member: Person | None, subject: Any, type: str) -> bool:
    """The member reacts to a public subject; returns whether the reaction is new.

    Once per member, subject and type (a database constraint); the engagement
    log records it once ever, even if the member takes it back and reacts again.
    """
    member = _check_writer(member)
    kind = kind_of(subject)
    if type not in Reaction.Type.values:
        raise PublishingError(_("Unknown reaction."), code="unknown_reaction", field="type")
    if getattr(subject, f"{kind.contributor_field}_id", None) == member.pk:
        raise PublishingError(
            _("You cannot react to your own contribution."), code="own_contribution"
        )
    label, pk = subject_key(subject)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reaction.objects.create(subject_type=label, subject_id=pk, member=member, type=type)
        except IntegrityError:
            return False
        record_event(
            kind=event_kinds.REACTION_ADDED,
            member=member,
            subject=subject,
            initiative=getattr(subject, "initiative", None),
            idempotency_key=f"reaction:{kind.slug}:{pk}:{member.pk}:{type}",
        )
    return True


def reaction_remove(*, member: Person | None, subject: Any, type: str) -> bool:
    """The member takes a reaction back; returns whether there was one."""
    member = _check_writer(member)
    if type not in Reaction.Type.values:
        raise PublishingError(_("Unknown reaction."), code="unknown_reaction", field="type")
    label, pk = subject_key(subject)
    deleted, _rows = Reaction.objects.filter(
        subject_type=label, subject_id=pk, member=member, type=type
    ).delete()
    return bool(deleted)


def reaction_toggle(*, member: Person | None, subject: Any, type: str) -> bool:
    """Add the reaction, or take it back if the member had it; returns whether it is on now."""
    member = _check_writer(member)
    label, pk = subject_key(subject)
    if Reaction.objects.filter(
        subject_type=label, subject_id=pk, member=member, type=type
    ).exists():
        reaction_remove(member=member, subject=subject, type=type)
        return False
    reaction_add(member=member, subject=subject, type=type)
    return True
