"""Enumerations of the notifications component."""

from django.db import models


class DeliveryStatus(models.TextChoices):
    pending = "pending", "Wacht op (een nieuwe) poging"
    sending = "sending", "Wordt afgeleverd"
    delivered = "delivered", "Afgeleverd"
    failed = "failed", "Mislukt; geparkeerd tot hij opnieuw wordt verstuurd"
