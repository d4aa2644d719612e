"""Who may call the Catalogi API: the scopes per action, and ztc-014 for reading."""

from components.kernel.api.permissions import HasRequiredScopes
from components.kernel.auth.scopes import Scope

# ztc-014: the Zaken and Documenten APIs read the catalogus with their own read scope.
READ_SCOPES_OF_OTHER_APIS = (("zrc", Scope("zaken.lezen")), ("drc", Scope("documenten.lezen")))
READ_ACTIONS = {"list", "retrieve"}


class CatalogiScopes(HasRequiredScopes):
    """The action's scope for `ztc`; a read is also allowed with `zaken.lezen` (component `zrc`) or
    `documenten.lezen` (component `drc`), as if it were `catalogi.lezen` (ztc-014)."""

    def has_permission(self, request, view) -> bool:
        if super().has_permission(request, view):
            return True
        if request.user is None or getattr(view, "action", None) not in READ_ACTIONS:
            return False
        applicatie = request.auth.applicatie
        return any(applicatie.may(component, scope) for component, scope in READ_SCOPES_OF_OTHER_APIS)
