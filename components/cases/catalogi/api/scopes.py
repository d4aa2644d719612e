"""Scopes of the Catalogi API (component `ztc`): what each one lets a client do."""

from components.kernel.auth.scopes import Scope

SCOPE_CATALOGI_LEZEN = Scope("catalogi.lezen", "Lezen van catalogi en alle typen daarin.")
SCOPE_CATALOGI_SCHRIJVEN = Scope(
    "catalogi.schrijven", "Aanmaken, wijzigen, verwijderen en publiceren van concept-typen.")
SCOPE_CATALOGI_FORCED_WRITE = Scope(
    "catalogi.geforceerd-schrijven", "Wijzigen van gepubliceerde typen (een correctie).")
SCOPE_CATALOGI_FORCED_DELETE = Scope(
    "catalogi.geforceerd-verwijderen", "Verwijderen van gepubliceerde typen.")
