"""`grondwerk cases import_catalogus file.json`: create a catalogus from an export, in one transaction."""

import json

from django.core.management.base import BaseCommand, CommandError

from ...transfer import ImportError_, import_catalogus


class Command(BaseCommand):
    help = "Importeer een catalogus uit een JSON-export (alles of niets)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        try:
            with open(path, encoding="utf-8") as f:
                catalogus = import_catalogus(json.load(f))
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Import mislukt: {exc}")
        except ImportError_ as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"imported catalogus {catalogus.uuid} ({catalogus})")
