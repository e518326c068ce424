"""Staff roles as groups with permissions: admin, marketer, moderator, analyst.

Each role sees and may do only its own part of the console. Permissions are
named as ``app_label.codename`` strings so that this module imports no app
above ``people``; feature apps add theirs to ROLE_PERMISSIONS in their own
``ready()`` through :func:`grant_to_role`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tellus.people.models import Person

ADMIN, MARKETER, MODERATOR, ANALYST = "admin", "marketer", "moderator", "analyst"
ROLE_LABELS = {
    ADMIN: _("Admin"),
    MARKETER: _("Marketer"),
    MODERATOR: _("Moderator"),
    ANALYST: _("Analyst"),
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    ADMIN: {
        "people.view_console",
        "people.view_member",
        "people.handle_privacy_requests",
        "people.view_apitoken",
        "people.add_apitoken",
        "people.delete_apitoken",
        "core.change_branding",
        "engagement.view_initiative",
        "engagement.add_initiative",
        "engagement.change_initiative",
        "engagement.view_engagement",
        "engagement.score_members",
        "people.assign_roles",
    },
    MARKETER: {
        "people.view_console",
        "engagement.view_initiative",
        "engagement.add_initiative",
        "engagement.change_initiative",
    },
    MODERATOR: {"people.view_console", "people.view_member"},
    ANALYST: {
        "people.view_console",
        "engagement.view_initiative",
        "engagement.view_engagement",
        "engagement.score_members",
    },
}


def grant_to_role(role: str, *permissions: str) -> None:
    ROLE_PERMISSIONS[role].update(permissions)


def sync_staff_roles() -> None:
    """Make each role's group hold exactly its permissions (idempotent)."""
    with transaction.atomic():
        for role, names in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.get_or_create(name=role)
            wanted = []
            for name in sorted(names):
                app_label, codename = name.split(".")
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if permission is not None:
                    wanted.append(permission)
            group.permissions.set(wanted)


def sync_staff_roles_after_migrate(**kwargs: Any) -> None:
    sync_staff_roles()


def roles_of(person: Person) -> list[str]:
    return [g.name for g in person.groups.all() if g.name in ROLE_PERMISSIONS]


class RoleError(ValueError):
    """A role change that is refused, with a message for the person who asked."""


def person_set_roles(
    *, person: Person, roles: list[str], changed_by: Person | None = None
) -> Person:
    """Give a person exactly these staff roles; admins alone reach the Django admin.

    An admin cannot take away their own admin role: the installation could be
    left with nobody able to give it back.
    """
    unknown = set(roles) - set(ROLE_PERMISSIONS)
    if unknown:
        raise RoleError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    if changed_by is not None and changed_by.pk == person.pk and ADMIN not in roles:
        raise RoleError(str(_("You cannot remove your own admin role.")))
    with transaction.atomic():
        groups = list(Group.objects.filter(name__in=roles))
        kept = [g for g in person.groups.all() if g.name not in ROLE_PERMISSIONS]
        person.groups.set(kept + groups)
        person.is_staff = ADMIN in roles or person.is_superuser
        person.save(update_fields=["is_staff"])
    return person
