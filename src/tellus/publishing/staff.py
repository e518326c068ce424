"""The moderation queue's place in the console."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tellus.console.sections import NavEntry, register
from tellus.publishing import staff_views

register(
    urlpatterns=[
        path("moderation/", staff_views.moderation, name="moderation"),
        path(
            "moderation/<int:subject_id>/",
            staff_views.moderation_item_by_id,
            name="moderation_item_by_id",
        ),
        path(
            "moderation/<slug:kind>/<int:subject_id>/",
            staff_views.moderation_item,
            name="moderation_item",
        ),
        path(
            "moderation/<slug:kind>/<int:subject_id>/decide/",
            staff_views.moderate,
            name="moderate",
        ),
    ],
    navigation=[NavEntry("console:moderation", "publishing.moderate", _("Moderation"), 30)],
)
