from django.urls import path

from tellus.publishing import views

app_name = "publishing"
urlpatterns = [
    path("s/<str:code>", views.share_link, name="share_link"),
]
