from .applicatie import Applicatie, Autorisatie
from .credentials import ClientCredential

__all__ = ["Applicatie", "Autorisatie", "ClientCredential"]
