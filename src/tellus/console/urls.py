from django.urls import path

from tellus.console import content_views, views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.members, name="members"),
    path("members/<int:person_id>/", views.member_detail, name="member_detail"),
    path("members/<int:person_id>/export/", views.member_export, name="member_export"),
    path("members/<int:person_id>/erase/", views.member_erase, name="member_erase"),
    path("initiatives/", views.initiatives, name="initiatives"),
    path("initiatives/new/", views.initiative_edit, name="initiative_new"),
    path("initiatives/<int:initiative_id>/", views.initiative_edit, name="initiative_edit"),
    path("engagement/", views.engagement, name="engagement"),
    path("value/", views.value, name="value"),
    path("value/status/", views.value_status, name="value_status"),
    path("value/recompute/", views.value_recompute, name="value_recompute"),
    path("value/figures/", views.value_figures, name="value_figures"),
    path("staff/", views.staff, name="staff"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("destination/", views.destination, name="destination"),
    # The content hub's staff side (content_views.py).
    path("moderation/", content_views.moderation, name="moderation"),
    path("moderation/<int:item_id>/", content_views.moderation_item, name="moderation_item"),
    path("moderation/<int:item_id>/decide/", content_views.moderate, name="moderate"),
    path("rights/", content_views.rights, name="rights"),
    path("rights/find/", content_views.rights_find, name="rights_find"),
    path("rights/items/<int:item_id>/", content_views.rights_item, name="rights_item"),
    path("campaigns/", content_views.campaigns, name="campaigns"),
    path("campaigns/find/", content_views.campaigns_find, name="campaigns_find"),
    path("campaigns/items/<int:item_id>/", content_views.campaign_item, name="campaign_item"),
    path(
        "campaigns/picks/<int:pick_id>/download/",
        content_views.campaign_download,
        name="campaign_download",
    ),
]
