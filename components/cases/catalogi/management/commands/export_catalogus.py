"""`grondwerk cases export_catalogus <uuid> [-o file.json]`: a catalogus as one JSON document."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from ...models import Catalogus
from ...transfer import export_catalogus


class Command(BaseCommand):
    help = "Exporteer een catalogus met al zijn typen als één JSON-bestand."

    def add_arguments(self, parser):
        parser.add_argument("uuid")
        parser.add_argument("-o", "--output", default="-")

    def handle(self, uuid, output, **options):
        catalogus = Catalogus.objects.filter(uuid=uuid).first()
        if catalogus is None:
            raise CommandError(f"Geen catalogus met uuid {uuid}.")
        text = json.dumps(export_catalogus(catalogus), indent=2, ensure_ascii=False)
        if output == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
            self.stderr.write(f"wrote {output}")
