"""Query parameters of the ten list endpoints, named exactly as the standard names them."""

from django_filters import rest_framework as filters
from rest_framework.exceptions import ErrorDetail, ValidationError

from ..choices import Richting, RolOmschrijving, Status
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
from .relations import uuid_from_url, valid_on


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    """A comma-separated list of strings."""


class UrlFilter(filters.CharFilter):
    """A resource URL, matched on its trailing UUID (`field_name` names the related uuid)."""

    def filter(self, qs, value):
        if not value:
            return qs
        uuid = uuid_from_url(value)
        if uuid is None:
            parameter = self.field_name.removesuffix("__uuid").rsplit("__", 1)[-1]
            raise ValidationError({parameter: [ErrorDetail("Geen geldige resource-URL.", code="invalid")]})
        return qs.filter(**{self.field_name: uuid})


class CatalogiFilterSet(filters.FilterSet):
    """Adds `status` (default `definitief`) and `datumGeldigheid` over `version_prefix`."""

    version_prefix = ""  # "" for versioned types, "zaaktype__" for their parts
    has_status = True

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.has_status:
            status = self.form.cleaned_data.get("status") or Status.definitief
            if status != Status.alles:
                queryset = queryset.filter(**{f"{self.version_prefix}concept": status == Status.concept})
        return queryset

    def filter_datum_geldigheid(self, queryset, name, value):
        return queryset.filter(valid_on(value, self.version_prefix))


def status_filter():
    return filters.ChoiceFilter(
        choices=Status.choices, method=lambda qs, name, value: qs,
        help_text="filter objects depending on their concept status:\n* `alles`: Toon objecten waarvan het "
                  "attribuut `concept` true of false is.\n* `concept`: Toon objecten waarvan het attribuut "
                  "`concept` true is.\n* `definitief`: Toon objecten waarvan het attribuut `concept` false is "
                  "(standaard).")


def datum_geldigheid_filter():
    return filters.DateFilter(method="filter_datum_geldigheid",
                              help_text="filter objecten op hun geldigheids datum.")


class CatalogusFilter(filters.FilterSet):
    domein__in = CharInFilter(field_name="domein", lookup_expr="in")
    rsin__in = CharInFilter(field_name="rsin", lookup_expr="in")

    class Meta:
        model = Catalogus
        fields = ("domein", "rsin")


class ZaakTypeFilter(CatalogiFilterSet):
    catalogus = UrlFilter(field_name="catalogus__uuid", help_text="URL-referentie naar de CATALOGUS.")
    trefwoorden = CharInFilter(field_name="trefwoorden", method="filter_trefwoorden",
                               help_text="Multiple values may be separated by commas.")
    status = status_filter()
    datumGeldigheid = datum_geldigheid_filter()  # noqa: N815

    class Meta:
        model = ZaakType
        fields = ("catalogus", "identificatie")

    def filter_trefwoorden(self, queryset, name, value):
        return queryset.filter(trefwoorden__contains=value)


class OnderdeelFilter(CatalogiFilterSet):
    """Filters every part of a zaaktype shares."""

    version_prefix = "zaaktype__"
    zaaktype = UrlFilter(field_name="zaaktype__uuid", help_text="URL-referentie naar het ZAAKTYPE.")
    zaaktypeIdentificatie = filters.CharFilter(field_name="zaaktype__identificatie")  # noqa: N815
    status = status_filter()
    datumGeldigheid = datum_geldigheid_filter()  # noqa: N815


class StatusTypeFilter(OnderdeelFilter):
    class Meta:
        model = StatusType
        fields = ()


class EigenschapFilter(OnderdeelFilter):
    class Meta:
        model = Eigenschap
        fields = ()


class RolTypeFilter(OnderdeelFilter):
    omschrijvingGeneriek = filters.ChoiceFilter(field_name="omschrijving_generiek",  # noqa: N815
                                                choices=RolOmschrijving.choices)

    class Meta:
        model = RolType
        fields = ()


class ResultaatTypeFilter(OnderdeelFilter):
    # The standard lists both spellings of these two parameters.
    zaaktype_identificatie = filters.CharFilter(field_name="zaaktype__identificatie")
    datum_geldigheid = datum_geldigheid_filter()

    class Meta:
        model = ResultaatType
        fields = ()


class ZaakObjectTypeFilter(OnderdeelFilter):
    has_status = False
    status = None
    anderObjecttype = filters.BooleanFilter(field_name="ander_objecttype")  # noqa: N815
    catalogus = UrlFilter(field_name="zaaktype__catalogus__uuid")
    datumBeginGeldigheid = filters.DateFilter(field_name="zaaktype__begin_geldigheid")  # noqa: N815
    datumEindeGeldigheid = filters.DateFilter(field_name="zaaktype__einde_geldigheid")  # noqa: N815
    objecttype = filters.CharFilter(field_name="objecttype")
    relatieOmschrijving = filters.CharFilter(field_name="relatie_omschrijving")  # noqa: N815

    class Meta:
        model = ZaakObjectType
        fields = ()


class ZaakTypeInformatieObjectTypeFilter(OnderdeelFilter):
    zaaktypeIdentificatie = None  # noqa: N815
    datumGeldigheid = None  # noqa: N815
    informatieobjecttype = filters.CharFilter(method="filter_informatieobjecttype",
                                              help_text="URL-referentie naar het INFORMATIEOBJECTTYPE.")
    richting = filters.ChoiceFilter(choices=Richting.choices)

    class Meta:
        model = ZaakTypeInformatieObjectType
        fields = ()

    def filter_informatieobjecttype(self, queryset, name, value):
        iot = InformatieObjectType.objects.filter(uuid=uuid_from_url(value)).first() if uuid_from_url(value) else None
        if iot is None:
            return queryset.none()
        return queryset.filter(informatieobjecttype_omschrijving=iot.omschrijving,
                               zaaktype__catalogus_id=iot.catalogus_id)


class InformatieObjectTypeFilter(CatalogiFilterSet):
    catalogus = UrlFilter(field_name="catalogus__uuid")
    status = status_filter()
    datumGeldigheid = datum_geldigheid_filter()  # noqa: N815

    class Meta:
        model = InformatieObjectType
        fields = ("catalogus", "omschrijving")


class BesluitTypeFilter(CatalogiFilterSet):
    catalogus = UrlFilter(field_name="catalogus__uuid")
    zaaktypen = filters.CharFilter(method="filter_zaaktypen", help_text="ZAAKTYPE met ZAAKen die relevant "
                                   "kunnen zijn voor dit BESLUITTYPE")
    informatieobjecttypen = filters.CharFilter(method="filter_informatieobjecttypen")
    status = status_filter()
    datumGeldigheid = datum_geldigheid_filter()  # noqa: N815

    class Meta:
        model = BesluitType
        fields = ("catalogus", "omschrijving")

    def filter_zaaktypen(self, queryset, name, value):
        zaaktype = ZaakType.objects.filter(uuid=uuid_from_url(value)).first() if uuid_from_url(value) else None
        if zaaktype is None:
            return queryset.none()
        return queryset.filter(catalogus_id=zaaktype.catalogus_id,
                               omschrijving__in=zaaktype.besluittype_omschrijvingen)

    def filter_informatieobjecttypen(self, queryset, name, value):
        iot = InformatieObjectType.objects.filter(uuid=uuid_from_url(value)).first() if uuid_from_url(value) else None
        if iot is None:
            return queryset.none()
        return queryset.filter(catalogus_id=iot.catalogus_id,
                               informatieobjecttype_omschrijvingen__contains=[iot.omschrijving])
