from django.urls import path

from tellus.console import sections, views

app_name = "console"
# The console's own pages, then each app's (its staff.py, see sections.py).
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
    *sections.urlpatterns(),
]
