from django.urls import path

from tellus.community.polls import views

app_name = "polls"
urlpatterns = [
    path("polls/", views.polls, name="polls"),
    path("polls/initiative/<slug:slug>/", views.for_initiative, name="for_initiative"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/share/", views.share, name="share"),
]
