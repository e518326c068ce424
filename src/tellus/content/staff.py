"""The content hub's staff pages in the console: rights requests and campaigns."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tellus.console.sections import NavEntry, register
from tellus.content import staff_views

register(
    urlpatterns=[
        path("rights/", staff_views.rights, name="rights"),
        path("rights/find/", staff_views.rights_find, name="rights_find"),
        path("rights/items/<int:item_id>/", staff_views.rights_item, name="rights_item"),
        path("campaigns/", staff_views.campaigns, name="campaigns"),
        path("campaigns/find/", staff_views.campaigns_find, name="campaigns_find"),
        path("campaigns/items/<int:item_id>/", staff_views.campaign_item, name="campaign_item"),
        path(
            "campaigns/picks/<int:pick_id>/download/",
            staff_views.campaign_download,
            name="campaign_download",
        ),
    ],
    navigation=[
        NavEntry("console:rights", "content.request_rights", _("Rights requests"), 40),
        NavEntry("console:campaigns", "content.pick_for_campaign", _("Campaigns"), 50),
    ],
)
