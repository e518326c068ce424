from __future__ import annotations

import hashlib

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from tellus.people.models import ApiToken, Consent, ConsentPurpose, Person


def subject_label(subject: object | None) -> tuple[str, int]:
    """How a consent names its subject: the model's label and primary key."""
    if subject is None:
        return "", 0
    meta = subject._meta  # type: ignore[attr-defined]
    return meta.label_lower, subject.pk  # type: ignore[attr-defined]


def is_active_member(person: object | None) -> bool:
    """Whether ``person`` is a logged-in, active account: who may write or own anything.

    Takes what a request holds as its user (a person or an anonymous user) or None.
    """
    return (
        person is not None
        and bool(getattr(person, "is_authenticated", False))
        and bool(getattr(person, "is_active", False))
    )


def has_consent(person: Person, purpose: str, subject: object | None = None) -> bool:
    """Whether ``person`` allows ``purpose`` for ``subject`` (or for themselves) right now."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    return (
        Consent.objects.active()
        .about(*subject_label(subject))
        .filter(person=person, purpose=purpose)
        .exists()
    )


def consent_exists(purpose: str, subject_type: str, person_field: str = "contributor_id") -> Exists:
    """An EXISTS expression for querysets: the row's owner allows ``purpose`` for the row.

    Public surfaces filter with it so that consent is applied in the same query.
    """
    return Exists(
        Consent.objects.active().filter(
            person_id=OuterRef(person_field),
            purpose=purpose,
            subject_type=subject_type,
            subject_id=OuterRef("pk"),
        )
    )


def consents_of(person: Person) -> QuerySet[Consent]:
    """Every grant the person has given, newest first: the history they can read."""
    return Consent.objects.filter(person=person).order_by("-granted_at", "-pk")


def active_personal_consents(person: Person) -> set[str]:
    grants = Consent.objects.active().about("", 0).filter(person=person)
    return set(grants.values_list("purpose", flat=True))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def person_for_token(token: str) -> Person | None:
    """The active person holding an unrevoked token, or None. Marks the token used."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    row = (
        ApiToken.objects.select_related("person")
        .filter(digest=token_digest(token), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.person


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person).order_by("-created_at")


def members_for_console(search: str = "") -> QuerySet[Person]:
    """Members for the staff list, newest first, with what staff look at first."""
    from django.db.models import Count

    people = Person.objects.filter(erased_at__isnull=True)
    search = search.strip()[:100]
    if search:
        people = people.filter(email__icontains=search) | people.filter(
            display_name__icontains=search
        )
    return people.annotate(consent_count=Count("consents", distinct=True)).order_by(
        "-date_joined", "-pk"
    )


def staff_members() -> QuerySet[Person]:
    return (
        Person.objects.filter(groups__name__in=["admin", "marketer", "moderator", "analyst"])
        .prefetch_related("groups")
        .distinct()
        .order_by("email")
    )
