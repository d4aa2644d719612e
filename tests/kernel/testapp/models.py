"""A minimal domain model for kernel tests."""

import uuid

from django.db import models


class Ding(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    naam = models.CharField(max_length=20)
    aantal = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.naam
