"""Query parameters of `GET /kanaal` and `GET /deliveries`."""

from django_filters import rest_framework as filters

from ..choices import DeliveryStatus
from ..models import Delivery, Kanaal


class KanaalFilter(filters.FilterSet):
    naam = filters.CharFilter(
        help_text='Naam van het KANAAL (ook wel "Exchange" genoemd) dat de bron vertegenwoordigd.')

    class Meta:
        model = Kanaal
        fields = ("naam",)


class DeliveryFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DeliveryStatus.choices)
    notificatie = filters.UUIDFilter(field_name="notificatie__uuid", help_text="Id van de notificatie.")
    abonnement = filters.UUIDFilter(field_name="abonnement__uuid", help_text="Uuid van het abonnement.")
    kanaal = filters.CharFilter(field_name="notificatie__kanaal__naam", help_text="Naam van het kanaal.")

    class Meta:
        model = Delivery
        fields = ("status", "notificatie", "abonnement", "kanaal")
