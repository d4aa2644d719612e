"""What the versioned catalogus types share: geldigheid dates, the concept flag, ISO-8601 durations."""

import re
import uuid as uuid_lib

from django.core.validators import RegexValidator
from django.db import models

# ISO-8601 durations as the standard writes them ("P30D", "P1Y6M", "PT8H"); kept as text so
# years and months survive the round trip (a timedelta cannot hold them).
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
validate_duration = RegexValidator(ISO_DURATION, "Geen geldige ISO-8601 duur (bijvoorbeeld P30D).",
                                   code="invalid")


def DurationField(**kwargs):  # noqa: N802 - reads like a field class at the call site
    kwargs.setdefault("max_length", 40)
    kwargs.setdefault("blank", True)
    kwargs.setdefault("validators", [validate_duration])
    return models.CharField(**kwargs)


class UuidMixin(models.Model):
    uuid = models.UUIDField(unique=True, default=uuid_lib.uuid4)

    class Meta:
        abstract = True


class GeldigheidMixin(models.Model):
    """A version is valid from `begin_geldigheid` up to and including `einde_geldigheid`."""

    begin_geldigheid = models.DateField(null=True, blank=True, db_index=True)
    einde_geldigheid = models.DateField(null=True, blank=True, db_index=True)
    begin_object = models.DateField(null=True, blank=True)
    einde_object = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class ConceptMixin(models.Model):
    concept = models.BooleanField(default=True, db_index=True,
                                  help_text="Een concept mag nog gewijzigd en verwijderd worden.")

    class Meta:
        abstract = True
