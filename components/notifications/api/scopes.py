"""Scopes of the Notificaties API: what each one lets a client do."""

from components.kernel.auth.scopes import Scope

SCOPE_NOTIFICATIES_CONSUMEREN = Scope(
    "notificaties.consumeren",
    "Abonnementen nemen, wijzigen en verwijderen; kanalen en abonnementen lezen; de afleveringen "
    "aan de eigen abonnementen inzien en opnieuw versturen.")
SCOPE_NOTIFICATIES_PUBLICEREN = Scope(
    "notificaties.publiceren",
    "Kanalen registreren en notificaties publiceren; kanalen en abonnementen lezen.")
