"""Which abonnementen a notificatie goes to: kanaal, filters on kenmerken, `*` for any value."""

import pytest

from components.notifications.delivery import matching_abonnementen
from components.notifications.matching import filters_match
from components.notifications.models import Abonnement, FilterGroup, Kanaal

KENMERKEN = {"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/1", "vertrouwelijkheidaanduiding": "openbaar"}


@pytest.mark.parametrize("filters, matches", [
    ({}, True),
    ({"bronorganisatie": "224557609"}, True),
    ({"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/1"}, True),
    ({"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/2"}, False),
    ({"bronorganisatie": "000000000"}, False),
    ({"zaaktype": "*"}, True),
    ({"zaaktype": "*", "bronorganisatie": "000000000"}, False),
    ({"objectType": "*"}, True),      # `*` also lets a notificatie without that kenmerk through
    ({"objectType": "zaak"}, False),  # a concrete value needs the kenmerk
])
def test_filters_match(filters, matches):
    assert filters_match(filters, KENMERKEN) is matches


@pytest.mark.django_db
def test_matching_abonnementen_per_kanaal_and_group():
    zaken = Kanaal.objects.create(naam="zaken", filters=["bronorganisatie", "zaaktype"])
    documenten = Kanaal.objects.create(naam="documenten", filters=["bronorganisatie"])

    def abonnement(url, *groups):
        subscriber = Abonnement.objects.create(callback_url=url, auth="x")
        for kanaal, filters in groups:
            FilterGroup.objects.create(abonnement=subscriber, kanaal=kanaal, filters=filters)
        return subscriber

    eigen = abonnement("http://a/", (zaken, {"bronorganisatie": "224557609"}))
    # Two groups on one kanaal: either may match.
    twee = abonnement("http://b/", (zaken, {"zaaktype": "http://ztc/zt/9"}), (zaken, {"zaaktype": "*"}))
    abonnement("http://c/", (zaken, {"bronorganisatie": "1"}))
    abonnement("http://d/", (documenten, {}))
    assert matching_abonnementen(zaken.pk, KENMERKEN) == [(eigen.pk, "http://a/", "x"), (twee.pk, "http://b/", "x")]
