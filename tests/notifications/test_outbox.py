"""The publishing side, through the kernel's outbox and relay: a component's committed write
reaches the subscribers, a rolled-back one never does, a Redis outage loses nothing; kanalen are
registered idempotently; the applicatie cache follows the `autorisaties` kanaal.

The "component" here is this test database with the kernel's outbox (every component has it);
its relay runs in the real worker and posts to the Notificaties API on the live server.
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from components.kernel import testing
from components.kernel.api.authentication import get_verifier, redis_client
from components.kernel.auth.tokens import sign
from components.kernel.auth.verification import generation_key
from components.kernel.outbox.client import ensure_kanaal
from components.kernel.outbox.kanalen import Kanaal as KanaalDeclaration
from components.kernel.outbox.models import OutboxMessage
from components.kernel.outbox.relay import drain
from components.kernel.outbox.services import enqueue_notification
from components.notifications.models import Abonnement, Delivery, Kanaal, Notificatie

from .conftest import client_with, free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

API = "/notificaties/api/v1"
ZAKEN = KanaalDeclaration("zaken", main_resource="zaak", kenmerken=("bronorganisatie", "zaaktype"))


class Change(Exception):
    """Raised to roll a write back."""


def write_zaak(n: int) -> None:
    """A component's write: its change and its outbox row, one transaction."""
    with transaction.atomic():
        enqueue_notification(kanaal="zaken", hoofd_object=f"http://zaken.example/zaken/{n}", resource="zaak",
                             resource_url=f"http://zaken.example/zaken/{n}", actie="create",
                             kenmerken={"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/1"})


def received(receiver) -> list[str]:
    return sorted(hit.body["resourceUrl"].rsplit("/", 1)[-1] for hit in receiver.deliveries())


@pytest.fixture
def relay_here(worker):
    """The relay runs in the test itself: the worker must not drain these rows meanwhile."""
    worker.stop()
    yield
    worker.start()


@pytest.fixture
def subscribed(consumer, receiver):
    Kanaal.objects.create(naam="zaken", filters=["bronorganisatie", "zaaktype"])
    response = consumer.post(f"{API}/abonnement", {"callbackUrl": receiver.url(), "auth": "Bearer x",
                                                   "kanalen": [{"naam": "zaken"}]}, format="json")
    assert response.status_code == 201, response.content
    return receiver


def test_a_committed_write_reaches_the_subscriber(worker, subscribed):
    write_zaak(1)
    [hit] = subscribed.wait_for(1)
    assert hit.body["kanaal"] == "zaken" and hit.body["kenmerken"]["bronorganisatie"] == "224557609"
    wait_until(lambda: OutboxMessage.objects.filter(sent_at__isnull=False).count() == 1, message="marked sent")
    # Posted with the service credentials, recognisable if ever posted again.
    notificatie = Notificatie.objects.get()
    assert notificatie.client_id == settings.SERVICE_CLIENT_ID and notificatie.idempotency_key


def test_a_rolled_back_write_publishes_nothing(worker, subscribed):
    with pytest.raises(Change), transaction.atomic():
        enqueue_notification(kanaal="zaken", hoofd_object="http://zaken.example/zaken/0", resource="zaak",
                             resource_url="http://zaken.example/zaken/0", actie="create")
        raise Change()
    write_zaak(1)
    subscribed.wait_for(1)
    wait_until(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), message="outbox empty")
    assert received(subscribed) == ["1"] and Notificatie.objects.count() == 1


def test_a_redis_outage_loses_nothing(worker, broker, subscribed, publisher):
    broker.stop()
    # The component keeps committing: the wake-up fails quietly, the rows wait in the outbox.
    for n in (1, 2, 3):
        write_zaak(n)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    # The Notificaties API keeps accepting: deliveries wait in its database.
    response = publisher.post(f"{API}/notificaties", {
        "kanaal": "zaken", "hoofdObject": "http://zaken.example/zaken/4", "resource": "zaak",
        "resourceUrl": "http://zaken.example/zaken/4", "actie": "create", "aanmaakdatum": "2026-01-01T00:00:00Z"},
        format="json")
    assert response.status_code == 200
    assert subscribed.deliveries() == []
    broker.start()  # an empty Redis: every message it held is gone
    subscribed.wait_for(4, timeout=60)
    assert received(subscribed) == ["1", "2", "3", "4"]
    wait_until(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), message="outbox empty")
    wait_until(lambda: not Delivery.objects.exclude(status="delivered").exists(), message="all delivered")


def test_kanaal_registration_is_idempotent(live_server, settings):
    settings.NOTIFICATIONS_URL = live_server.url
    assert ensure_kanaal(ZAKEN).outcome == "created"
    assert ensure_kanaal(ZAKEN).outcome == "exists"
    kanaal = Kanaal.objects.get()
    assert kanaal.naam == "zaken" and kanaal.filters == ["bronorganisatie", "zaaktype"]
    other = KanaalDeclaration("zaken", main_resource="zaak", kenmerken=("bronorganisatie",))
    assert ensure_kanaal(other).outcome == "exists-with-other-filters"


def test_the_relay_registers_a_missing_kanaal_itself(relay_here, settings, live_server, monkeypatch):
    # A component whose kanaal the Notificaties API does not know yet (never registered, or reset):
    # the relay registers the component's kanalen and posts again.
    from components.kernel.outbox import client

    monkeypatch.setattr(client, "component_kanalen", lambda: [ZAKEN])
    settings.NOTIFICATIONS_URL = live_server.url
    write_zaak(1)
    assert drain().sent == 1
    assert Kanaal.objects.filter(naam="zaken", filters=["bronorganisatie", "zaaktype"]).exists()
    assert Notificatie.objects.get().message["kanaal"] == "zaken"


def test_the_applicatie_cache_follows_the_autorisaties_kanaal(worker, live_server, settings, monkeypatch,
                                                           publisher):
    settings.NOTIFICATIONS_URL = live_server.url
    monkeypatch.setenv("NOTIFICATIONS_URL", live_server.url)
    call_command("register_kanalen")
    call_command("register_kanalen")  # idempotent: still one abonnement
    [abonnement] = Abonnement.objects.all()
    assert abonnement.callback_url == f"{live_server.url}/_internal/webhooks/autorisaties"

    token = testing.register_client("portaal", "geheim-portaal", autorisaties=[
        {"component": "nrc", "scopes": ["notificaties.consumeren"]}])
    identity = get_verifier().verify(token)  # cached in Redis under the applicatie
    assert redis_client().get(generation_key("portaal")) is None
    response = publisher.post(f"{API}/notificaties", {
        "kanaal": "autorisaties", "resource": "applicatie", "actie": "update",
        "hoofdObject": f"http://ac.example/autorisaties/api/v1/applicaties/{identity.applicatie.uuid}",
        "resourceUrl": f"http://ac.example/autorisaties/api/v1/applicaties/{identity.applicatie.uuid}",
        "aanmaakdatum": "2026-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 200, response.content
    wait_until(lambda: redis_client().get(generation_key("portaal")) == b"1", message="generation bumped")
    # The cached answer is stale now: the changed rights are seen on the next request.
    testing.register_client("portaal", "geheim-portaal", autorisaties=[
        {"component": "nrc", "scopes": ["notificaties.publiceren"]}])
    get_verifier.cache_clear()
    assert get_verifier().verify(token).applicatie.scopes_for("nrc") == {"notificaties.publiceren"}


def test_the_autorisaties_webhook_takes_only_the_service_client(settings):
    url = "/_internal/webhooks/autorisaties"
    body = {"kanaal": "autorisaties", "resourceUrl": "http://ac.example/applicaties/abc"}
    consumer_token = testing.register_client("nieuwsgierig", "x", heeft_alle_autorisaties=True)
    assert client_with(consumer_token).post(url, body, format="json").status_code == 401
    assert APIClient().post(url, body, format="json").status_code == 401
    service = client_with(sign(settings.SERVICE_CLIENT_ID, settings.SERVICE_SECRET))
    assert service.post(url, body, format="json").status_code == 204


def test_while_notifications_is_down_rows_wait_and_go_out_later(relay_here, live_server, settings, subscribed):
    settings.NOTIFICATIONS_URL = f"http://127.0.0.1:{free_port()}"
    write_zaak(1)
    write_zaak(2)
    result = drain()
    assert result.sent == 0 and "ConnectError" in result.stopped
    row = OutboxMessage.objects.order_by("id").first()
    assert row.sent_at is None and row.attempts == 1 and "ConnectError" in row.last_error
    settings.NOTIFICATIONS_URL = live_server.url
    assert drain().sent == 2
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Notificatie.objects.count() == 2
