"""Polls' staff pages in the console."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tellus.community.polls import staff_views
from tellus.console.sections import NavEntry, register

register(
    urlpatterns=[
        path("polls/", staff_views.polls, name="polls"),
        path("polls/new/", staff_views.new_poll, name="poll_new"),
        path("polls/<int:poll_id>/", staff_views.poll, name="poll"),
        path("polls/<int:poll_id>/close/", staff_views.close, name="poll_close"),
        path("polls/<int:poll_id>/results.csv", staff_views.export, name="poll_export"),
    ],
    navigation=[NavEntry("console:polls", "polls.manage", _("Polls"), 57)],
)
