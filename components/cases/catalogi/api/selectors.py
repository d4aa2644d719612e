"""The read querysets of the ten resources: one SQL query answers a whole page, relations included.

Each queryset is annotated with exactly what `representation.py` reads: the uuid of a foreign key
(`<field>_uuid`), the uuids of related objects in their order (`<field>_uuids`, as text so no UUID
objects are built), names for the `…Omschrijving` lists, and the name-based relations of 1.3.2+
resolved in SQL to the published versions valid on `day` (`…_pairs`: uuid followed by the name).
"""

import datetime
import uuid as uuid_lib
from collections import namedtuple

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    F,
    Func,
    IntegerField,
    Lookup,
    Max,
    OuterRef,
    Q,
    Subquery,
    TextField,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast, Concat

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
from .relations import valid_on

UUID_LENGTH = 36


class InArray(Lookup):
    """`value = ANY(array)`: a name in an array column (or an array expression)."""

    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class GerelateerdeIdentificaties(Func):
    """The identificaties in a zaaktype's `gerelateerde_zaaktypen` JSON, as text[]."""

    template = ("ARRAY(SELECT relatie ->> 'zaaktype' FROM jsonb_array_elements(CASE jsonb_typeof(%(expressions)s) "
                "WHEN 'array' THEN %(expressions)s ELSE '[]'::jsonb END) AS relatie)")
    output_field = ArrayField(CharField())


class NoemtZaaktypen(Func):
    """The outer zaaktype names deelzaaktypen or gerelateerde zaaktypen. It refers to the outer row
    only, so PostgreSQL checks it once per row and skips the subquery for zaaktypen that name none."""

    output_field = BooleanField()

    def __init__(self):
        super().__init__(OuterRef("deelzaaktype_identificaties"), OuterRef("gerelateerde_zaaktypen"))

    def as_sql(self, compiler, connection, **extra_context):
        (deel, deel_params), (gerelateerd, gerelateerd_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions())
        return (f"(cardinality({deel}) > 0 OR {gerelateerd} <> '[]'::jsonb)",
                (*deel_params, *gerelateerd_params))


def _text(field: str = "uuid") -> Cast:
    return Cast(field, output_field=TextField())


def uuids(queryset) -> ArraySubquery:
    return ArraySubquery(queryset.annotate(uuid_text=_text()).values("uuid_text"))


def names(queryset, field: str = "omschrijving") -> ArraySubquery:
    return ArraySubquery(queryset.values(field))


def pairs(queryset, name: str) -> ArraySubquery:
    """uuid + name per row (the uuid has a fixed length): URLs and names from one subquery."""
    return ArraySubquery(queryset.annotate(pair=Concat(_text(), name, output_field=TextField())).values("pair"))


def split_pairs(values: list[str]) -> list[tuple[str, str]]:
    return [(value[:UUID_LENGTH], value[UUID_LENGTH:]) for value in values]


def published(model, day: datetime.date, catalogus: str = "catalogus_id"):
    """The published versions valid on `day` in the outer row's catalogus, oldest first."""
    return model.objects.filter(valid_on(day), concept=False, catalogus_id=OuterRef(catalogus)).order_by("id")


def _of(model, fk: str, order: str = "id"):
    return model.objects.filter(**{fk: OuterRef("pk")}).order_by(order)


class KeyLookup:
    """A selector's query for a list of keys (uuids or ids), compiled once: each lookup only swaps
    the array parameter, so a detail, an expand or a page skips the ORM's query compilation (the
    bulk of their CPU). Answers read-only rows (named tuples: the model's attnames and the
    annotations) in the selector's order (by id); writes load model instances as usual."""

    SENTINELS = {"uuid": (uuid_lib.UUID("ffffffff-ffff-4fff-bfff-fffffffffffe"), UUIDField()),
                 "id": (-7_919_919_919, BigIntegerField())}

    def __init__(self, queryset, key: str):
        sentinel, field = self.SENTINELS[key]
        wanted = Value([sentinel], output_field=ArrayField(field))
        fields = [f.attname for f in queryset.model._meta.concrete_fields]
        query = queryset.filter(InArray(F(key), wanted)).values_list(*fields, *queryset.query.annotations).query
        self.sql, params = query.sql_with_params()
        [self.index] = [i for i, param in enumerate(params) if param == [sentinel]]
        self.params = list(params)
        # The SELECT's column order (see ValuesListIterable), and the fields that convert on load (JSON).
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.row = namedtuple(f"{queryset.model.__name__}Row", names)
        model_fields = {f.attname: f for f in queryset.model._meta.concrete_fields}
        self.converters = [(i, model_fields[name].from_db_value) for i, name in enumerate(names)
                           if hasattr(model_fields.get(name), "from_db_value")]

    def fetch(self, keys: list) -> list:
        if not keys:
            return []
        params = list(self.params)
        params[self.index] = list(keys)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        make = self.row._make
        if not self.converters:
            return [make(row) for row in rows]
        result = []
        for row in rows:
            values = list(row)
            for i, convert in self.converters:
                values[i] = convert(values[i], None, connection)
            result.append(make(values))
        return result


def per_day(build):
    """Give a selector `by_uuids(day, uuids)` and `by_ids(day, ids)`: lookups through `KeyLookup`s
    compiled once per day (composing and compiling a dozen subqueries costs more than running them)."""
    lookups: dict[tuple[datetime.date, str], KeyLookup] = {}

    def lookup(day: datetime.date, key: str) -> KeyLookup:
        compiled = lookups.get((day, key))
        if compiled is None:
            if len(lookups) >= 64:  # datumGeldigheid makes the days a client's choice
                lookups.clear()
            compiled = lookups[day, key] = KeyLookup(build(day), key)
        return compiled

    build.by_uuids = lambda day, uuids: lookup(day, "uuid").fetch(uuids)
    build.by_ids = lambda day, ids: lookup(day, "id").fetch(ids)
    return build


# --- the versioned types and the catalogus -----------------------------------------------------

@per_day
def catalogussen(day: datetime.date):
    return Catalogus.objects.annotate(
        zaaktypen_uuids=uuids(_of(ZaakType, "catalogus")),
        besluittypen_uuids=uuids(_of(BesluitType, "catalogus")),
        besluittypen_omschrijvingen=names(_of(BesluitType, "catalogus")),
        informatieobjecttypen_uuids=uuids(_of(InformatieObjectType, "catalogus")),
        informatieobjecttypen_omschrijvingen=names(_of(InformatieObjectType, "catalogus")),
    ).order_by("id")


@per_day
def zaaktypen(day: datetime.date):
    wanted_identificaties = NoemtZaaktypen() & (
        Q(InArray(F("identificatie"), OuterRef("deelzaaktype_identificaties")))
        | Q(InArray(F("identificatie"), GerelateerdeIdentificaties(OuterRef("gerelateerde_zaaktypen")))))
    return ZaakType.objects.annotate(
        catalogus_uuid=F("catalogus__uuid"),
        statustypen_uuids=uuids(_of(StatusType, "zaaktype", "volgnummer")),
        resultaattypen_uuids=uuids(_of(ResultaatType, "zaaktype")),
        eigenschappen_uuids=uuids(_of(Eigenschap, "zaaktype")),
        roltypen_uuids=uuids(_of(RolType, "zaaktype")),
        zaakobjecttypen_uuids=uuids(_of(ZaakObjectType, "zaaktype")),
        ziot_omschrijvingen=names(_of(ZaakTypeInformatieObjectType, "zaaktype"), "informatieobjecttype_omschrijving"),
        besluittypen_resolved=uuids(published(BesluitType, day).filter(
            InArray(F("omschrijving"), OuterRef("besluittype_omschrijvingen")))),
        informatieobjecttypen_resolved=uuids(published(InformatieObjectType, day).filter(
            InArray(F("omschrijving"), OuterRef("ziot_omschrijvingen")))),
        zaaktypen_pairs=pairs(published(ZaakType, day).filter(wanted_identificaties), "identificatie"),
    ).order_by("id")


@per_day
def informatieobjecttypen(day: datetime.date):
    ziot_zaaktypen = ZaakTypeInformatieObjectType.objects.filter(
        informatieobjecttype_omschrijving=OuterRef(OuterRef("omschrijving"))).values("zaaktype_id")
    return InformatieObjectType.objects.annotate(
        catalogus_uuid=F("catalogus__uuid"),
        zaaktypen_pairs=pairs(published(ZaakType, day).filter(id__in=ziot_zaaktypen), "identificatie"),
        besluittypen_pairs=pairs(published(BesluitType, day).filter(
            InArray(OuterRef("omschrijving"), F("informatieobjecttype_omschrijvingen"))), "omschrijving"),
    ).order_by("id")


@per_day
def besluittypen(day: datetime.date):
    return BesluitType.objects.annotate(
        catalogus_uuid=F("catalogus__uuid"),
        informatieobjecttypen_resolved=uuids(published(InformatieObjectType, day).filter(
            InArray(F("omschrijving"), OuterRef("informatieobjecttype_omschrijvingen")))),
        zaaktypen_pairs=pairs(published(ZaakType, day).filter(
            InArray(OuterRef("omschrijving"), F("besluittype_omschrijvingen"))), "identificatie"),
        resultaattypen_uuids=uuids(_of(ResultaatType, "besluittypen")),
        resultaattypen_omschrijvingen=names(_of(ResultaatType, "besluittypen")),
    ).order_by("id")


# --- the parts of a zaaktype -------------------------------------------------------------------

def _parts(model):
    """What every part shows of its zaaktype: its URL, identificatie, geldigheid and catalogus."""
    return model.objects.annotate(
        zaaktype_uuid=F("zaaktype__uuid"),
        zaaktype_identificatie=F("zaaktype__identificatie"),
        zaaktype_begin_geldigheid=F("zaaktype__begin_geldigheid"),
        zaaktype_einde_geldigheid=F("zaaktype__einde_geldigheid"),
        zaaktype_begin_object=F("zaaktype__begin_object"),
        zaaktype_einde_object=F("zaaktype__einde_object"),
        catalogus_uuid=F("zaaktype__catalogus__uuid"),
    ).order_by("id")


@per_day
def statustypen(day: datetime.date):
    return _parts(StatusType).annotate(
        eigenschappen_uuids=uuids(_of(Eigenschap, "statustype")),
        hoogste_volgnummer=Subquery(
            StatusType.objects.filter(zaaktype_id=OuterRef("zaaktype_id")).values("zaaktype_id")
            .annotate(hoogste=Max("volgnummer")).values("hoogste")[:1], output_field=IntegerField()),
    )


@per_day
def roltypen(day: datetime.date):
    return _parts(RolType)


@per_day
def resultaattypen(day: datetime.date):
    return _parts(ResultaatType).annotate(
        besluittypen_uuids=uuids(_of(BesluitType, "resultaattypen")),
        besluittypen_omschrijvingen=names(_of(BesluitType, "resultaattypen")),
        informatieobjecttypen_uuids=uuids(_of(InformatieObjectType, "resultaattypen")),
        informatieobjecttypen_omschrijvingen=names(_of(InformatieObjectType, "resultaattypen")),
    )


@per_day
def eigenschappen(day: datetime.date):
    return _parts(Eigenschap).annotate(statustype_uuid=F("statustype__uuid"))


@per_day
def zaakobjecttypen(day: datetime.date):
    return _parts(ZaakObjectType).annotate(
        resultaattypen_uuids=uuids(_of(ResultaatType, "zaakobjecttype")),
        resultaattypen_omschrijvingen=names(_of(ResultaatType, "zaakobjecttype")),
        statustypen_uuids=uuids(_of(StatusType, "zaakobjecttype")),
    )


@per_day
def zaaktype_informatieobjecttypen(day: datetime.date):
    return _parts(ZaakTypeInformatieObjectType).annotate(
        statustype_uuid=F("statustype__uuid"),
        informatieobjecttype_resolved=Subquery(
            published(InformatieObjectType, day, catalogus="zaaktype__catalogus_id")
            .filter(omschrijving=OuterRef("informatieobjecttype_omschrijving"))
            .annotate(uuid_text=_text()).values("uuid_text")[:1]),
    )
