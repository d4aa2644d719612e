"""Webhook delivery through a real Celery worker process and real receivers on loopback:
headers, filters, retries with backoff, parking and re-sending, slow subscribers, a killed worker."""

import time

import pytest

from components.notifications.models import Abonnement, Delivery, DeliveryAttempt, Kanaal, Notificatie

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

API = "/notificaties/api/v1"


def message(n: int = 1, **kenmerken) -> dict:
    return {
        "kanaal": "zaken",
        "hoofdObject": f"http://zaken.example/zaken/api/v1/zaken/{n}",
        "resource": "zaak",
        "resourceUrl": f"http://zaken.example/zaken/api/v1/zaken/{n}",
        "actie": "create",
        "aanmaakdatum": "2026-01-02T03:04:05Z",
        "kenmerken": {"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/1", **kenmerken},
    }


@pytest.fixture
def zaken():
    return Kanaal.objects.create(naam="zaken", filters=["bronorganisatie", "zaaktype"])


def subscribe(consumer, url: str, filters: dict | None = None, auth: str = "Bearer abonnee-geheim",
              kanaal: str = "zaken") -> Abonnement:
    response = consumer.post(f"{API}/abonnement", {
        "callbackUrl": url, "auth": auth, "kanalen": [{"naam": kanaal, "filters": filters or {}}]}, format="json")
    assert response.status_code == 201, response.content
    return Abonnement.objects.get(uuid=response.json()["url"].rsplit("/", 1)[-1])


def publish(publisher, body: dict) -> Notificatie:
    response = publisher.post(f"{API}/notificaties", body, format="json")
    assert response.status_code == 200, response.content
    return Notificatie.objects.order_by("-id").first()


def delivery_status(delivery_id: int) -> str:
    return Delivery.objects.get(pk=delivery_id).status


def test_delivered_with_the_subscribers_auth_and_dedup_headers(worker, zaken, consumer, publisher, receiver):
    abonnement = subscribe(consumer, receiver.url())
    notificatie = publish(publisher, message())
    [hit] = receiver.wait_for(1)
    delivery = Delivery.objects.get(abonnement=abonnement)
    assert hit.body == message()
    assert hit.headers["authorization"] == "Bearer abonnee-geheim"
    assert hit.headers["x-grondwerk-delivery-id"] == str(delivery.uuid)
    assert hit.headers["x-grondwerk-notificatie-id"] == str(notificatie.uuid)
    assert hit.headers["x-grondwerk-delivery-attempt"] == "1"
    wait_until(lambda: delivery_status(delivery.pk) == "delivered", message="delivered status")
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 204 and attempt.latency_ms > 0 and attempt.error == ""


def test_only_abonnementen_whose_filters_match_receive(worker, zaken, consumer, publisher, receiver):
    Kanaal.objects.create(naam="documenten")
    subscribe(consumer, receiver.url("/eigen"), {"bronorganisatie": "224557609"})
    subscribe(consumer, receiver.url("/wildcard"), {"zaaktype": "*"})
    subscribe(consumer, receiver.url("/andere"), {"bronorganisatie": "000000000"})
    subscribe(consumer, receiver.url("/documenten"), kanaal="documenten")
    publish(publisher, message(1))
    publish(publisher, message(2, bronorganisatie="000000000"))
    assert [h.body["resourceUrl"][-1] for h in receiver.wait_for(1, "/eigen")] == ["1"]
    assert sorted(h.body["resourceUrl"][-1] for h in receiver.wait_for(2, "/wildcard")) == ["1", "2"]
    assert [h.body["resourceUrl"][-1] for h in receiver.wait_for(1, "/andere")] == ["2"]
    wait_until(lambda: not Delivery.objects.exclude(status="delivered").exists(), message="all delivered")
    # Deliveries are made for matching abonnementen only: nothing else is on its way.
    assert Delivery.objects.count() == 4 and receiver.deliveries("/documenten") == []


def test_a_failing_subscriber_is_retried_until_it_answers(worker, zaken, consumer, publisher, receiver):
    subscribe(consumer, receiver.url())
    receiver.statuses["/hook"] = [500, 503]
    publish(publisher, message())
    hits = receiver.wait_for(3)
    delivery = Delivery.objects.get()
    assert {h.headers["x-grondwerk-delivery-id"] for h in hits} == {str(delivery.uuid)}
    assert [h.headers["x-grondwerk-delivery-attempt"] for h in hits] == ["1", "2", "3"]
    # Exponential backoff: the second wait is longer than the first (base 0.2 s, factor 2, jitter 50-100 %).
    assert hits[1].at - hits[0].at >= 0.1 and hits[2].at - hits[1].at >= 0.2
    wait_until(lambda: delivery_status(delivery.pk) == "delivered", message="delivered status")
    assert list(DeliveryAttempt.objects.filter(delivery=delivery).values_list("status_code", flat=True)) == \
        [500, 503, 204]


def test_exhausted_retries_park_the_delivery_until_it_is_resent(worker, zaken, consumer, publisher, receiver):
    subscribe(consumer, receiver.url())
    receiver.statuses["/hook"] = [500, 500, 500]  # DELIVERY_MAX_ATTEMPTS is 3 in these tests
    publish(publisher, message())
    receiver.wait_for(3)
    delivery = Delivery.objects.get()
    wait_until(lambda: delivery_status(delivery.pk) == "failed", message="parked as failed")
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.last_status_code == 500 and delivery.next_attempt_at is None

    body = consumer.get(f"{API}/deliveries", {"status": "failed"}).json()
    assert body["count"] == 1 and [a["statusCode"] for a in body["results"][0]["log"]] == [500, 500, 500]
    response = consumer.post(f"{body['results'][0]['url']}/resend")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    hits = receiver.wait_for(4)
    assert hits[-1].headers["x-grondwerk-delivery-id"] == str(delivery.uuid)
    wait_until(lambda: delivery_status(delivery.pk) == "delivered", message="delivered after re-send")
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 4


def test_a_hanging_subscriber_does_not_delay_another(worker, zaken, consumer, publisher, receiver):
    slow = subscribe(consumer, receiver.url("/hangt"))
    subscribe(consumer, receiver.url("/snel"))
    release = receiver.hang("/hangt")
    for n in range(6):  # more notificaties than the worker has slots (4)
        publish(publisher, message(n))
    receiver.wait_for(6, "/snel")
    # Every delivery to the fast subscriber arrived while the hanging one had not finished one.
    assert not DeliveryAttempt.objects.filter(delivery__abonnement=slow).exists()
    assert len(receiver.deliveries("/hangt")) >= 1
    release.set()
    receiver.wait_for(6, "/hangt", timeout=60)
    wait_until(lambda: not Delivery.objects.exclude(status="delivered").exists(), 60, message="all delivered")


def test_a_slow_subscriber_gets_few_deliveries_at_a_time_and_the_rest_later(worker, zaken, consumer, publisher,
                                                                              receiver):
    slow = subscribe(consumer, receiver.url("/hangt"))
    subscribe(consumer, receiver.url("/snel"))
    release = receiver.hang("/hangt")
    for n in range(2):
        publish(publisher, message(n))
    receiver.wait_for(2, "/hangt")
    # Let its open deliveries age past DELIVERY_SLOW_AFTER (0.5 s here): from then on it is slow.
    wait_until(lambda: Delivery.objects.filter(abonnement=slow, status="sending").count() == 2)
    time.sleep(0.7)
    for n in range(2, 8):
        publish(publisher, message(n))
    receiver.wait_for(8, "/snel")
    wait_until(lambda: Delivery.objects.filter(abonnement=slow, status="pending", attempts=0).count() == 6,
               message="deferred deliveries to the slow subscriber")
    # It holds DELIVERY_SLOW_MAX_IN_FLIGHT (2) open requests; nothing more was sent to it.
    assert len(receiver.deliveries("/hangt")) == 2
    release.set()
    receiver.wait_for(8, "/hangt", timeout=60)
    wait_until(lambda: not Delivery.objects.exclude(status="delivered").exists(), 60, message="all delivered")


def test_a_worker_killed_mid_delivery_delivers_after_restart(worker, zaken, consumer, publisher, receiver):
    subscribe(consumer, receiver.url())
    release = receiver.hang("/hook")
    publish(publisher, message())
    [first] = receiver.wait_for(1)
    delivery = Delivery.objects.get()
    assert delivery.status == "sending"
    worker.kill()
    release.set()  # too late: the worker that sent it is gone and recorded nothing
    receiver.handlers.pop("/hook")
    worker.start()
    hits = receiver.wait_for(2)
    assert {h.headers["x-grondwerk-delivery-id"] for h in hits} == {str(delivery.uuid)}
    wait_until(lambda: delivery_status(delivery.pk) == "delivered", message="delivered after restart")
    log = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("attempt"))
    assert [a.attempt for a in log] == [1, 2] and "worker" in log[0].error and log[1].status_code == 204
