from django.urls import path

from tellus.content import views

app_name = "content"
urlpatterns = [
    path("gallery/", views.gallery, name="gallery"),
    path("map/", views.map_page, name="map"),
    path("content/<int:item_id>/", views.item_detail, name="item"),
    path("content/<int:item_id>/report/", views.report, name="report"),
    path("content/<int:item_id>/share/", views.share, name="share"),
    path("contributors/<int:person_id>/", views.contributor, name="contributor"),
    path("share/", views.share_media, name="share_media"),
    path("write/", views.write, name="write"),
    path("my/content/", views.mine, name="mine"),
    path("my/content/<int:item_id>/edit/", views.edit, name="edit"),
    path("my/content/<int:item_id>/delete/", views.delete, name="delete"),
    path("my/rights/<int:request_id>/", views.answer_rights_request, name="answer_rights"),
]
