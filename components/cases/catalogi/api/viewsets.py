"""The ten Catalogi resources: thin viewsets over the write services in `../services.py` and the
read querysets in `selectors.py`."""

import uuid as uuid_lib

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from components.kernel.api.caching import ETagMixin

from .. import services
from ..models import (
    BesluitType,
    Catalogus,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakObjectType,
    ZaakType,
    ZaakTypeInformatieObjectType,
)
from . import expand as expansion
from . import filters, selectors, serializers
from .permissions import CatalogiScopes
from .renderers import CatalogiJSONRenderer
from .representation import read_context
from .scopes import (
    SCOPE_CATALOGI_FORCED_DELETE,
    SCOPE_CATALOGI_FORCED_WRITE,
    SCOPE_CATALOGI_LEZEN,
    SCOPE_CATALOGI_SCHRIJVEN,
)

EXPAND_PARAMETER = OpenApiParameter(
    "expand", OpenApiTypes.STR, description="Haal details van gelinkte resources direct op. Als je meerdere "
    "resources tegelijk wilt ophalen kun je deze scheiden met een komma. Voor het ophalen van resources die "
    "een laag dieper genest zijn wordt de punt-notatie gebruikt.")

REQUIRED_SCOPES = {
    "list": SCOPE_CATALOGI_LEZEN,
    "retrieve": SCOPE_CATALOGI_LEZEN,
    "create": SCOPE_CATALOGI_SCHRIJVEN | SCOPE_CATALOGI_FORCED_WRITE,
    "update": SCOPE_CATALOGI_SCHRIJVEN | SCOPE_CATALOGI_FORCED_WRITE,
    "partial_update": SCOPE_CATALOGI_SCHRIJVEN | SCOPE_CATALOGI_FORCED_WRITE,
    "destroy": SCOPE_CATALOGI_SCHRIJVEN | SCOPE_CATALOGI_FORCED_DELETE,
    "publish": SCOPE_CATALOGI_SCHRIJVEN,
}


def documented(name: str, plural: str, *, publishable: bool = False, deletable: bool = True):
    """The standard's summaries, and `expand` on list and retrieve."""
    upper = name.upper()
    views = {
        "list": extend_schema(summary=f"Alle {plural.upper()} opvragen.", parameters=[EXPAND_PARAMETER]),
        "retrieve": extend_schema(summary=f"Een specifieke {upper} opvragen.", parameters=[EXPAND_PARAMETER]),
        "create": extend_schema(summary=f"Maak een {upper} aan."),
        "update": extend_schema(summary=f"Werk een {upper} in zijn geheel bij."),
        "partial_update": extend_schema(summary=f"Werk een {upper} deels bij."),
    }
    if deletable:
        views["destroy"] = extend_schema(summary=f"Verwijder een {upper}.")
    return extend_schema_view(**views)


# Actions whose response body is a serializer's representation (already camelCase).
REPRESENTING_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "publish"}


class CatalogiViewSet(ETagMixin, viewsets.ModelViewSet):
    lookup_field = "uuid"
    zgw_component = "ztc"
    required_scopes = REQUIRED_SCOPES
    permission_classes = [CatalogiScopes]
    renderer_classes = [CatalogiJSONRenderer]
    basename = ""
    # The annotated query every representation reads (see selectors.py); `queryset` is the plain
    # table that writes, filters and pagination use.
    selector = None

    @classmethod
    def by_uuids(cls, day, uuids: list) -> list:
        return cls.selector.by_uuids(day, uuids)

    def get_object(self):
        # A read gets the selector's row through the compiled lookup; a write the model instance.
        if self.action != "retrieve":
            return super().get_object()
        try:
            uuid = uuid_lib.UUID(str(self.kwargs[self.lookup_field]))
        except ValueError:
            raise Http404 from None
        found = self.by_uuids(read_context(self.request).day, [uuid])
        if not found:
            raise Http404
        self.check_object_permissions(self.request, found[0])
        return found[0]

    def get_queryset(self):
        # Writes validate and save model instances; reads go through the selector (see list/get_object).
        return self.queryset.all()

    def filter_queryset(self, queryset):
        # Query parameters filter lists only: a detail URL finds concepts and published alike.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _represent(self, obj) -> dict:
        # Read back through the selector: the write may have changed relations and validity.
        [fresh] = self.by_uuids(read_context(self.request).day, [obj.uuid])
        self._represented = self.get_serializer_class()(fresh, context=self.get_serializer_context()).data
        return self._represented

    def _expanded(self, data, many: bool):
        raw = self.request.query_params.get("expand", "")
        if not raw:
            return data
        tree = expansion.parse(raw, self.basename)
        items = data if many else [data]
        expansion.expand(items, tree, self.basename, self.get_serializer_context())
        return data

    def list(self, request, *args, **kwargs):
        # Filter and paginate the plain table (cheap to compile, and PostgreSQL computes no
        # relations for the rows a page skips), then read the page's rows through the selector.
        ids = self.paginate_queryset(self.filter_queryset(self.queryset.values_list("id", flat=True)))
        objects = self.selector.by_ids(read_context(request).day, ids)
        data = self.get_serializer(objects, many=True).data
        self._expanded(data, many=True)
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._expanded(response.data, many=False)
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.create(request, self.queryset.model, dict(serializer.validated_data), represent=self._represent)
        data = self._represented  # the service's last representation: the new object
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.update(request, serializer.instance, dict(serializer.validated_data), represent=self._represent,
                        actie=self.action)
        return Response(self._represented)

    def perform_destroy(self, instance):
        services.destroy(self.request, instance, represent=self._represent)

    def get_success_headers(self, data):
        return {"Location": data["url"]} if "url" in data else {}

    def finalize_response(self, request, response, *args, **kwargs):
        if self.action in REPRESENTING_ACTIONS and not getattr(response, "exception", False):
            response.camelized = True  # the renderer need not walk it again
        return super().finalize_response(request, response, *args, **kwargs)


class PublishMixin:
    @extend_schema(
        summary="Publiceer het concept object.",
        description="Publiceren maakt het object definitief (concept=false); daarna zijn inhoudelijke "
                    "wijzigingen alleen nog als correctie (geforceerd) mogelijk.",
        request=None,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        services.publish(request, self.get_object(), represent=self._represent)
        return Response(self._represented, status=status.HTTP_200_OK)


@documented("catalogus", "catalogussen", deletable=False)
class CatalogusViewSet(CatalogiViewSet):
    queryset = Catalogus.objects.order_by("id")
    selector = staticmethod(selectors.catalogussen)
    serializer_class = serializers.CatalogusSerializer
    filterset_class = filters.CatalogusFilter
    basename = "catalogus"
    zgw_resource = "catalogus"
    http_method_names = ["get", "post", "put", "patch", "head"]


@documented("zaaktype", "zaaktypen", publishable=True)
class ZaakTypeViewSet(PublishMixin, CatalogiViewSet):
    queryset = ZaakType.objects.order_by("id")
    selector = staticmethod(selectors.zaaktypen)
    serializer_class = serializers.ZaakTypeSerializer
    filterset_class = filters.ZaakTypeFilter
    basename = "zaaktype"
    zgw_resource = "zaaktype"

    @extend_schema(summary="Een specifieke ZAAKTYPE opvragen.", parameters=[
        EXPAND_PARAMETER,
        OpenApiParameter("datumGeldigheid", OpenApiTypes.STR,
                         description="filter objecten op hun geldigheids datum.")])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


@documented("statustype", "statustypen")
class StatusTypeViewSet(CatalogiViewSet):
    queryset = StatusType.objects.order_by("id")
    selector = staticmethod(selectors.statustypen)
    serializer_class = serializers.StatusTypeSerializer
    filterset_class = filters.StatusTypeFilter
    basename = "statustype"
    zgw_resource = "statustype"


@documented("roltype", "roltypen")
class RolTypeViewSet(CatalogiViewSet):
    queryset = RolType.objects.order_by("id")
    selector = staticmethod(selectors.roltypen)
    serializer_class = serializers.RolTypeSerializer
    filterset_class = filters.RolTypeFilter
    basename = "roltype"
    zgw_resource = "roltype"


@documented("resultaattype", "resultaattypen")
class ResultaatTypeViewSet(CatalogiViewSet):
    queryset = ResultaatType.objects.order_by("id")
    selector = staticmethod(selectors.resultaattypen)
    serializer_class = serializers.ResultaatTypeSerializer
    filterset_class = filters.ResultaatTypeFilter
    basename = "resultaattype"
    zgw_resource = "resultaattype"


@documented("eigenschap", "eigenschappen")
class EigenschapViewSet(CatalogiViewSet):
    queryset = Eigenschap.objects.order_by("id")
    selector = staticmethod(selectors.eigenschappen)
    serializer_class = serializers.EigenschapSerializer
    filterset_class = filters.EigenschapFilter
    basename = "eigenschap"
    zgw_resource = "eigenschap"


@documented("zaakobjecttype", "zaakobjecttypen")
class ZaakObjectTypeViewSet(CatalogiViewSet):
    queryset = ZaakObjectType.objects.order_by("id")
    selector = staticmethod(selectors.zaakobjecttypen)
    serializer_class = serializers.ZaakObjectTypeSerializer
    filterset_class = filters.ZaakObjectTypeFilter
    basename = "zaakobjecttype"
    zgw_resource = "zaakobjecttype"


@documented("zaaktype-informatieobjecttype", "zaaktype-informatieobjecttypen")
class ZaakTypeInformatieObjectTypeViewSet(CatalogiViewSet):
    queryset = ZaakTypeInformatieObjectType.objects.order_by("id")
    selector = staticmethod(selectors.zaaktype_informatieobjecttypen)
    serializer_class = serializers.ZaakTypeInformatieObjectTypeSerializer
    filterset_class = filters.ZaakTypeInformatieObjectTypeFilter
    basename = "zaaktypeinformatieobjecttype"
    zgw_resource = "zaakinformatieobjecttype"


@documented("informatieobjecttype", "informatieobjecttypen", publishable=True)
class InformatieObjectTypeViewSet(PublishMixin, CatalogiViewSet):
    queryset = InformatieObjectType.objects.order_by("id")
    selector = staticmethod(selectors.informatieobjecttypen)
    serializer_class = serializers.InformatieObjectTypeSerializer
    filterset_class = filters.InformatieObjectTypeFilter
    basename = "informatieobjecttype"
    zgw_resource = "informatieobjecttype"


@documented("besluittype", "besluittypen", publishable=True)
class BesluitTypeViewSet(PublishMixin, CatalogiViewSet):
    queryset = BesluitType.objects.order_by("id")
    selector = staticmethod(selectors.besluittypen)
    serializer_class = serializers.BesluitTypeSerializer
    filterset_class = filters.BesluitTypeFilter
    basename = "besluittype"
    zgw_resource = "besluittype"

    @extend_schema(summary="Maak een BESLUITTYPE aan.",
                   responses={201: serializers.BesluitTypePostResponseSerializer})
    def create(self, request, *args, **kwargs):
        # The standard's answer to a POST also has the deprecated `informatieobjecttypeOmschrijving`.
        response = super().create(request, *args, **kwargs)
        response.data = {name: value for key, value in response.data.items() for name, value in (
            ((key, value), ("informatieobjecttypeOmschrijving", list(value)))
            if key == "informatieobjecttypeOmschrijvingen" else ((key, value),))}
        return response


ALL_VIEWSETS = (CatalogusViewSet, ZaakTypeViewSet, StatusTypeViewSet, RolTypeViewSet, ResultaatTypeViewSet,
                EigenschapViewSet, ZaakObjectTypeViewSet, ZaakTypeInformatieObjectTypeViewSet,
                InformatieObjectTypeViewSet, BesluitTypeViewSet)
expansion.VIEWSETS.update({viewset.basename: viewset for viewset in ALL_VIEWSETS})
