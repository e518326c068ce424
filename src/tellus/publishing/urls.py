from django.urls import path

from tellus.publishing import views
from tellus.publishing.comments import views as comment_views

app_name = "publishing"
urlpatterns = [
    path("s/<str:code>", views.share_link, name="share_link"),
    path("comments/<int:comment_id>/", comment_views.comment_link, name="comment"),
    path("comments/<int:comment_id>/edit/", comment_views.comment_edit_page, name="comment_edit"),
    path(
        "comments/<int:comment_id>/delete/",
        comment_views.comment_delete_page,
        name="comment_delete",
    ),
    path("comments/<int:comment_id>/report/", comment_views.comment_report, name="comment_report"),
    path(
        "comments/on/<slug:kind>/<int:subject_id>/",
        comment_views.comment_create,
        name="comment_create",
    ),
    path("reactions/<slug:kind>/<int:subject_id>/", comment_views.reaction, name="reaction"),
]
