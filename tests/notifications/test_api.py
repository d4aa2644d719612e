"""The Notificaties API 1.0.1 as the standard has it: kanalen, abonnementen (with the callback
check and a write-only `auth`), publishing notificaties, scopes and problem+json errors."""

import pytest
from rest_framework.test import APIClient

from components.kernel import testing
from components.notifications.delivery import route
from components.notifications.models import Abonnement, Delivery, Kanaal, Notificatie

from .conftest import client_with, free_port

pytestmark = pytest.mark.django_db

API = "/notificaties/api/v1"
MESSAGE = {
    "kanaal": "zaken",
    "hoofdObject": "http://zaken.example/zaken/api/v1/zaken/1",
    "resource": "status",
    "resourceUrl": "http://zaken.example/zaken/api/v1/statussen/1",
    "actie": "create",
    "aanmaakdatum": "2026-01-02T03:04:05Z",
    "kenmerken": {"bronorganisatie": "224557609", "zaaktype": "http://ztc/zt/1"},
}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code
    return body


def invalid(response, name: str) -> dict:
    body = assert_problem(response, 400, "invalid")
    params = {p["name"]: p for p in body["invalidParams"]}
    assert name in params, body["invalidParams"]
    return params[name]


@pytest.fixture
def zaken():
    return Kanaal.objects.create(naam="zaken", filters=["bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"])


# --- kanaal ---------------------------------------------------------------------------------------

def test_kanaal_create_read_and_list_as_plain_array(publisher, consumer):
    response = publisher.post(f"{API}/kanaal", {"naam": "zaken", "documentatieLink": "https://docs.example/zaken",
                                                "filters": ["bronorganisatie", "zaaktype"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["naam"] == "zaken" and body["filters"] == ["bronorganisatie", "zaaktype"]
    assert consumer.get(body["url"]).json() == body
    listed = consumer.get(f"{API}/kanaal").json()
    assert listed == [body]  # a plain array, as the standard has it


def test_kanaal_filter_on_naam(publisher, zaken):
    Kanaal.objects.create(naam="documenten")
    assert [k["naam"] for k in publisher.get(f"{API}/kanaal", {"naam": "zaken"}).json()] == ["zaken"]
    assert publisher.get(f"{API}/kanaal", {"naam": "besluiten"}).json() == []


def test_kanaal_naam_is_unique(publisher, zaken):
    assert invalid(publisher.post(f"{API}/kanaal", {"naam": "zaken"}, format="json"), "naam")["code"] == "unique"


def test_only_publishers_create_kanalen(consumer):
    assert_problem(consumer.post(f"{API}/kanaal", {"naam": "zaken"}, format="json"), 403, "permission_denied")
    assert not Kanaal.objects.exists()


def test_no_token_is_401():
    assert_problem(APIClient().get(f"{API}/kanaal"), 401, "not_authenticated")


# --- abonnement -------------------------------------------------------------------------------------

def subscribe(api, receiver, **overrides):
    body = {"callbackUrl": receiver.url(), "auth": "Bearer abonnee-geheim",
            "kanalen": [{"naam": "zaken", "filters": {"bronorganisatie": "224557609"}}], **overrides}
    return api.post(f"{API}/abonnement", body, format="json")


def test_abonnement_crud_checks_the_callback_and_never_returns_auth(consumer, zaken, receiver):
    response = subscribe(consumer, receiver)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"url", "callbackUrl", "kanalen"}
    assert body["kanalen"] == [{"naam": "zaken", "filters": {"bronorganisatie": "224557609"}}]
    # The callback got a test notificatie, with the auth it will get on every delivery.
    check = receiver.hits[-1]
    assert check.is_check and check.headers["authorization"] == "Bearer abonnee-geheim"

    url = body["url"]
    for response in (consumer.get(url), consumer.get(f"{API}/abonnement")):
        assert "abonnee-geheim" not in response.content.decode() and "auth" not in response.content.decode()

    response = consumer.patch(url, {"kanalen": [{"naam": "zaken", "filters": {"zaaktype": "*"}}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["kanalen"] == [{"naam": "zaken", "filters": {"zaaktype": "*"}}]

    response = consumer.put(url, {"callbackUrl": receiver.url("/nieuw"), "auth": "Bearer nieuw",
                                  "kanalen": [{"naam": "zaken"}]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["callbackUrl"] == receiver.url("/nieuw")
    assert receiver.hits[-1].path == "/nieuw" and receiver.hits[-1].headers["authorization"] == "Bearer nieuw"
    assert Abonnement.objects.get().auth == "Bearer nieuw"

    assert consumer.delete(url).status_code == 204
    assert not Abonnement.objects.exists()


def test_camel_case_filter_keys_are_kept(consumer, receiver):
    Kanaal.objects.create(naam="objecten", filters=["objectType"])
    response = subscribe(consumer, receiver, kanalen=[{"naam": "objecten", "filters": {"objectType": "x"}}])
    assert response.status_code == 201, response.content
    assert response.json()["kanalen"][0]["filters"] == {"objectType": "x"}


@pytest.mark.parametrize("status", [500, 404, 401])
def test_a_callback_that_refuses_the_test_notificatie_is_400(consumer, zaken, receiver, status):
    receiver.handlers["/hook"] = lambda hit: status  # answers the check with `status`
    param = invalid(subscribe(consumer, receiver), "callbackUrl")
    assert param["code"] == "invalid-callback-url" and str(status) in param["reason"]
    assert not Abonnement.objects.exists()


def test_an_unreachable_callback_is_400(consumer, zaken):
    response = consumer.post(f"{API}/abonnement", {
        "callbackUrl": f"http://127.0.0.1:{free_port()}/hook", "auth": "Bearer x",
        "kanalen": [{"naam": "zaken"}]}, format="json")
    param = invalid(response, "callbackUrl")
    assert "niet bereikbaar" in param["reason"]


def test_a_callback_that_hangs_is_400_after_the_timeout(consumer, zaken, receiver, settings):
    settings.CALLBACK_CHECK_TIMEOUT = 0.3
    receiver.hang("/hook")
    param = invalid(subscribe(consumer, receiver), "callbackUrl")
    assert "niet binnen" in param["reason"]


def test_abonnement_on_unknown_kanaal_or_filter_is_400(consumer, zaken, receiver):
    param = invalid(subscribe(consumer, receiver, kanalen=[{"naam": "zaken"}, {"naam": "onbekend"}]),
                    "kanalen.1.naam")
    assert param["code"] == "kanaal-not-found"
    param = invalid(subscribe(consumer, receiver, kanalen=[{"naam": "zaken", "filters": {"kleur": "rood"}}]),
                    "kanalen.0.filters")
    assert param["code"] == "inconsistent-abonnement-filters"
    assert not receiver.hits  # no callback check for an invalid abonnement


def test_abonnement_requires_its_fields(consumer):
    body = assert_problem(consumer.post(f"{API}/abonnement", {}, format="json"), 400)
    assert {p["name"] for p in body["invalidParams"]} >= {"callbackUrl", "auth", "kanalen"}
    assert invalid(consumer.post(f"{API}/abonnement", {"callbackUrl": "geen url", "auth": "x", "kanalen": []},
                                 format="json"), "callbackUrl")["code"] == "invalid"


def test_publishers_read_but_do_not_write_abonnementen(publisher, receiver, zaken):
    assert publisher.get(f"{API}/abonnement").status_code == 200
    assert_problem(subscribe(publisher, receiver), 403, "permission_denied")


# --- notificaties -----------------------------------------------------------------------------------

def test_publish_stores_and_echoes_the_message(publisher, zaken, consumer, receiver):
    subscribe(consumer, receiver)
    response = publisher.post(f"{API}/notificaties", MESSAGE, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == MESSAGE
    notificatie = Notificatie.objects.get()
    assert notificatie.message == MESSAGE and notificatie.client_id == "bron"
    # After commit the routing task makes and sends the deliveries (tests/notifications/test_delivery.py).
    assert notificatie.fanned_out_at is None and not Delivery.objects.exists()
    assert route() == (1, False) and route() == (0, False)  # once only
    delivery = Delivery.objects.get()
    assert delivery.abonnement == Abonnement.objects.get() and delivery.status == "delivered"


def test_publish_on_an_unknown_kanaal_is_400(publisher):
    assert invalid(publisher.post(f"{API}/notificaties", MESSAGE, format="json"), "kanaal")["code"] == \
        "kanaal-not-found"
    assert not Notificatie.objects.exists()


def test_kenmerken_must_be_among_the_kanaal_filters(publisher, zaken):
    message = {**MESSAGE, "kenmerken": {"bronorganisatie": "1", "kleur": "rood"}}
    param = invalid(publisher.post(f"{API}/notificaties", message, format="json"), "kenmerken")
    assert param["code"] == "kenmerken-inconsistent" and "kleur" in param["reason"]
    assert not Notificatie.objects.exists()


def test_a_message_missing_fields_is_400(publisher, zaken):
    body = assert_problem(publisher.post(f"{API}/notificaties", {"kanaal": "zaken"}, format="json"), 400)
    assert {p["name"] for p in body["invalidParams"]} == {"hoofdObject", "resource", "resourceUrl", "actie",
                                                           "aanmaakdatum"}


def test_consumers_may_not_publish(consumer, zaken):
    assert_problem(consumer.post(f"{API}/notificaties", MESSAGE, format="json"), 403, "permission_denied")


def test_a_repeated_idempotency_key_is_stored_and_delivered_once(publisher, zaken, consumer, receiver):
    subscribe(consumer, receiver)
    for _ in range(2):
        response = publisher.post(f"{API}/notificaties", MESSAGE, format="json", HTTP_IDEMPOTENCY_KEY="abc")
        assert response.status_code == 200 and response.json() == MESSAGE
    assert Notificatie.objects.count() == 1


# --- deliveries (Grondwerk extension) -----------------------------------------------------------------

def test_consumers_see_deliveries_to_their_own_abonnementen(publisher, zaken, consumer, receiver):
    subscribe(consumer, receiver)
    other = _other_consumer()
    subscribe(other, receiver, callbackUrl=receiver.url("/ander"))
    publisher.post(f"{API}/notificaties", MESSAGE, format="json")
    route()
    mine = consumer.get(f"{API}/deliveries").json()
    assert mine["count"] == 1 and mine["results"][0]["callbackUrl"] == receiver.url()
    assert mine["results"][0]["message"] == MESSAGE and mine["results"][0]["status"] == "delivered"
    assert [attempt["statusCode"] for attempt in mine["results"][0]["log"]] == [204]
    assert other.get(f"{API}/deliveries").json()["count"] == 1
    root = client_with(testing.register_client("root", "x", heeft_alle_autorisaties=True))
    assert root.get(f"{API}/deliveries", {"status": "delivered"}).json()["count"] == 2
    assert root.get(f"{API}/deliveries", {"status": "failed"}).json()["count"] == 0


def test_a_delivery_still_underway_cannot_be_resent(publisher, zaken, consumer, receiver):
    subscribe(consumer, receiver)
    publisher.post(f"{API}/notificaties", MESSAGE, format="json")
    Delivery.objects.create(notificatie=Notificatie.objects.get(), abonnement=Abonnement.objects.get(),
                            callback_url=receiver.url(), attempt_limit=3)
    url = consumer.get(f"{API}/deliveries").json()["results"][0]["url"]
    assert_problem(consumer.post(f"{url}/resend"), 409, "conflict")


def _other_consumer():
    return client_with(testing.register_client("ander", "geheim-ander", autorisaties=[
        {"component": "nrc", "scopes": ["notificaties.consumeren"]}]))
