"""URL map of the authorizations component."""

from django.contrib import admin
from django.urls import include, path

from components.kernel import health

from .internal import IntrospectView

handler400 = "components.kernel.api.exceptions.handler400"
handler403 = "components.kernel.api.exceptions.handler403"
handler404 = "components.kernel.api.exceptions.handler404"
handler500 = "components.kernel.api.exceptions.handler500"

urlpatterns = [
    path("autorisaties/api/v1/", include("components.authorizations.api.urls")),
    path("autorisaties/internal/v1/introspect", IntrospectView.as_view(), name="introspect"),
    path("admin/", admin.site.urls),
    path("", include(health)),
]
