from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "tellus.site"
    label = "tellus_site"
    verbose_name = _("Public site")
