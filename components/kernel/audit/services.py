"""Recording an audit row for a write; call inside the write's transaction."""

from django.db import transaction

from .models import AuditTrail

ACTIE_WEERGAVE = {
    "create": "Object aangemaakt",
    "update": "Object bijgewerkt",
    "partial_update": "Object deels bijgewerkt",
    "destroy": "Object verwijderd",
}


def record_audit(request, *, bron: str, actie: str, resultaat: int, hoofd_object: str,
                 hoofd_object_uuid, resource: str, resource_url: str, resource_weergave: str = "",
                 oud=None, nieuw=None) -> AuditTrail:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_audit must run inside the write's transaction")
    client = getattr(request, "user", None)
    identity = getattr(client, "identity", None)
    claims = identity.claims if identity else None
    return AuditTrail.objects.create(
        bron=bron,
        applicatie_id=identity.applicatie.uuid if identity else "",
        applicatie_weergave=identity.applicatie.label if identity else "",
        gebruikers_id=claims.user_id if claims else "",
        gebruikers_weergave=claims.user_representation if claims else "",
        actie=actie,
        actie_weergave=ACTIE_WEERGAVE.get(actie, ""),
        resultaat=resultaat,
        hoofd_object=hoofd_object,
        hoofd_object_uuid=hoofd_object_uuid,
        resource=resource,
        resource_url=resource_url,
        resource_weergave=resource_weergave[:200],
        toelichting=request.headers.get("X-Audit-Toelichting", "") if request else "",
        oud=oud,
        nieuw=nieuw,
        request_id=getattr(request, "request_id", ""),
    )
