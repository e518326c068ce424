from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "tellus.content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from tellus.content import personal_data  # noqa: F401 (registers archive parts)
        from tellus.content.subjects import register_content
        from tellus.people.roles import ADMIN, MARKETER, MODERATOR, grant_to_role

        register_content()
        grant_to_role(MODERATOR, "content.view_contentitem")
        grant_to_role(
            MARKETER,
            "content.request_rights",
            "content.pick_for_campaign",
            "content.view_contentitem",
        )
        grant_to_role(
            ADMIN,
            "content.request_rights",
            "content.pick_for_campaign",
            "content.view_contentitem",
        )
