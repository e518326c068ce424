from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from tellus.people.models import ApiToken, Consent, ConsentPurpose, Person
from tellus.people.queries import subject_label, token_digest

PROFILE_FIELDS = ("display_name", "home_country", "preferred_language", "avatar")


def person_update_profile(*, person: Person, **fields: Any) -> Person:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["password", "email"])
    person.save(update_fields=[*fields])
    return person


def consent_grant(
    *,
    person: Person,
    purpose: str,
    subject: object | None = None,
    source: str = "form",
    recorded_by: Person | None = None,
) -> Consent:
    """Record that ``person`` allows ``purpose``; granting an active grant again changes nothing."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    subject_type, subject_id = subject_label(subject)
    lookup = {
        "person": person,
        "purpose": purpose,
        "subject_type": subject_type,
        "subject_id": subject_id,
    }
    existing = Consent.objects.active().filter(**lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Consent.objects.create(
                person=person,
                purpose=purpose,
                subject_type=subject_type,
                subject_id=subject_id,
                source=source,
                recorded_by=recorded_by,
            )
    except IntegrityError:  # a concurrent grant won the race: it is the same grant
        return Consent.objects.active().get(**lookup)


def consent_withdraw(
    *,
    person: Person,
    purpose: str,
    subject: object | None = None,
    every_subject_of_type: str = "",
) -> int:
    """Stamp the active grant as withdrawn; returns how many grants were withdrawn.

    The one way a grant ends (a member's choice, a rights change, erasure):
    rows are stamped, never deleted, so the history stays. With
    ``every_subject_of_type`` (a model label) it withdraws the person's grant
    of ``purpose`` for every subject of that type at once, as erasure does.
    """
    if every_subject_of_type:
        grants = Consent.objects.active().about(every_subject_of_type)
    else:
        grants = Consent.objects.active().about(*subject_label(subject))
    return grants.filter(person=person, purpose=purpose).update(withdrawn_at=timezone.now())


def consent_set_personal(*, person: Person, purposes: set[str], source: str = "form") -> None:
    """Make the person-level grants (no subject) exactly ``purposes``."""
    with transaction.atomic():
        current = set(
            Consent.objects.active()
            .about("", 0)
            .filter(person=person)
            .values_list("purpose", flat=True)
        )
        for purpose in purposes - current:
            consent_grant(person=person, purpose=purpose, source=source)
        for purpose in current - purposes:
            consent_withdraw(person=person, purpose=purpose)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


TOKEN_PREFIX = "tls_"  # noqa: S105 (a public prefix, not a secret)


def api_token_create(*, person: Person, name: str) -> NewToken:
    name = name.strip()[:80] or gettext("API token")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person, name=name, prefix=secret[:12], digest=token_digest(secret)
    )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
