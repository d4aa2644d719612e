"""Query parameters of `GET /applicaties`."""

from django_filters import rest_framework as filters

from ..models import Applicatie


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    """A comma-separated list of strings."""


class ApplicatieFilter(filters.FilterSet):
    # Named as the standard's query parameter; the model field is snake_case.
    clientIds = CharInFilter(  # noqa: N815
        field_name="client_ids", method="filter_client_ids",
        help_text="Een of meer client ids (komma-gescheiden); applicaties met een van deze ids.")

    class Meta:
        model = Applicatie
        fields = ()

    def filter_client_ids(self, queryset, name, value):
        return queryset.filter(client_ids__overlap=value)
