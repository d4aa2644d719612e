"""Abonnementen: a callback URL subscribed to kanalen, each with filters on the kenmerken."""

import uuid

from django.db import models

from ..matching import filters_match
from .kanaal import Kanaal


class Abonnement(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    callback_url = models.CharField(
        max_length=1000,
        help_text="De URL waar notificaties naar toe gestuurd dienen te worden. Deze URL dient uit te komen bij "
                  "een API die geschikt is om notificaties op te ontvangen.")
    # Sent as the Authorization header of every delivery; never returned by the API.
    auth = models.CharField(
        max_length=1000,
        help_text='Autorisatie header invulling voor het vesturen naar de "Callback URL". '
                  "Voorbeeld: Bearer a4daa31...")
    client_id = models.CharField(max_length=50, blank=True, help_text="Client id die het abonnement nam.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "abonnement"
        verbose_name_plural = "abonnementen"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.callback_url


class FilterGroup(models.Model):
    """One kanaal of an abonnement with its filters; a notificatie matches if any group matches."""

    abonnement = models.ForeignKey(Abonnement, on_delete=models.CASCADE, related_name="filter_groups")
    kanaal = models.ForeignKey(Kanaal, on_delete=models.CASCADE, related_name="filter_groups")
    filters = models.JSONField(default=dict, blank=True,
                               help_text="Kenmerk -> waarde; `*` staat elke waarde toe.")

    class Meta:
        verbose_name = "kanaal van een abonnement"
        verbose_name_plural = "kanalen van abonnementen"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.kanaal.naam} {self.filters}"

    def matches(self, kenmerken: dict) -> bool:
        return filters_match(self.filters, kenmerken)
