from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from tellus.api.main import api
from tellus.core import views as core_views
from tellus.core.media import serve_media

urlpatterns = [
    path("", include("tellus.site.urls")),
    path("", include("tellus.content.urls")),
    path("", include("tellus.ideas.urls")),
    path("", include("tellus.community.conversations.urls")),
    path("", include("tellus.community.polls.urls")),
    path("", include("tellus.publishing.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("brand.css", core_views.brand_css, name="brand_css"),
    path("map/basemap.geojson", core_views.basemap, name="basemap"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("tellus.people.urls")),
    path("console/", include("tellus.console.urls")),
    path("django-admin/", admin.site.urls),
    path("api/", api.urls),
    path("widgets/", include("tellus.widgets.urls")),
]

if settings.TELLUS_SERVE_MEDIA:
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media"))

handler403 = "tellus.core.views.forbidden"
handler404 = "tellus.core.views.not_found"
handler500 = "tellus.core.views.server_error"
