"""URLs of the Catalogi API under `/catalogi/api/v1/`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import viewsets

ROUTES = (
    ("catalogussen", viewsets.CatalogusViewSet),
    ("zaaktypen", viewsets.ZaakTypeViewSet),
    ("statustypen", viewsets.StatusTypeViewSet),
    ("roltypen", viewsets.RolTypeViewSet),
    ("resultaattypen", viewsets.ResultaatTypeViewSet),
    ("eigenschappen", viewsets.EigenschapViewSet),
    ("zaakobjecttypen", viewsets.ZaakObjectTypeViewSet),
    ("zaaktype-informatieobjecttypen", viewsets.ZaakTypeInformatieObjectTypeViewSet),
    ("informatieobjecttypen", viewsets.InformatieObjectTypeViewSet),
    ("besluittypen", viewsets.BesluitTypeViewSet),
)

router = DefaultRouter(trailing_slash=False)
router.include_root_view = False
for prefix, viewset in ROUTES:
    router.register(prefix, viewset, basename=viewset.basename)

urlpatterns = [
    path("schema/openapi.yaml", SpectacularAPIView.as_view(), name="catalogi-schema"),
    path("schema/", SpectacularSwaggerView.as_view(url_name="catalogi-schema"), name="catalogi-schema-swagger-ui"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="catalogi-schema"), name="catalogi-schema-redoc"),
    path("", include(router.urls)),
]
