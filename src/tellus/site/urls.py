from django.urls import path

from tellus.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots, name="robots"),
]
