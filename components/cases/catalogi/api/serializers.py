"""Representations of the ten Catalogi API 1.3.3 resources, field for field as the standard has them.

Writes validate through these serializers as usual; reads run their compiled plan (see
`representation.py`) over the annotated querysets of `selectors.py`, so `represent` overrides
work with camelCase keys and annotations, never with related managers.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import Afleidingswijze, Formaat, Objecttype
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
from ..models.mixins import validate_duration
from .relations import uuid_from_url
from .representation import CompiledSerializerMixin
from .selectors import split_pairs
from .validators import (
    apply_selectielijstklasse,
    field_error,
    validate_brondatum_archiefprocedure,
    validate_eigenschap_specificatie,
    validate_geldigheid,
    validate_rsin,
    validate_selectielijst_procestype,
)

# --- building blocks ---------------------------------------------------------------------------

@extend_schema_field({"type": "string", "format": "duration"})
class DurationField(serializers.CharField):
    """An ISO-8601 duration (`P30D`, `P1Y`), stored as written."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.validators.append(validate_duration)

    def to_representation(self, value):
        return value or None

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data not in (None, "") else ""

    def validate_empty_values(self, data):
        # `null` (as a response shows an empty duration) is stored as no duration, not as NULL.
        is_empty, value = super().validate_empty_values(data)
        return is_empty, "" if is_empty and value is None else value

    def reader(self):
        [attr] = self.source_attrs
        return lambda instance, ctx: getattr(instance, attr) or None


def nullable_duration(**kwargs) -> DurationField:
    return DurationField(required=False, allow_null=True, allow_blank=True, **kwargs)


def _url_reader(basename: str, annotation: str):
    def read(instance, ctx):
        uuid = getattr(instance, annotation)
        return None if uuid is None else ctx.urls(basename, uuid)
    return read


def _urls_reader(basename: str, annotation: str):
    def read(instance, ctx):
        head, tail = ctx.urls.parts(basename)
        return [f"{head}{uuid}{tail}" for uuid in getattr(instance, annotation)]
    return read


class SelfUrlField(serializers.HyperlinkedIdentityField):
    """The object's own URL."""

    def __init__(self, basename: str, **kwargs):
        self.basename = basename
        super().__init__(view_name=f"{basename}-detail", lookup_field="uuid", **kwargs)

    def reader(self):
        basename = self.basename
        return lambda instance, ctx: ctx.urls(basename, instance.uuid)


class FastHyperlinkedRelatedField(serializers.HyperlinkedRelatedField):
    """A writable link; reads the annotated `<source>_uuid` (or `<source>_uuids` when many)."""

    def __init__(self, basename: str, **kwargs):
        self.basename = basename
        kwargs.setdefault("lookup_field", "uuid")
        super().__init__(view_name=f"{basename}-detail", **kwargs)

    def use_pk_only_optimization(self):
        return False

    def reader(self):
        return _url_reader(self.basename, f"{self.source}_uuid")

    def many_reader(self, source: str):
        return _urls_reader(self.basename, f"{source}_uuids")


class UrlsField(serializers.ReadOnlyField):
    """Read-only list of URLs of related objects, from the annotated `<field>_uuids`."""

    def __init__(self, basename: str, **kwargs):
        self.basename = basename
        super().__init__(**kwargs)

    def reader(self):
        return _urls_reader(self.basename, f"{self.source}_uuids")


extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}, "uniqueItems": True})(UrlsField)


def names_or_urls(value: list[str], model, key: str, field: str) -> list[str]:
    """Name-based relations accept the name itself or the URL of any version of the object."""
    names = []
    for item in value:
        if "://" in item:
            uuid = uuid_from_url(item)
            obj = model.objects.filter(uuid=uuid).only(key).first() if uuid else None
            if obj is None:
                raise field_error(field, f"Onbekende URL: {item}", "does_not_exist")
            item = getattr(obj, key)
        if item not in names:
            names.append(item)
    return names


class ReadOnlyUrlList(serializers.ListField):
    """Schema helper: a read-only array of URLs computed by the serializer."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.URLField(), read_only=True, **kwargs)


class NameOrUrlList(serializers.ListField):
    """A name-based relation (1.3.2+): names, or URLs of any version, in a request; the URLs of the
    published versions valid on `datumGeldigheid` in a response (see schema.py for its two schemas)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=1000), **kwargs)


class NameOrUrl(serializers.CharField):
    """One name-based relation: a name or a URL in a request, a URL in a response."""


# A group of attributes (`source="*"`) that `null` clears, as a response shows an empty group: so a
# GET body can be PUT back unchanged. (A comment: the schema would take a docstring as a description.)
class ClearableGroupMixin:
    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return True, {field.source: False if isinstance(field, serializers.BooleanField) else ""
                          for field in self.fields.values() if not field.read_only}
        return super().validate_empty_values(data)


@extend_schema_field({"type": "array", "items": {"type": "string"}, "readOnly": True, "deprecated": True})
class DeprecatedNames(serializers.ReadOnlyField):
    """A read-only list of names the standard keeps for compatibility."""


class GeldigheidSerializerMixin(serializers.Serializer):
    def validate(self, attrs):
        validate_geldigheid(attrs, self.instance)
        return super().validate(attrs)


# --- catalogus ----------------------------------------------------------------------------------

class CatalogusSerializer(CompiledSerializerMixin, serializers.ModelSerializer):
    url = SelfUrlField("catalogus")
    zaaktypen = UrlsField("zaaktype")
    besluittypen = UrlsField("besluittype")
    informatieobjecttypen = UrlsField("informatieobjecttype")
    besluittype_omschrijving = serializers.SerializerMethodField()
    informatieobjecttype_omschrijving = serializers.SerializerMethodField()
    naam = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    versie = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Catalogus
        fields = ("url", "domein", "rsin", "contactpersoon_beheer_naam", "contactpersoon_beheer_telefoonnummer",
                  "contactpersoon_beheer_emailadres", "zaaktypen", "besluittypen", "besluittype_omschrijving",
                  "informatieobjecttypen", "informatieobjecttype_omschrijving", "naam", "versie",
                  "begindatum_versie")
        validators = []  # domein+rsin uniqueness is answered by the service with its own code

    def validate_rsin(self, value):
        return validate_rsin(value)

    def validate(self, attrs):
        for field in ("naam", "versie"):
            if field in attrs and attrs[field] is None:
                attrs[field] = ""
        return attrs

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_besluittype_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.besluittypen_omschrijvingen))

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_informatieobjecttype_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.informatieobjecttypen_omschrijvingen))


# --- zaaktype -----------------------------------------------------------------------------------

class ReferentieProcesSerializer(CompiledSerializerMixin, serializers.Serializer):
    naam = serializers.CharField(source="referentieproces_naam", max_length=80)
    link = serializers.URLField(source="referentieproces_link", max_length=200, required=False, allow_blank=True)


class BronCatalogusSerializer(ClearableGroupMixin, CompiledSerializerMixin, serializers.Serializer):
    url = serializers.URLField(source="broncatalogus_url", max_length=200)
    domein = serializers.CharField(source="broncatalogus_domein", max_length=5)
    rsin = serializers.CharField(source="broncatalogus_rsin", max_length=9)


class BronZaaktypeSerializer(ClearableGroupMixin, CompiledSerializerMixin, serializers.Serializer):
    url = serializers.URLField(source="bronzaaktype_url", max_length=200)
    identificatie = serializers.CharField(source="bronzaaktype_identificatie", max_length=50)
    omschrijving = serializers.CharField(source="bronzaaktype_omschrijving", max_length=80)


class ZaakTypenRelatieSerializer(serializers.Serializer):
    zaaktype = NameOrUrl(max_length=200, help_text="Identificatie (of URL) van het gerelateerde zaaktype.")
    aard_relatie = serializers.ChoiceField(choices=[("vervolg", "vervolg"), ("bijdrage", "bijdrage"),
                                                    ("onderwerp", "onderwerp")])
    toelichting = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ZaakTypeSerializer(CompiledSerializerMixin, GeldigheidSerializerMixin, serializers.ModelSerializer):
    url = SelfUrlField("zaaktype")
    catalogus = FastHyperlinkedRelatedField("catalogus", queryset=Catalogus.objects.all())
    doorlooptijd = DurationField()
    servicenorm = nullable_duration()
    verlengingstermijn = nullable_duration()
    referentieproces = ReferentieProcesSerializer(source="*")
    broncatalogus = BronCatalogusSerializer(source="*", required=False, allow_null=True)
    bronzaaktype = BronZaaktypeSerializer(source="*", required=False, allow_null=True)
    statustypen = UrlsField("statustype")
    resultaattypen = UrlsField("resultaattype")
    eigenschappen = UrlsField("eigenschap")
    roltypen = UrlsField("roltype")
    zaakobjecttypen = UrlsField("zaakobjecttype")
    informatieobjecttypen = ReadOnlyUrlList()
    informatieobjecttype_omschrijving = serializers.ListField(child=serializers.CharField(), read_only=True)
    besluittypen = NameOrUrlList(
        source="besluittype_omschrijvingen",
        help_text="Omschrijvingen (of URL's) van de besluittypen; het antwoord geeft de URL's van de "
                  "gepubliceerde versies die geldig zijn.")
    besluittype_omschrijving = serializers.ListField(child=serializers.CharField(), read_only=True,
                                                     source="besluittype_omschrijvingen")
    deelzaaktypen = NameOrUrlList(
        source="deelzaaktype_identificaties", required=False,
        help_text="Identificaties (of URL's) van de deelzaaktypen.")
    deelzaaktype_identificaties = serializers.ListField(child=serializers.CharField(), read_only=True)
    gerelateerde_zaaktypen = ZaakTypenRelatieSerializer(many=True)
    begin_geldigheid = serializers.DateField()
    versiedatum = serializers.DateField()
    selectielijst_procestype = serializers.URLField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = ZaakType
        fields = (
            "url", "identificatie", "omschrijving", "omschrijving_generiek", "vertrouwelijkheidaanduiding",
            "doel", "aanleiding", "toelichting", "indicatie_intern_of_extern", "handeling_initiator",
            "onderwerp", "handeling_behandelaar", "doorlooptijd", "servicenorm",
            "opschorting_en_aanhouding_mogelijk", "verlenging_mogelijk", "verlengingstermijn", "trefwoorden",
            "publicatie_indicatie", "publicatietekst", "verantwoordingsrelatie", "producten_of_diensten",
            "selectielijst_procestype", "referentieproces", "verantwoordelijke", "zaakobjecttypen",
            "broncatalogus", "bronzaaktype", "catalogus", "statustypen", "resultaattypen", "eigenschappen",
            "informatieobjecttypen", "informatieobjecttype_omschrijving", "roltypen", "besluittypen",
            "besluittype_omschrijving", "deelzaaktypen", "deelzaaktype_identificaties",
            "gerelateerde_zaaktypen", "begin_geldigheid", "einde_geldigheid", "begin_object", "einde_object",
            "versiedatum", "concept",
        )
        read_only_fields = ("concept",)
        extra_kwargs = {"producten_of_diensten": {"required": True}}

    computed_fields = ("informatieobjecttypen", "informatieobjecttype_omschrijving", "besluittypen",
                       "deelzaaktypen", "gerelateerde_zaaktypen")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("selectielijst_procestype"):
            validate_selectielijst_procestype(attrs["selectielijst_procestype"])
        catalogus = attrs.get("catalogus") or getattr(self.instance, "catalogus", None)
        if "besluittype_omschrijvingen" in attrs:
            names = names_or_urls(attrs["besluittype_omschrijvingen"], BesluitType, "omschrijving", "besluittypen")
            known = set(BesluitType.objects.filter(catalogus=catalogus, omschrijving__in=names)
                        .values_list("omschrijving", flat=True))
            unknown = [name for name in names if name not in known]
            if unknown:
                raise field_error("besluittypen", f"Onbekend besluittype in deze catalogus: {', '.join(unknown)}",
                                  "does_not_exist")
            attrs["besluittype_omschrijvingen"] = names
        if "deelzaaktype_identificaties" in attrs:
            attrs["deelzaaktype_identificaties"] = names_or_urls(
                attrs["deelzaaktype_identificaties"], ZaakType, "identificatie", "deelzaaktypen")
        if "gerelateerde_zaaktypen" in attrs:
            attrs["gerelateerde_zaaktypen"] = [
                {**relatie, "zaaktype": names_or_urls([relatie["zaaktype"]], ZaakType, "identificatie",
                                                      "gerelateerdeZaaktypen")[0]}
                for relatie in attrs["gerelateerde_zaaktypen"]]
        verlenging = attrs.get("verlenging_mogelijk", getattr(self.instance, "verlenging_mogelijk", False))
        termijn = attrs.get("verlengingstermijn", getattr(self.instance, "verlengingstermijn", ""))
        if verlenging and not termijn:
            raise field_error("verlengingstermijn", "Verplicht als verlengingMogelijk waar is.", "required")
        return attrs

    def represent(self, instance, ctx):
        data = super().represent(instance, ctx)
        build = ctx.urls
        data["besluittypen"] = [build("besluittype", uuid) for uuid in instance.besluittypen_resolved]
        data["informatieobjecttypen"] = [build("informatieobjecttype", uuid)
                                         for uuid in instance.informatieobjecttypen_resolved]
        data["informatieobjecttypeOmschrijving"] = sorted(set(instance.ziot_omschrijvingen))
        by_identificatie = {}
        for uuid, identificatie in split_pairs(instance.zaaktypen_pairs):
            by_identificatie.setdefault(identificatie, uuid)
        data["deelzaaktypen"] = [build("zaaktype", by_identificatie[i]) for i in instance.deelzaaktype_identificaties
                                 if i in by_identificatie]
        data["gerelateerdeZaaktypen"] = [{
            "zaaktype": build("zaaktype", by_identificatie[relatie["zaaktype"]])
            if relatie["zaaktype"] in by_identificatie else "",
            "zaaktypeIdentificatie": relatie["zaaktype"],
            "aardRelatie": relatie["aard_relatie"],
            "toelichting": relatie.get("toelichting", ""),
        } for relatie in instance.gerelateerde_zaaktypen]
        if not instance.broncatalogus_url:
            data["broncatalogus"] = None
        if not instance.bronzaaktype_url:
            data["bronzaaktype"] = None
        return data


# --- the parts of a zaaktype --------------------------------------------------------------------

class ZaaktypeGeldigheidField(serializers.DateField):
    """Geldigheid of a zaaktype part is its zaaktype's; a given beginGeldigheid must match it."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def reader(self):
        annotation = f"zaaktype_{self.field_name}"  # see selectors._parts

        def read(instance, ctx):
            value = getattr(instance, annotation)
            return value.isoformat() if value else None
        return read


class ZaaktypeOnderdeelSerializer(CompiledSerializerMixin, serializers.ModelSerializer):
    zaaktype = FastHyperlinkedRelatedField("zaaktype", queryset=ZaakType.objects.select_related("catalogus"))
    zaaktype_identificatie = serializers.CharField(read_only=True)
    catalogus = serializers.SerializerMethodField()
    begin_geldigheid = ZaaktypeGeldigheidField()
    einde_geldigheid = ZaaktypeGeldigheidField()
    begin_object = ZaaktypeGeldigheidField()
    einde_object = ZaaktypeGeldigheidField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_catalogus(self, obj) -> str:
        return self.read_catalogus(obj, None)

    def read_catalogus(self, obj, ctx) -> str:
        return ctx.urls("catalogus", obj.catalogus_uuid)

    def validate(self, attrs):
        zaaktype = attrs.get("zaaktype") or getattr(self.instance, "zaaktype", None)
        begin = attrs.pop("begin_geldigheid", None)
        for field in ("einde_geldigheid", "begin_object", "einde_object"):
            attrs.pop(field, None)
        if begin and zaaktype and begin not in (zaaktype.begin_geldigheid, zaaktype.versiedatum):
            raise field_error("begin_geldigheid", "beginGeldigheid moet gelijk zijn aan die (of de versiedatum) "
                              "van het zaaktype.", "date-mismatch")
        return attrs


class CheckListItemSerializer(CompiledSerializerMixin, serializers.Serializer):
    itemnaam = serializers.CharField(max_length=30)
    toelichting = serializers.CharField(max_length=1000, required=False, allow_blank=True, allow_null=True)
    vraagstelling = serializers.CharField(max_length=255)
    verplicht = serializers.BooleanField(required=False, default=False)

    reads_mappings = True  # the items are stored JSON objects


class StatusTypeSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("statustype")
    is_eindstatus = serializers.SerializerMethodField()
    doorlooptijd = nullable_duration()
    toelichting = serializers.CharField(max_length=1000, required=False, allow_blank=True, allow_null=True)
    checklistitem_statustype = CheckListItemSerializer(many=True, required=False)
    eigenschappen = FastHyperlinkedRelatedField("eigenschap", many=True, required=False,
                                                queryset=Eigenschap.objects.all())

    class Meta:
        model = StatusType
        fields = ("url", "omschrijving", "omschrijving_generiek", "statustekst", "zaaktype", "catalogus",
                  "zaaktype_identificatie", "volgnummer", "is_eindstatus", "informeren", "doorlooptijd",
                  "toelichting", "checklistitem_statustype", "eigenschappen", "begin_geldigheid",
                  "einde_geldigheid", "begin_object", "einde_object")
        validators = []

    def get_is_eindstatus(self, obj) -> bool:
        return obj.volgnummer == obj.hoogste_volgnummer

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("toelichting") is None:
            attrs.pop("toelichting", None)
        zaaktype = attrs.get("zaaktype") or self.instance.zaaktype
        volgnummer = attrs.get("volgnummer", getattr(self.instance, "volgnummer", None))
        clash = StatusType.objects.filter(zaaktype=zaaktype, volgnummer=volgnummer)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise field_error("volgnummer", "Dit zaaktype heeft al een statustype met dit volgnummer.", "unique")
        for eigenschap in attrs.get("eigenschappen", []):
            if eigenschap.zaaktype_id != zaaktype.pk:
                raise field_error("eigenschappen", "De eigenschap hoort bij een ander zaaktype.", "relation-mismatch")
        return attrs


class RolTypeSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("roltype")

    class Meta:
        model = RolType
        fields = ("url", "zaaktype", "zaaktype_identificatie", "omschrijving", "omschrijving_generiek",
                  "catalogus", "begin_geldigheid", "einde_geldigheid", "begin_object", "einde_object")


class BrondatumArchiefprocedureSerializer(ClearableGroupMixin, CompiledSerializerMixin, serializers.Serializer):
    afleidingswijze = serializers.ChoiceField(source="brondatum_afleidingswijze", choices=Afleidingswijze.choices)
    datumkenmerk = serializers.CharField(source="brondatum_datumkenmerk", max_length=80, required=False,
                                         allow_blank=True)
    einddatum_bekend = serializers.BooleanField(source="brondatum_einddatum_bekend", required=False, default=False)
    objecttype = serializers.ChoiceField(source="brondatum_objecttype", choices=Objecttype.choices,
                                         required=False, allow_blank=True)
    registratie = serializers.CharField(source="brondatum_registratie", max_length=80, required=False,
                                        allow_blank=True)
    procestermijn = DurationField(source="brondatum_procestermijn", required=False, allow_null=True,
                                  allow_blank=True)


class ResultaatTypeSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("resultaattype")
    omschrijving_generiek = serializers.CharField(read_only=True)
    archiefactietermijn = nullable_duration()
    procestermijn = nullable_duration()
    brondatum_archiefprocedure = BrondatumArchiefprocedureSerializer(source="*", required=False, allow_null=True)
    procesobjectaard = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    indicatie_specifiek = serializers.BooleanField(required=False, allow_null=True)
    besluittypen = FastHyperlinkedRelatedField("besluittype", many=True, required=False,
                                               queryset=BesluitType.objects.all())
    besluittype_omschrijving = serializers.SerializerMethodField()
    informatieobjecttypen = FastHyperlinkedRelatedField("informatieobjecttype", many=True, required=False,
                                                        queryset=InformatieObjectType.objects.all())
    informatieobjecttype_omschrijving = serializers.SerializerMethodField()
    catalogus = serializers.SerializerMethodField()

    class Meta:
        model = ResultaatType
        fields = ("url", "zaaktype", "zaaktype_identificatie", "omschrijving", "resultaattypeomschrijving",
                  "omschrijving_generiek", "selectielijstklasse", "toelichting", "archiefnominatie",
                  "archiefactietermijn", "brondatum_archiefprocedure", "procesobjectaard", "catalogus",
                  "begin_geldigheid", "einde_geldigheid", "begin_object", "einde_object", "indicatie_specifiek",
                  "procestermijn", "besluittypen", "besluittype_omschrijving", "informatieobjecttypen",
                  "informatieobjecttype_omschrijving")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_catalogus(self, obj) -> str:
        return self.read_catalogus(obj, None)

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_besluittype_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.besluittypen_omschrijvingen))

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_informatieobjecttype_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.informatieobjecttypen_omschrijvingen))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("procesobjectaard") is None:
            attrs.pop("procesobjectaard", None)
        merged = {field.name: getattr(self.instance, field.name)
                  for field in ResultaatType._meta.concrete_fields} if self.instance else {}
        merged.update(attrs)
        validate_brondatum_archiefprocedure(merged)
        zaaktype = merged.get("zaaktype")
        apply_selectielijstklasse(attrs, zaaktype)
        for field in ("besluittypen", "informatieobjecttypen"):
            for related in attrs.get(field, []):
                if related.catalogus_id != zaaktype.catalogus_id:
                    raise field_error(field, "Dit type hoort bij een andere catalogus.", "relation-mismatch")
        return attrs

    def represent(self, instance, ctx):
        data = super().represent(instance, ctx)
        if not instance.brondatum_afleidingswijze:
            data["brondatumArchiefprocedure"] = None
        return data


class EigenschapSpecificatieSerializer(CompiledSerializerMixin, serializers.Serializer):
    groep = serializers.CharField(source="specificatie_groep", max_length=32, required=False, allow_blank=True)
    formaat = serializers.ChoiceField(source="specificatie_formaat", choices=Formaat.choices)
    lengte = serializers.CharField(source="specificatie_lengte", max_length=14)
    kardinaliteit = serializers.CharField(source="specificatie_kardinaliteit", max_length=3)
    waardenverzameling = serializers.ListField(source="specificatie_waardenverzameling", required=False,
                                               child=serializers.CharField(max_length=100))


class EigenschapSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("eigenschap")
    specificatie = EigenschapSpecificatieSerializer(source="*")
    statustype = FastHyperlinkedRelatedField("statustype", required=False, allow_null=True,
                                             queryset=StatusType.objects.all())

    class Meta:
        model = Eigenschap
        fields = ("url", "naam", "catalogus", "definitie", "specificatie", "toelichting", "zaaktype",
                  "zaaktype_identificatie", "statustype", "begin_geldigheid", "einde_geldigheid", "begin_object",
                  "einde_object")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        merged = {"specificatie_formaat": getattr(self.instance, "specificatie_formaat", None),
                  "specificatie_lengte": getattr(self.instance, "specificatie_lengte", None), **attrs}
        validate_eigenschap_specificatie(merged)
        zaaktype = attrs.get("zaaktype") or self.instance.zaaktype
        statustype = attrs.get("statustype")
        if statustype is not None and statustype.zaaktype_id != zaaktype.pk:
            raise field_error("statustype", "Het statustype hoort bij een ander zaaktype.", "relation-mismatch")
        return attrs


class ZaakObjectTypeSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("zaakobjecttype")
    catalogus = FastHyperlinkedRelatedField("catalogus", queryset=Catalogus.objects.all())
    resultaattypen = UrlsField("resultaattype")
    resultaattype_omschrijving = serializers.SerializerMethodField()
    statustypen = UrlsField("statustype")

    class Meta:
        model = ZaakObjectType
        fields = ("url", "ander_objecttype", "begin_geldigheid", "einde_geldigheid", "begin_object",
                  "einde_object", "objecttype", "relatie_omschrijving", "zaaktype", "zaaktype_identificatie",
                  "resultaattypen", "resultaattype_omschrijving", "statustypen", "catalogus")

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_resultaattype_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.resultaattypen_omschrijvingen))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        zaaktype = attrs.get("zaaktype") or self.instance.zaaktype
        catalogus = attrs.pop("catalogus", None)
        if catalogus is not None and catalogus.pk != zaaktype.catalogus_id:
            raise field_error("catalogus", "De catalogus is niet die van het zaaktype.", "relation-mismatch")
        return attrs


class ZaakTypeInformatieObjectTypeSerializer(ZaaktypeOnderdeelSerializer):
    url = SelfUrlField("zaaktypeinformatieobjecttype")
    informatieobjecttype = serializers.CharField(
        source="informatieobjecttype_omschrijving", max_length=1000,
        help_text="Omschrijving (of URL) van het informatieobjecttype; het antwoord geeft de URL van de "
                  "gepubliceerde versie die geldig is.")
    statustype = FastHyperlinkedRelatedField("statustype", required=False, allow_null=True,
                                             queryset=StatusType.objects.all())

    class Meta:
        model = ZaakTypeInformatieObjectType
        fields = ("url", "zaaktype", "zaaktype_identificatie", "catalogus", "informatieobjecttype",
                  "volgnummer", "richting", "statustype")
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        zaaktype = attrs.get("zaaktype") or self.instance.zaaktype
        if "informatieobjecttype_omschrijving" in attrs:
            [name] = names_or_urls([attrs["informatieobjecttype_omschrijving"]], InformatieObjectType,
                                   "omschrijving", "informatieobjecttype")
            if not InformatieObjectType.objects.filter(catalogus_id=zaaktype.catalogus_id, omschrijving=name).exists():
                raise field_error("informatieobjecttype", f"Onbekend informatieobjecttype in deze catalogus: {name}",
                                  "does_not_exist")
            attrs["informatieobjecttype_omschrijving"] = name
        statustype = attrs.get("statustype")
        if statustype is not None and statustype.zaaktype_id != zaaktype.pk:
            raise field_error("statustype", "Het statustype hoort bij een ander zaaktype.", "relation-mismatch")
        volgnummer = attrs.get("volgnummer", getattr(self.instance, "volgnummer", None))
        clash = ZaakTypeInformatieObjectType.objects.filter(zaaktype=zaaktype, volgnummer=volgnummer)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise field_error("volgnummer", "Dit zaaktype heeft al dit volgnummer.", "unique")
        return attrs

    def represent(self, instance, ctx):
        data = super().represent(instance, ctx)
        if instance.informatieobjecttype_resolved:
            data["informatieobjecttype"] = ctx.urls("informatieobjecttype", instance.informatieobjecttype_resolved)
        return data


# --- informatieobjecttype and besluittype -------------------------------------------------------

class OmschrijvingGeneriekSerializer(ClearableGroupMixin, CompiledSerializerMixin, serializers.Serializer):
    informatieobjecttype_omschrijving_generiek = serializers.CharField(
        source="omschrijving_generiek_informatieobjecttype", max_length=80)
    definitie_informatieobjecttype_omschrijving_generiek = serializers.CharField(
        source="omschrijving_generiek_definitie", max_length=255)
    herkomst_informatieobjecttype_omschrijving_generiek = serializers.CharField(
        source="omschrijving_generiek_herkomst", max_length=12)
    hierarchie_informatieobjecttype_omschrijving_generiek = serializers.CharField(
        source="omschrijving_generiek_hierarchie", max_length=80)
    opmerking_informatieobjecttype_omschrijving_generiek = serializers.CharField(
        source="omschrijving_generiek_opmerking", max_length=255, required=False, allow_blank=True,
        allow_null=True)

    def validate(self, attrs):
        if attrs.get("omschrijving_generiek_opmerking") is None:
            attrs.pop("omschrijving_generiek_opmerking", None)
        return attrs


class InformatieObjectTypeSerializer(CompiledSerializerMixin, GeldigheidSerializerMixin, serializers.ModelSerializer):
    url = SelfUrlField("informatieobjecttype")
    catalogus = FastHyperlinkedRelatedField("catalogus", queryset=Catalogus.objects.all())
    begin_geldigheid = serializers.DateField()
    zaaktypen = ReadOnlyUrlList()
    zaaktype_identificaties = serializers.ListField(child=serializers.CharField(), read_only=True)
    besluittypen = ReadOnlyUrlList()
    besluittype_omschrijving = serializers.ListField(child=serializers.CharField(), read_only=True)
    omschrijving_generiek = OmschrijvingGeneriekSerializer(source="*", required=False, allow_null=True)

    class Meta:
        model = InformatieObjectType
        fields = ("url", "catalogus", "omschrijving", "vertrouwelijkheidaanduiding", "begin_geldigheid",
                  "einde_geldigheid", "begin_object", "einde_object", "concept", "zaaktypen",
                  "zaaktype_identificaties", "besluittypen", "besluittype_omschrijving",
                  "informatieobjectcategorie", "trefwoord", "omschrijving_generiek")
        read_only_fields = ("concept",)

    computed_fields = ("zaaktypen", "zaaktype_identificaties", "besluittypen", "besluittype_omschrijving")

    def represent(self, instance, ctx):
        data = super().represent(instance, ctx)
        build = ctx.urls
        zaaktypen = split_pairs(instance.zaaktypen_pairs)
        data["zaaktypen"] = [build("zaaktype", uuid) for uuid, _ in zaaktypen]
        data["zaaktypeIdentificaties"] = sorted({identificatie for _, identificatie in zaaktypen})
        besluittypen = split_pairs(instance.besluittypen_pairs)
        data["besluittypen"] = [build("besluittype", uuid) for uuid, _ in besluittypen]
        data["besluittypeOmschrijving"] = sorted({omschrijving for _, omschrijving in besluittypen})
        if not instance.omschrijving_generiek_informatieobjecttype:
            data["omschrijvingGeneriek"] = None
        return data


class BesluitTypeSerializer(CompiledSerializerMixin, GeldigheidSerializerMixin, serializers.ModelSerializer):
    url = SelfUrlField("besluittype")
    catalogus = FastHyperlinkedRelatedField("catalogus", queryset=Catalogus.objects.all())
    begin_geldigheid = serializers.DateField()
    reactietermijn = nullable_duration()
    publicatietermijn = nullable_duration()
    zaaktypen = ReadOnlyUrlList()
    zaaktype_identificaties = serializers.ListField(child=serializers.CharField(), read_only=True)
    informatieobjecttypen = NameOrUrlList(
        source="informatieobjecttype_omschrijvingen",
        help_text="Omschrijvingen (of URL's) van de informatieobjecttypen; het antwoord geeft de URL's van "
                  "de gepubliceerde versies die geldig zijn.")
    informatieobjecttype_omschrijvingen = serializers.ListField(child=serializers.CharField(), read_only=True)
    resultaattypen = UrlsField("resultaattype")
    resultaattypen_omschrijving = serializers.SerializerMethodField()
    vastgelegd_in = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = BesluitType
        fields = ("url", "catalogus", "zaaktypen", "zaaktype_identificaties", "omschrijving",
                  "omschrijving_generiek", "besluitcategorie", "reactietermijn", "publicatie_indicatie",
                  "publicatietekst", "publicatietermijn", "toelichting", "informatieobjecttypen",
                  "informatieobjecttype_omschrijvingen", "begin_geldigheid", "einde_geldigheid", "begin_object",
                  "einde_object", "concept", "resultaattypen", "resultaattypen_omschrijving", "vastgelegd_in")
        read_only_fields = ("concept",)

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "uniqueItems": True})
    def get_resultaattypen_omschrijving(self, obj) -> list[str]:
        return sorted(set(obj.resultaattypen_omschrijvingen))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        catalogus = attrs.get("catalogus") or getattr(self.instance, "catalogus", None)
        if "informatieobjecttype_omschrijvingen" in attrs:
            names = names_or_urls(attrs["informatieobjecttype_omschrijvingen"], InformatieObjectType,
                                  "omschrijving", "informatieobjecttypen")
            known = set(InformatieObjectType.objects.filter(catalogus=catalogus, omschrijving__in=names)
                        .values_list("omschrijving", flat=True))
            unknown = [name for name in names if name not in known]
            if unknown:
                raise field_error("informatieobjecttypen", "Onbekend informatieobjecttype in deze catalogus: "
                                  f"{', '.join(unknown)}", "does_not_exist")
            attrs["informatieobjecttype_omschrijvingen"] = names
        return attrs

    computed_fields = ("zaaktypen", "zaaktype_identificaties", "informatieobjecttypen")

    def represent(self, instance, ctx):
        data = super().represent(instance, ctx)
        build = ctx.urls
        data["informatieobjecttypen"] = [build("informatieobjecttype", uuid)
                                         for uuid in instance.informatieobjecttypen_resolved]
        zaaktypen = split_pairs(instance.zaaktypen_pairs)
        data["zaaktypen"] = [build("zaaktype", uuid) for uuid, _ in zaaktypen]
        data["zaaktypeIdentificaties"] = sorted({identificatie for _, identificatie in zaaktypen})
        return data


# Only the contract: the answer to POST /besluittypen, which the standard gives a deprecated
# `informatieobjecttypeOmschrijving` (the same names) beside `informatieobjecttypeOmschrijvingen`.
class BesluitTypePostResponseSerializer(BesluitTypeSerializer):
    informatieobjecttype_omschrijving = DeprecatedNames(
        help_text="Omschrijving van de aard van informatieobjecten van dit INFORMATIEOBJECTTYPE.")

    class Meta(BesluitTypeSerializer.Meta):
        fields = tuple(name for field in BesluitTypeSerializer.Meta.fields for name in (
            (field, "informatieobjecttype_omschrijving") if field == "informatieobjecttype_omschrijvingen"
            else (field,)))
