from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "tellus.community.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from tellus.community.polls import personal_data  # noqa: F401 (registers archive parts)
        from tellus.community.polls.subjects import register_polls
        from tellus.people.roles import ADMIN, MARKETER, grant_to_role

        register_polls()
        grant_to_role(MARKETER, "polls.manage")
        grant_to_role(ADMIN, "polls.manage")
