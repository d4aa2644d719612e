"""Which abonnementen a notificatie goes to: filters on kenmerken, with `*` for any value."""

WILDCARD = "*"


def filters_match(filters: dict, kenmerken: dict) -> bool:
    """Every filter must hold: `*` accepts any value (or none), anything else must equal the
    notificatie's kenmerk. No filters: every notificatie on the kanaal matches."""
    for key, wanted in (filters or {}).items():
        if wanted == WILDCARD:
            continue
        if key not in kenmerken or str(kenmerken[key]) != str(wanted):
            return False
    return True
