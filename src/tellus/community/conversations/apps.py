from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "tellus.community.conversations"
    label = "conversations"
    verbose_name = _("Ask the destination")

    def ready(self) -> None:
        from tellus.community.conversations import personal_data  # noqa: F401 (archive parts)
        from tellus.community.conversations.subjects import register_faq
        from tellus.people.roles import ADMIN, MARKETER, MODERATOR, grant_to_role

        register_faq()
        for role in (MODERATOR, MARKETER, ADMIN):
            grant_to_role(role, "conversations.answer")
