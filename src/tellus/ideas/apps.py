from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "tellus.ideas"
    verbose_name = _("Idea board")

    def ready(self) -> None:
        from tellus.ideas import personal_data  # noqa: F401 (registers archive parts)
        from tellus.ideas.subjects import register_ideas
        from tellus.people.roles import ADMIN, MARKETER, MODERATOR, grant_to_role

        register_ideas()
        grant_to_role(MARKETER, "ideas.respond")
        grant_to_role(ADMIN, "ideas.respond")
        grant_to_role(MODERATOR, "ideas.view_idea")
