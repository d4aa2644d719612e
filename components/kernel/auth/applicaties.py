"""What a client may do: its applicatie and autorisaties, as plain values any component can read."""

from dataclasses import dataclass, field

from .scopes import Scope

# Ordered from least to most confidential: the index is the level a max-aanduiding compares by.
VERTROUWELIJKHEIDAANDUIDINGEN = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)


def vertrouwelijkheid_level(aanduiding: str) -> int:
    return VERTROUWELIJKHEIDAANDUIDINGEN.index(aanduiding)


@dataclass(frozen=True)
class Autorisatie:
    component: str
    scopes: frozenset[str]
    zaaktype: str = ""
    informatieobjecttype: str = ""
    besluittype: str = ""
    max_vertrouwelijkheidaanduiding: str = ""

    def to_dict(self) -> dict:
        return {
            "component": self.component,
            "scopes": sorted(self.scopes),
            "zaaktype": self.zaaktype,
            "informatieobjecttype": self.informatieobjecttype,
            "besluittype": self.besluittype,
            "max_vertrouwelijkheidaanduiding": self.max_vertrouwelijkheidaanduiding,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Autorisatie":
        return cls(
            component=data["component"],
            scopes=frozenset(data.get("scopes") or ()),
            zaaktype=data.get("zaaktype") or "",
            informatieobjecttype=data.get("informatieobjecttype") or "",
            besluittype=data.get("besluittype") or "",
            max_vertrouwelijkheidaanduiding=data.get("max_vertrouwelijkheidaanduiding") or "",
        )


@dataclass(frozen=True)
class Applicatie:
    uuid: str
    label: str
    client_ids: tuple[str, ...]
    heeft_alle_autorisaties: bool = False
    alleen_is_gereed_voor_publicatie: bool = False
    autorisaties: tuple[Autorisatie, ...] = field(default_factory=tuple)

    def scopes_for(self, component: str) -> set[str]:
        return {s for a in self.autorisaties if a.component == component for s in a.scopes}

    def may(self, component: str, scope: Scope) -> bool:
        """Whether any autorisatie for `component` grants `scope` (superusers may do anything)."""
        if self.heeft_alle_autorisaties:
            return True
        return scope.is_granted(self.scopes_for(component))

    def autorisaties_for(self, component: str, scope: Scope) -> list[Autorisatie]:
        """The autorisaties that grant `scope`: used to filter lists by type and confidentiality."""
        return [a for a in self.autorisaties if a.component == component and scope.is_granted(a.scopes)]

    def to_dict(self) -> dict:
        return {
            "uuid": self.uuid,
            "label": self.label,
            "client_ids": list(self.client_ids),
            "heeft_alle_autorisaties": self.heeft_alle_autorisaties,
            "alleen_is_gereed_voor_publicatie": self.alleen_is_gereed_voor_publicatie,
            "autorisaties": [a.to_dict() for a in self.autorisaties],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Applicatie":
        return cls(
            uuid=str(data["uuid"]),
            label=data.get("label", ""),
            client_ids=tuple(data.get("client_ids") or ()),
            heeft_alle_autorisaties=bool(data.get("heeft_alle_autorisaties")),
            alleen_is_gereed_voor_publicatie=bool(data.get("alleen_is_gereed_voor_publicatie")),
            autorisaties=tuple(Autorisatie.from_dict(a) for a in data.get("autorisaties") or ()),
        )
