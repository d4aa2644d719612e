"""Scopes of the Autorisaties API: what each one lets a client do."""

from components.kernel.auth.scopes import Scope

SCOPE_AUTORISATIES_LEZEN = Scope(
    "autorisaties.lezen", "Lezen van applicaties en hun autorisaties.")
SCOPE_AUTORISATIES_BIJWERKEN = Scope(
    "autorisaties.bijwerken", "Aanmaken, wijzigen en verwijderen van applicaties en autorisaties.")
