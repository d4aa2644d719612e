"""Create a client: credentials plus its applicatie; prints the secret once."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...models import Applicatie, Autorisatie, ClientCredential


class Command(BaseCommand):
    help = ("Create a client id with a new secret and an applicatie. Use --all for every right, "
            "or --scopes component:scope,... (e.g. ac:autorisaties.lezen). The secret is shown once.")

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("--label", default="")
        parser.add_argument("--all", action="store_true", help="heeftAlleAutorisaties")
        parser.add_argument("--scopes", default="", help="component:scope,component:scope")

    @transaction.atomic
    def handle(self, client_id, label, all, scopes, **options):
        if ClientCredential.objects.filter(client_id=client_id).exists():
            raise CommandError(f"client id '{client_id}' exists; rotate its secret in the admin")
        if not all and not scopes:
            raise CommandError("give --all or --scopes")
        credential = ClientCredential.objects.create(client_id=client_id)
        applicatie = Applicatie.objects.filter(client_ids__contains=[client_id]).first()
        if applicatie is None:
            applicatie = Applicatie.objects.create(
                client_ids=[client_id], label=label or client_id, heeft_alle_autorisaties=all)
        per_component: dict[str, list[str]] = {}
        for item in filter(None, scopes.split(",")):
            component, _, scope = item.partition(":")
            per_component.setdefault(component, []).append(scope)
        for component, component_scopes in per_component.items():
            Autorisatie.objects.create(applicatie=applicatie, component=component, scopes=component_scopes)
        self.stdout.write(f"client_id={client_id}\nsecret={credential.secret}")
