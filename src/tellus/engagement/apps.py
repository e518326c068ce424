from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "tellus.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from tellus.engagement import personal_data  # noqa: F401 (registers the archive parts)
