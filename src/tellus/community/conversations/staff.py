"""The conversations' staff pages in the console: the inbox and saved replies."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tellus.community.conversations import staff_views
from tellus.console.sections import NavEntry, register

register(
    urlpatterns=[
        path("conversations/", staff_views.inbox, name="conversations"),
        path("conversations/<int:conversation_id>/", staff_views.conversation, name="conversation"),
        path(
            "conversations/<int:conversation_id>/answer/",
            staff_views.answer,
            name="conversation_answer",
        ),
        path(
            "conversations/<int:conversation_id>/status/",
            staff_views.set_status,
            name="conversation_status",
        ),
        path(
            "conversations/<int:conversation_id>/assign/",
            staff_views.assign,
            name="conversation_assign",
        ),
        path(
            "conversations/<int:conversation_id>/faq/",
            staff_views.make_faq,
            name="conversation_faq",
        ),
        path("conversations/replies/", staff_views.saved_replies, name="saved_replies"),
        path("conversations/replies/<int:reply_id>/", staff_views.saved_reply, name="saved_reply"),
    ],
    navigation=[NavEntry("console:conversations", "conversations.answer", _("Conversations"), 45)],
)
