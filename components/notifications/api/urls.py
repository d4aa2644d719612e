"""URLs of the Notificaties API under `/notificaties/api/v1/`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .viewsets import AbonnementViewSet, DeliveryViewSet, KanaalViewSet, NotificatieViewSet

router = DefaultRouter(trailing_slash=False)
router.include_root_view = False
router.register("kanaal", KanaalViewSet)
router.register("abonnement", AbonnementViewSet)
router.register("notificaties", NotificatieViewSet, basename="notificaties")
router.register("deliveries", DeliveryViewSet, basename="delivery")

urlpatterns = [
    path("schema/openapi.yaml", SpectacularAPIView.as_view(), name="schema"),
    path("schema/", SpectacularSwaggerView.as_view(url_name="schema"), name="schema-swagger-ui"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="schema-redoc"),
    path("", include(router.urls)),
]
