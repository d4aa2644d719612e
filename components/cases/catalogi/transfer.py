"""Moving a catalogus between environments: one JSON document with every type in it.

UUIDs travel along, so the URLs of the imported types equal the exported ones (relative to the
host): zaken elsewhere that point at a zaaktype keep pointing at the same one.
"""

import datetime
import uuid as uuid_lib

from django.db import transaction

from .models import (
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

FORMAT = "grondwerk-catalogus/1"
# In dependency order: an import creates them in this order.
PARTS = (
    ("informatieobjecttypen", InformatieObjectType),
    ("besluittypen", BesluitType),
    ("zaaktypen", ZaakType),
    ("zaakobjecttypen", ZaakObjectType),
    ("statustypen", StatusType),
    ("roltypen", RolType),
    ("resultaattypen", ResultaatType),
    ("eigenschappen", Eigenschap),
    ("zaaktype_informatieobjecttypen", ZaakTypeInformatieObjectType),
)
M2M = {ResultaatType: ("besluittypen", "informatieobjecttypen")}


class ImportError_(ValueError):
    """The document cannot be imported (wrong format, or its objects exist already)."""


def _dump(obj) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name == "id":
            continue
        value = getattr(obj, field.attname)
        if field.is_relation:
            related = getattr(obj, field.name)
            value = str(related.uuid) if related is not None else None
        elif isinstance(value, uuid_lib.UUID):
            value = str(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[field.name] = value
    for name in M2M.get(type(obj), ()):
        data[name] = [str(o.uuid) for o in getattr(obj, name).all()]
    return data


def export_catalogus(catalogus: Catalogus) -> dict:
    document = {"format": FORMAT, "catalogus": _dump(catalogus)}
    zaaktypen = ZaakType.objects.filter(catalogus=catalogus)
    for key, model in PARTS:
        if model in (InformatieObjectType, BesluitType, ZaakType):
            queryset = model.objects.filter(catalogus=catalogus)
        else:
            queryset = model.objects.filter(zaaktype__in=zaaktypen)
        document[key] = [_dump(obj) for obj in queryset.order_by("id")]
    return document


def _load(model, data: dict, known: dict):
    data = dict(data)
    m2m = {name: data.pop(name, []) for name in M2M.get(model, ())}
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name in data:
            ref = data.pop(field.name)
            data[field.attname] = known[field.related_model][ref] if ref else None
    obj = model.objects.create(**data)
    known.setdefault(model, {})[str(obj.uuid)] = obj.pk
    for name, refs in m2m.items():
        target = model._meta.get_field(name).related_model
        getattr(obj, name).set([known[target][ref] for ref in refs])
    return obj


@transaction.atomic
def import_catalogus(document: dict) -> Catalogus:
    if document.get("format") != FORMAT:
        raise ImportError_(f"Onbekend formaat; verwacht '{FORMAT}'.")
    existing = Catalogus.objects.filter(uuid=document["catalogus"]["uuid"]).exists() or any(
        model.objects.filter(uuid__in=[d["uuid"] for d in document.get(key, [])]).exists() for key, model in PARTS)
    if existing:
        raise ImportError_("Deze catalogus (of een type erin) bestaat hier al.")
    known: dict = {}
    catalogus = _load(Catalogus, document["catalogus"], known)
    for key, model in PARTS:
        for data in document.get(key, []):
            _load(model, data, known)
    return catalogus
