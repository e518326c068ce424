from __future__ import annotations

from django.http import HttpRequest

from tellus.people.models import Person


class MemberRequest(HttpRequest):
    """A request behind ``login_required``: its user is a person, never anonymous."""

    user: Person
