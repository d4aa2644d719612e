"""Scope checks that viewsets declare per action: `required_scopes = {"list": SCOPE_X, ...}`."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission

from ..auth.scopes import Scope


def required_scope(view, action: str | None = None) -> Scope:
    action = action or getattr(view, "action", None) or view.request.method.lower()
    scopes = getattr(view, "required_scopes", None)
    if scopes is None or action not in scopes:
        raise ImproperlyConfigured(f"{view.__class__.__name__} declares no scope for '{action}'")
    return scopes[action]


class HasRequiredScopes(BasePermission):
    """The caller's applicatie grants the action's scope for the view's `zgw_component`."""

    message = "Je hebt geen toestemming voor deze actie."
    code = "permission_denied"

    def has_permission(self, request, view) -> bool:
        if request.user is None:
            return False  # DRF turns this into 401 not_authenticated
        if getattr(view, "action_map", None) is not None and view.action is None:
            return True  # a method the viewset does not route: DRF answers 405 next
        scope = required_scope(view)
        return request.auth.applicatie.may(view.zgw_component, scope)
