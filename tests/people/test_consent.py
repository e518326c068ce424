from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tellus.engagement.models import Initiative
from tellus.people.models import Consent
from tellus.people.queries import has_consent
from tellus.people.services import consent_grant, consent_set_personal, consent_withdraw
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_grant_then_withdraw_keeps_the_history(member):
    subject = InitiativeFactory()
    consent_grant(person=member, purpose="website", subject=subject)
    assert has_consent(member, "website", subject)
    assert not has_consent(member, "print", subject)

    assert consent_withdraw(person=member, purpose="website", subject=subject) == 1
    assert not has_consent(member, "website", subject)

    consent_grant(person=member, purpose="website", subject=subject)
    rows = list(Consent.objects.filter(person=member).order_by("pk"))
    assert len(rows) == 2, "a new grant is a new row; the withdrawn one stays"
    assert rows[0].withdrawn_at is not None and rows[1].withdrawn_at is None
    assert rows[0].subject_type == "engagement.initiative"


def test_granting_twice_is_one_grant(member):
    first = consent_grant(person=member, purpose="marketing")
    second = consent_grant(person=member, purpose="marketing")
    assert first.pk == second.pk
    assert Consent.objects.filter(person=member).count() == 1


def test_the_database_refuses_two_active_grants(member):
    consent_grant(person=member, purpose="marketing")
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(person=member, purpose="marketing")


def test_consent_is_per_person_and_subject(member, other_member):
    first, second = InitiativeFactory(), InitiativeFactory()
    consent_grant(person=member, purpose="social", subject=first)
    assert not has_consent(other_member, "social", first)
    assert not has_consent(member, "social", second)
    assert not has_consent(member, "social")


def test_unknown_purpose_is_refused(member):
    with pytest.raises(ValueError, match="Unknown consent purpose"):
        consent_grant(person=member, purpose="sell-to-third-parties")
    with pytest.raises(ValueError):
        has_consent(member, "nope")


def test_set_personal_consents_withdraws_what_is_unticked(member):
    consent_set_personal(person=member, purposes={"marketing"})
    assert has_consent(member, "marketing")
    consent_set_personal(person=member, purposes=set())
    assert not has_consent(member, "marketing")
    assert Consent.objects.filter(person=member, withdrawn_at__isnull=False).count() == 1
    assert Initiative.objects.count() == 0
