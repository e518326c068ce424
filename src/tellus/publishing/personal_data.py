"""What the shared blocks hold of a person, for their archive and erasure.

Shares keep their counts and reports their reasons after erasure, without
saying whose they were.
"""

from __future__ import annotations

from typing import Any

from tellus.people.models import Person
from tellus.people.privacy import register_personal_data
from tellus.publishing.models import Report, Share


def _export_shares(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "subject_type": s.subject_type,
            "item": s.subject_id,
            "channel": s.channel,
            "created_at": s.created_at.isoformat(),
            "clicks": s.click_count,
        }
        for s in Share.objects.filter(sharer=person).order_by("pk")
    ]


def _export_reports(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "subject_type": r.subject_type,
            "subject_id": r.subject_id,
            "reason": r.reason,
            "details": r.details,
            "created_at": r.created_at.isoformat(),
        }
        for r in Report.objects.filter(reporter=person).order_by("pk")
    ]


def _erase(person: Person, keep_contributions: bool) -> None:
    Report.objects.filter(reporter=person).update(reporter=None, details="")
    Share.objects.filter(sharer=person).update(sharer=None)


register_personal_data("shares", export=_export_shares, erase=_erase)
register_personal_data("reports", export=_export_reports)
