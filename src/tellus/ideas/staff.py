"""The idea board's staff pages in the console."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tellus.console.sections import NavEntry, register
from tellus.ideas import staff_views

register(
    urlpatterns=[
        path("ideas/", staff_views.ideas, name="ideas"),
        path("ideas/<int:idea_id>/", staff_views.idea, name="idea"),
        path("ideas/<int:idea_id>/respond/", staff_views.respond, name="idea_respond"),
        path("ideas/<int:idea_id>/outcome/", staff_views.outcome, name="idea_outcome"),
        path("ideas/<int:idea_id>/merge/", staff_views.merge, name="idea_merge"),
    ],
    navigation=[NavEntry("console:ideas", "ideas.respond", _("Ideas"), 55)],
)
