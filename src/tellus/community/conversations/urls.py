from django.urls import path

from tellus.community.conversations import views

app_name = "conversations"
urlpatterns = [
    path("questions/ask/", views.ask, name="ask"),
    path("questions/faq/", views.faq, name="faq"),
    path("questions/faq/<int:entry_id>/", views.faq_entry, name="faq_entry"),
    path("questions/faq/<int:entry_id>/share/", views.faq_share, name="faq_share"),
    path("questions/faq/<int:entry_id>/report/", views.faq_report, name="faq_report"),
    path("questions/<int:conversation_id>/", views.conversation, name="conversation"),
    path("questions/link/<str:token>/", views.by_link, name="by_link"),
    path("my/questions/", views.mine, name="mine"),
]
