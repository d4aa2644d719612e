from django.urls import include, path
from rest_framework.routers import DefaultRouter

from components.kernel import health

from .testapp.api import DingAuditTrailViewSet, DingViewSet

router = DefaultRouter(trailing_slash=False)
router.register("dingen", DingViewSet)

handler404 = "components.kernel.api.exceptions.handler404"
handler500 = "components.kernel.api.exceptions.handler500"

urlpatterns = [
    path("ding/api/v1/dingen/<uuid:ding_uuid>/audittrail",
         DingAuditTrailViewSet.as_view({"get": "list"}), name="ding-audittrail-list"),
    path("ding/api/v1/dingen/<uuid:ding_uuid>/audittrail/<uuid:uuid>",
         DingAuditTrailViewSet.as_view({"get": "retrieve"}), name="ding-audittrail-detail"),
    path("ding/api/v1/", include(router.urls)),
    path("autorisaties/api/v1/", include("components.authorizations.api.urls")),
    path("", include(health)),
]
