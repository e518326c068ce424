from django.urls import path

from tellus.widgets import views

app_name = "widgets"
urlpatterns = [
    path("embed.js", views.asset, {"name": "embed.js"}, name="embed_js"),
    path("embed.css", views.asset, {"name": "embed.css"}, name="embed_css"),
    path("gallery.json", views.gallery_json, name="gallery_json"),
    path("map.json", views.map_json, name="map_json"),
    path("gallery", views.gallery_frame, name="gallery"),
    path("map", views.map_frame, name="map"),
]
