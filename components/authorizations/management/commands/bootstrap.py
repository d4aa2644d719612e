"""Make a fresh installation usable: the service client the components share, and a demo client.

Idempotent: `make up` runs it on every start.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from ...models import Applicatie, ClientCredential

DEMO_CLIENT_ID = "grondwerk-demo"


def ensure_client(client_id: str, label: str, secret: str | None = None) -> ClientCredential:
    credential, created = ClientCredential.objects.get_or_create(client_id=client_id)
    if secret is not None and credential.secret != secret:
        credential.secret = secret
        credential.save(update_fields=["secret"])
    if not Applicatie.objects.filter(client_ids__contains=[client_id]).exists():
        Applicatie.objects.create(client_ids=[client_id], label=label, heeft_alle_autorisaties=True)
    return credential


class Command(BaseCommand):
    help = "Ensure the service client and (unless --no-demo) the demo client exist."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true")
        parser.add_argument("--print-demo", action="store_true",
                            help="print the demo credentials as shell variables (development only)")

    @transaction.atomic
    def handle(self, no_demo, print_demo, **options):
        ensure_client(settings.SERVICE_CLIENT_ID, "Grondwerk services", settings.SERVICE_SECRET)
        if no_demo:
            return
        demo = ensure_client(DEMO_CLIENT_ID, "Grondwerk demo")
        if print_demo:
            self.stdout.write(f"DEMO_CLIENT_ID={demo.client_id}\nDEMO_SECRET={demo.secret}")
