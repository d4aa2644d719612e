"""A ZGW-style API over Ding, using the kernel's viewset plumbing as a component would."""

from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from components.kernel.audit.api import AuditTrailViewSet
from components.kernel.audit.services import record_audit
from components.kernel.auth.scopes import Scope
from components.kernel.outbox.kanalen import Kanaal

from .models import Ding

LEZEN = Scope("dingen.lezen")
SCHRIJVEN = Scope("dingen.schrijven")
KANAAL = Kanaal("dingen", main_resource="ding", kenmerken=("naam",))


class DingSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Ding
        fields = ("url", "naam", "aantal")
        extra_kwargs = {"url": {"lookup_field": "uuid", "view_name": "ding-detail"}}


class DingViewSet(viewsets.ModelViewSet):
    queryset = Ding.objects.all()
    serializer_class = DingSerializer
    lookup_field = "uuid"
    zgw_component = "ztc"
    required_scopes = {"list": LEZEN, "retrieve": LEZEN, "create": SCHRIJVEN, "update": SCHRIJVEN,
                       "partial_update": SCHRIJVEN, "destroy": SCHRIJVEN, "boom": LEZEN}

    def perform_create(self, serializer):
        with transaction.atomic():
            ding = serializer.save()
            url = serializer.data["url"]
            record_audit(self.request, bron="TEST", actie="create", resultaat=201, hoofd_object=url,
                         hoofd_object_uuid=ding.uuid, resource="ding", resource_url=url,
                         nieuw=serializer.data)
            KANAAL.publish(hoofd_object=url, resource_url=url, actie="create", obj=ding)
            if ding.naam == "rollback":
                raise serializers.ValidationError({"naam": "rolled back after writing"})

    @action(detail=False, methods=["get"])
    def boom(self, request):
        raise ZeroDivisionError("a bug")


class DingAuditTrailViewSet(AuditTrailViewSet):
    main_lookup_kwarg = "ding_uuid"
    zgw_component = "ztc"
    required_scopes = {"list": Scope("audittrails.lezen"), "retrieve": Scope("audittrails.lezen")}
