from django.urls import path

from tellus.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.board, name="board"),
    path("ideas/new/", views.propose, name="propose"),
    path("ideas/similar/", views.similar, name="similar"),
    path("ideas/<int:idea_id>/", views.idea_detail, name="idea"),
    path("ideas/<int:idea_id>/endorsement/", views.endorse, name="endorse"),
    path("ideas/<int:idea_id>/report/", views.report, name="report"),
    path("ideas/<int:idea_id>/share/", views.share, name="share"),
    path("my/ideas/", views.mine, name="mine"),
]
