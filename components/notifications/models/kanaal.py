"""Kanalen: the named channels publishers send notificaties on, with the kenmerken they carry."""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Kanaal(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    naam = models.CharField(max_length=50, unique=True,
                            help_text='Naam van het KANAAL (ook wel "Exchange" genoemd) dat de bron vertegenwoordigd.')
    documentatie_link = models.CharField(max_length=200, blank=True, help_text="URL naar documentatie.")
    filters = ArrayField(
        models.CharField(max_length=100), default=list, blank=True,
        help_text="Lijst van mogelijke filter kenmerken van een KANAAL. Deze filter kenmerken kunnen worden "
                  "gebruikt bij het aanmaken van een ABONNEMENT.")

    class Meta:
        verbose_name = "kanaal"
        verbose_name_plural = "kanalen"
        ordering = ("naam",)

    def __str__(self) -> str:
        return self.naam
