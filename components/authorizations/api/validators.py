"""Validation rules of the Autorisaties API (ac-002 and ac-003; ac-001 runs in the write service)."""

from rest_framework import serializers

from ..choices import ComponentTypes

# ac-003: the fields each component's autorisaties must name.
REQUIRED_FIELDS_PER_COMPONENT = {
    ComponentTypes.zrc: ("zaaktype", "max_vertrouwelijkheidaanduiding"),
    ComponentTypes.drc: ("informatieobjecttype", "max_vertrouwelijkheidaanduiding"),
    ComponentTypes.brc: ("besluittype",),
}


def validate_autorisatie_fields(attrs: dict) -> dict:
    """ac-003: component-specific fields are required."""
    missing = {
        field: [serializers.ErrorDetail(
            f"Dit veld is verplicht voor een autorisatie op component '{attrs['component']}'.",
            code="required")]
        for field in REQUIRED_FIELDS_PER_COMPONENT.get(attrs.get("component"), ())
        if not attrs.get(field)
    }
    if missing:
        raise serializers.ValidationError(missing)
    return attrs


def validate_autorisaties_xor(heeft_alle: bool, autorisaties: list) -> None:
    """ac-002: either heeftAlleAutorisaties or a list of autorisaties, never both, never neither."""
    if heeft_alle and autorisaties:
        raise serializers.ValidationError(
            "Geef óf heeftAlleAutorisaties óf autorisaties op, niet beide.",
            code="ambiguous-authorizations-specified")
    if not heeft_alle and not autorisaties:
        raise serializers.ValidationError(
            "Geef heeftAlleAutorisaties of ten minste één autorisatie op.",
            code="missing-authorizations")
