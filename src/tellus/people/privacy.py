"""A member's right to their data: export everything, erase their account.

``people`` knows no app above it, so each app that holds personal data
registers what it exports and how it erases (in its AppConfig.ready); the
two services here walk the registry inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.people.models import ApiToken, Consent, ConsentPurpose, Person, PrivacyRequest
from tellus.people.services import consent_withdraw

Exporter = Callable[[Person], Any]
Eraser = Callable[[Person, bool], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    erase: Eraser | None


_SECTIONS: dict[str, Section] = {}


def register_personal_data(name: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    """Declare a part of the archive (and how to erase it); called from an app's ready()."""
    _SECTIONS[name] = Section(name=name, export=export, erase=erase)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def _export_profile(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "email": person.email,
        "display_name": person.display_name,
        "home_country": person.home_country.code or None,
        "preferred_language": person.preferred_language,
        "avatar": person.avatar.name if person.avatar else None,
        "date_joined": _iso(person.date_joined),
        "last_login": _iso(person.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=person).order_by("pk")
        ],
        "two_factor": [a.type for a in Authenticator.objects.filter(user=person)],
        "roles": [g.name for g in person.groups.all()],
    }


def _export_consents(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "subject_type": c.subject_type or None,
            "subject_id": c.subject_id or None,
            "granted_at": _iso(c.granted_at),
            "withdrawn_at": _iso(c.withdrawn_at),
            "source": c.source,
        }
        for c in Consent.objects.filter(person=person).order_by("granted_at", "pk")
    ]


def _export_tokens(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": _iso(t.created_at),
            "last_used_at": _iso(t.last_used_at),
            "revoked_at": _iso(t.revoked_at),
        }
        for t in ApiToken.objects.filter(person=person).order_by("pk")
    ]


register_personal_data("profile", export=_export_profile)
register_personal_data("consents", export=_export_consents)
register_personal_data("api_tokens", export=_export_tokens)


def person_export(*, person: Person, requested_by: Person | None = None) -> dict[str, Any]:
    """Everything the platform holds about ``person``, as JSON-ready data."""
    archive: dict[str, Any] = {
        "format": "tellus-personal-data/1",
        "exported_at": timezone.now().isoformat(),
    }
    for name, section in _SECTIONS.items():
        archive[name] = section.export(person)
    PrivacyRequest.objects.create(
        person_id_at_request=person.pk,
        kind=PrivacyRequest.Kind.EXPORT,
        requested_by=requested_by or person,
    )
    return archive


class ErasureRefused(PermissionError):
    """An erasure the service will not do, with a message for the person who asked."""


def person_erase(
    *, person: Person, keep_consented_contributions: bool = True, requested_by: Person | None = None
) -> Person:
    """Remove the person's personal data; keep their public contributions only where consented.

    The account row stays, emptied and unusable, so that the engagement log
    keeps its counts without saying whose they were. Contributions they had
    allowed to be shown stay, shown as anonymous, unless they ask for removal.

    ``requested_by`` is the staff member handling the person's request (None
    when people erase their own account). Staff cannot handle their own: they
    erase it from their account page, which asks for the confirmation word and
    ends their session, rather than by a click in the console.
    """
    if requested_by is not None and requested_by.pk == person.pk:
        raise ErasureRefused(_("Erase your own account from your account page."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.erased_at:
            return person
        for section in _SECTIONS.values():
            if section.erase is not None:
                section.erase(person, keep_consented_contributions)
        if person.avatar:
            person.avatar.delete(save=False)
        EmailAddress.objects.filter(user=person).delete()
        Authenticator.objects.filter(user=person).delete()
        ApiToken.objects.filter(person=person).delete()
        for purpose in ConsentPurpose.values:
            consent_withdraw(person=person, purpose=purpose)
        person.email = f"erased-{person.pk}@erased.invalid"
        person.display_name = ""
        person.home_country = ""
        person.preferred_language = ""
        person.avatar = ""
        person.is_active = False
        person.is_staff = False
        person.is_superuser = False
        person.erased_at = timezone.now()
        # A new password hash also ends every open session of theirs.
        person.set_unusable_password()
        person.save()
        person.groups.clear()
        person.user_permissions.clear()
        PrivacyRequest.objects.create(
            person_id_at_request=person.pk,
            kind=PrivacyRequest.Kind.ERASURE,
            requested_by=requested_by,
            note="contributions kept anonymously where consented"
            if keep_consented_contributions
            else "contributions removed",
        )
    return person
