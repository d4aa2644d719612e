"""Only the Catalogi API routes: the urlconf its contract (openapi/catalogi.yaml) is generated from."""

from django.urls import include, path

urlpatterns = [path("catalogi/api/v1/", include("components.cases.catalogi.api.urls"))]
