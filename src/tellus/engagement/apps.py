from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "tellus.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from tellus.engagement import personal_data  # noqa: F401 (registers the archive parts)
        from tellus.engagement.attribution import record_signup

        # allauth's own hook for a new account: the one place a sign-up becomes an event.
        user_signed_up.connect(record_signup, dispatch_uid="tellus-record-signup")
