"""URL map of the cases component."""

from django.contrib import admin
from django.urls import include, path

from components.kernel import health

handler400 = "components.kernel.api.exceptions.handler400"
handler403 = "components.kernel.api.exceptions.handler403"
handler404 = "components.kernel.api.exceptions.handler404"
handler500 = "components.kernel.api.exceptions.handler500"

urlpatterns = [
    path("catalogi/api/v1/", include("components.cases.catalogi.api.urls")),
    path("admin/", admin.site.urls),
    path("", include(health)),
]
