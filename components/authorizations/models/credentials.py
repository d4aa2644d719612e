"""Client credentials: the shared secret a client signs its JWTs with.

HS256 needs the secret itself to verify, so it cannot be hashed; it lives only in
this component's database, is never returned by an API and never logged.
"""

import secrets

from django.db import models


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ClientCredential(models.Model):
    client_id = models.CharField(max_length=50, unique=True)
    secret = models.CharField(max_length=255, default=new_secret)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "client credential"
        verbose_name_plural = "client credentials"
        ordering = ("client_id",)

    def __str__(self) -> str:
        return self.client_id

    def __repr__(self) -> str:
        return f"<ClientCredential {self.client_id}>"
