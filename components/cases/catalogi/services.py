"""Writes to the catalogus: one transaction per write, with its audit row and (for zaaktypen,
informatieobjecttypen and besluittypen) its outbox row; and the life-cycle rules around them:
ztc-009 (published types), ztc-010 (parts of a published zaaktype), ztc-016 (versions) and
what publishing requires."""

from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import Q
from rest_framework import exceptions, serializers

from components.kernel.audit.services import record_audit

from .api.scopes import SCOPE_CATALOGI_FORCED_DELETE, SCOPE_CATALOGI_FORCED_WRITE
from .kanalen import KANAAL_BESLUITTYPEN, KANAAL_INFORMATIEOBJECTTYPEN, KANAAL_ZAAKTYPEN
from .models import (
    BesluitType,
    Catalogus,
    InformatieObjectType,
    ResultaatType,
    StatusType,
    ZaakType,
)

KANALEN = {ZaakType: KANAAL_ZAAKTYPEN, InformatieObjectType: KANAAL_INFORMATIEOBJECTTYPEN,
           BesluitType: KANAAL_BESLUITTYPEN}
# The name that ties the versions of a type together (ztc-016).
VERSION_KEYS = {ZaakType: "identificatie", InformatieObjectType: "omschrijving", BesluitType: "omschrijving"}
M2M_FIELDS = ("besluittypen", "informatieobjecttypen", "eigenschappen", "checklistitem_statustype")


class NonConceptObject(exceptions.PermissionDenied):
    default_code = "non-concept-object"
    default_detail = "Dit object is gepubliceerd; alleen een correctie (geforceerd) is toegestaan."


class NonConceptZaaktype(exceptions.PermissionDenied):
    default_code = "non-concept-zaaktype"
    default_detail = "Het zaaktype is gepubliceerd; zijn onderdelen wijzigen kan alleen geforceerd."


def _may(request, scope) -> bool:
    auth = getattr(request, "auth", None)
    return auth is not None and auth.applicatie.may("ztc", scope)


def is_versioned(obj) -> bool:
    return type(obj) in KANALEN


# --- life-cycle rules --------------------------------------------------------------------------

def check_may_write(request, obj, data: dict) -> None:
    """ztc-009: a published type changes only by correction (geforceerd-schrijven), except that its
    eindeGeldigheid alone may be set. ztc-010: parts of a published zaaktype likewise."""
    forced = _may(request, SCOPE_CATALOGI_FORCED_WRITE)
    if is_versioned(obj):
        if not obj.concept and not forced and set(data) - {"einde_geldigheid"}:
            raise NonConceptObject()
        return
    zaaktypen = [z for z in (getattr(obj, "zaaktype", None), data.get("zaaktype")) if z is not None]
    if any(not z.concept for z in zaaktypen) and not forced:
        raise NonConceptZaaktype()


def check_may_delete(request, obj) -> None:
    forced = _may(request, SCOPE_CATALOGI_FORCED_DELETE)
    if is_versioned(obj) and not obj.concept and not forced:
        raise NonConceptObject("Een gepubliceerd object kan alleen geforceerd verwijderd worden.")
    if not is_versioned(obj) and hasattr(obj, "zaaktype") and not obj.zaaktype.concept and not forced:
        raise NonConceptZaaktype("Het zaaktype is gepubliceerd; zijn onderdelen verwijderen kan alleen "
                                 "geforceerd.")


def check_no_overlap(obj) -> None:
    """ztc-016: published versions sharing a name must not overlap in geldigheid."""
    key = VERSION_KEYS[type(obj)]
    others = type(obj).objects.filter(catalogus_id=obj.catalogus_id, concept=False, **{key: getattr(obj, key)}) \
        .exclude(pk=obj.pk)
    overlapping = others.filter(Q(einde_geldigheid__isnull=True) | Q(einde_geldigheid__gte=obj.begin_geldigheid))
    if obj.einde_geldigheid:
        overlapping = overlapping.filter(begin_geldigheid__lte=obj.einde_geldigheid)
    if overlapping.exists():
        raise serializers.ValidationError({"begin_geldigheid": [serializers.ErrorDetail(
            f"De geldigheid overlapt met een andere gepubliceerde versie met {key} "
            f"'{getattr(obj, key)}'.", code="overlap")]})


def publish_errors(obj) -> dict:
    """What stops `obj` from being published, as {field: [ErrorDetail]}."""
    errors: dict[str, list] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(serializers.ErrorDetail(message, code=code))

    if isinstance(obj, ZaakType):
        if obj.statustypen.count() < 2:
            add("statustypen", "Een zaaktype heeft ten minste een begin- en een eindstatustype nodig.",
                "missing-statustypen")
        if not obj.roltypen.exists():
            add("roltypen", "Een zaaktype heeft ten minste één roltype nodig.", "missing-roltypen")
        if not obj.resultaattypen.exists():
            add("resultaattypen", "Een zaaktype heeft ten minste één resultaattype nodig.", "missing-resultaattypen")
        _require_published(add, "besluittypen", BesluitType, obj.catalogus_id, obj.besluittype_omschrijvingen)
        iot_names = list(obj.zaaktype_informatieobjecttypen.values_list("informatieobjecttype_omschrijving",
                                                                          flat=True))
        _require_published(add, "informatieobjecttypen", InformatieObjectType, obj.catalogus_id, iot_names)
        resultaat_bt = BesluitType.objects.filter(resultaattypen__zaaktype=obj, concept=True)
        if resultaat_bt.exists():
            add("resultaattypen", "Een resultaattype verwijst naar een besluittype dat nog concept is.",
                "concept-relation")
    elif isinstance(obj, BesluitType):
        _require_published(add, "informatieobjecttypen", InformatieObjectType, obj.catalogus_id,
                           obj.informatieobjecttype_omschrijvingen)
    return errors


def _require_published(add, field, model, catalogus_id, names) -> None:
    published = set(model.objects.filter(catalogus_id=catalogus_id, concept=False, omschrijving__in=names)
                    .values_list("omschrijving", flat=True))
    missing = sorted(set(names) - published)
    if missing:
        add(field, f"Niet gepubliceerd: {', '.join(missing)}.", "concept-relation")


# --- the writes --------------------------------------------------------------------------------

def _hoofd_object(obj, represent) -> tuple:
    """The main object an audit row belongs to: the zaaktype for its parts, else the object."""
    main = obj.zaaktype if hasattr(obj, "zaaktype") and not is_versioned(obj) else obj
    return main


def _record(request, obj, actie: str, oud, nieuw, status: int, *, main_url: str) -> None:
    url = (nieuw or oud)["url"]
    main = _hoofd_object(obj, None)
    record_audit(request, bron="ZTC", actie=actie, resultaat=status, hoofd_object=main_url,
                 hoofd_object_uuid=main.uuid, resource=type(obj).__name__.lower(), resource_url=url,
                 resource_weergave=str(obj), oud=oud, nieuw=nieuw)
    kanaal = KANALEN.get(type(obj))
    if kanaal is not None:
        catalogus_url = (nieuw or oud)["catalogus"]
        kanaal.publish(hoofd_object=url, resource_url=url, actie=actie, obj=obj,
                       kenmerken_from=SimpleNamespace(catalogus=catalogus_url))


def _split(data: dict) -> tuple[dict, dict]:
    related = {k: data.pop(k) for k in list(data) if k in M2M_FIELDS and k != "checklistitem_statustype"}
    return data, related


def _apply_related(obj, related: dict) -> None:
    for field, values in related.items():
        if isinstance(obj, StatusType) and field == "eigenschappen":
            obj.eigenschappen.exclude(pk__in=[e.pk for e in values]).update(statustype=None)
            for eigenschap in values:
                eigenschap.statustype = obj
                eigenschap.save(update_fields=["statustype"])
        else:
            getattr(obj, field).set(values)


def _unique_catalogus(data: dict, instance=None) -> None:
    if not {"domein", "rsin"} & set(data):
        return
    domein = data.get("domein", getattr(instance, "domein", None))
    rsin = data.get("rsin", getattr(instance, "rsin", None))
    clash = Catalogus.objects.filter(domein=domein, rsin=rsin)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise serializers.ValidationError(serializers.ErrorDetail(
            "Er bestaat al een catalogus met dit domein en RSIN.", code="unique"))


def _main_url(obj, represent, nieuw):
    if hasattr(obj, "zaaktype") and not is_versioned(obj):
        return nieuw["zaaktype"]
    return nieuw["url"]


@transaction.atomic
def create(request, model, data: dict, *, represent):
    data, related = _split(dict(data))
    if model is Catalogus:
        _unique_catalogus(data)
    elif not issubclass(model, tuple(KANALEN)):
        check_may_write(request, model(zaaktype=data["zaaktype"]), {})
    try:
        with transaction.atomic():
            obj = model.objects.create(**data)
    except IntegrityError:
        raise serializers.ValidationError(serializers.ErrorDetail("Dit object bestaat al.", code="unique"))
    _apply_related(obj, related)
    nieuw = represent(obj)
    _record(request, obj, "create", None, nieuw, 201, main_url=_main_url(obj, represent, nieuw))
    return obj


@transaction.atomic
def update(request, obj, data: dict, *, represent, actie: str):
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if isinstance(obj, Catalogus):
        _unique_catalogus(data, obj)
    else:
        check_may_write(request, obj, data)
    oud = represent(obj)
    data, related = _split(dict(data))
    for field, value in data.items():
        setattr(obj, field, value)
    obj.save()
    _apply_related(obj, related)
    if is_versioned(obj) and not obj.concept:
        check_no_overlap(obj)
    nieuw = represent(obj)
    _record(request, obj, actie, oud, nieuw, 200, main_url=_main_url(obj, represent, nieuw))
    return obj


@transaction.atomic
def destroy(request, obj, *, represent) -> None:
    check_may_delete(request, obj)
    oud = represent(obj)
    _record(request, obj, "destroy", oud, None, 204, main_url=_main_url(obj, represent, oud))
    if isinstance(obj, ZaakType):
        # Parts go with their zaaktype; resultaattype links to besluittypen are plain rows.
        ResultaatType.besluittypen.through.objects.filter(resultaattype__zaaktype=obj).delete()
    obj.delete()


@transaction.atomic
def publish(request, obj, *, represent):
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not obj.concept:
        raise serializers.ValidationError(serializers.ErrorDetail("Dit object is al gepubliceerd.",
                                                                  code="non-concept-object"))
    errors = publish_errors(obj)
    if errors:
        raise serializers.ValidationError(errors)
    oud = represent(obj)
    obj.concept = False
    obj.save(update_fields=["concept"])
    check_no_overlap(obj)
    nieuw = represent(obj)
    _record(request, obj, "publish", oud, nieuw, 200, main_url=nieuw["url"])
    return obj


def publish_from_admin(request, obj):
    """The admin's publish action: the same rules, audit and notification as the API's."""
    from django.urls import reverse

    def represent(instance) -> dict:
        return {"url": request.build_absolute_uri(reverse(f"{type(instance).__name__.lower()}-detail",
                                                          kwargs={"uuid": instance.uuid})),
                "catalogus": request.build_absolute_uri(reverse("catalogus-detail",
                                                                kwargs={"uuid": instance.catalogus.uuid})),
                "concept": instance.concept}

    return publish(request, obj, represent=represent)
