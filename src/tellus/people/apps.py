from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tellus.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tellus.people.roles import sync_staff_roles_after_migrate

        # Roles need the permissions Django creates after migrating each app, so
        # they are synced after every app (idempotent and cheap).
        post_migrate.connect(sync_staff_roles_after_migrate)
