"""URL map of the notifications component."""

from django.contrib import admin
from django.urls import include, path

from components.kernel import health

handler400 = "components.kernel.api.exceptions.handler400"
handler403 = "components.kernel.api.exceptions.handler403"
handler404 = "components.kernel.api.exceptions.handler404"
handler500 = "components.kernel.api.exceptions.handler500"

urlpatterns = [
    path("notificaties/api/v1/", include("components.notifications.api.urls")),
    path("admin/", admin.site.urls),
    # The applicatie cache's subscription to `autorisaties` (register_kanalen subscribes it).
    path("", include("components.kernel.api.webhooks")),
    path("", include(health)),
]
