from .besluittype import BesluitType
from .catalogus import Catalogus
from .informatieobjecttype import InformatieObjectType
from .onderdelen import (
    Eigenschap,
    ResultaatType,
    RolType,
    StatusType,
    ZaakObjectType,
    ZaakTypeInformatieObjectType,
)
from .zaaktype import ZaakType

__all__ = [
    "BesluitType", "Catalogus", "Eigenschap", "InformatieObjectType", "ResultaatType", "RolType",
    "StatusType", "ZaakObjectType", "ZaakType", "ZaakTypeInformatieObjectType",
]
