from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "tellus.publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from tellus.people.roles import ADMIN, MODERATOR, grant_to_role
        from tellus.publishing import personal_data  # noqa: F401 (registers archive parts)
        from tellus.publishing.comments import personal_data as comment_data  # noqa: F401
        from tellus.publishing.comments.subjects import register_comments

        register_comments()

        grant_to_role(MODERATOR, "publishing.moderate")
        grant_to_role(ADMIN, "publishing.moderate")
