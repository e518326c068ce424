from django.urls import path

from tellus.people import views

app_name = "people"
urlpatterns = [
    path("", views.account, name="account"),
    path("consents/", views.consents, name="consents"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
]
