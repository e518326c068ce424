"""The console's own entries in its navigation (its pages are in urls.py)."""

from django.utils.translation import gettext_lazy as _

from tellus.console.sections import NavEntry, register

register(
    navigation=[
        NavEntry("console:dashboard", "people.view_console", _("Overview"), 10),
        NavEntry("console:members", "people.view_member", _("Members"), 20),
        NavEntry("console:initiatives", "engagement.view_initiative", _("Initiatives"), 60),
        NavEntry("console:engagement", "engagement.view_engagement", _("Engagement"), 70),
        NavEntry("console:value", "engagement.view_engagement", _("Engagement value"), 80),
        NavEntry("console:staff", "people.assign_roles", _("Staff roles"), 90),
        NavEntry("console:tokens", "people.add_apitoken", _("API tokens"), 100),
        NavEntry("console:destination", "core.change_branding", _("Destination"), 110),
    ]
)
