"""The Django admin shows the delivery log, re-sends failed deliveries, and never shows an
abonnement's auth."""

import pytest

from components.notifications.models import Abonnement, Delivery, DeliveryAttempt, Kanaal, Notificatie

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_delivery():
    kanaal = Kanaal.objects.create(naam="zaken")
    abonnement = Abonnement.objects.create(callback_url="http://abonnee.example/hook", auth="Bearer heel-geheim")
    notificatie = Notificatie.objects.create(kanaal=kanaal, message={"kanaal": "zaken"})
    delivery = Delivery.objects.create(notificatie=notificatie, abonnement=abonnement,
                                       callback_url=abonnement.callback_url, status="failed", attempts=3,
                                       attempt_limit=3, last_status_code=500)
    DeliveryAttempt.objects.create(delivery=delivery, attempt=3, started_at=delivery.created_at, status_code=500,
                                   error="HTTP 500: kapot")
    return delivery


def test_delivery_pages_render_with_their_log(admin_client, failed_delivery):
    assert admin_client.get("/admin/notifications/delivery/?status__exact=failed").status_code == 200
    page = admin_client.get(f"/admin/notifications/delivery/{failed_delivery.pk}/change/")
    assert page.status_code == 200 and b"HTTP 500: kapot" in page.content


def test_abonnement_page_never_shows_auth(admin_client, failed_delivery):
    page = admin_client.get(f"/admin/notifications/abonnement/{failed_delivery.abonnement_id}/change/")
    assert page.status_code == 200 and b"heel-geheim" not in page.content


def test_the_resend_action_gives_a_failed_delivery_new_attempts(admin_client, failed_delivery, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 6
    response = admin_client.post("/admin/notifications/delivery/", {
        "action": "resend_deliveries", "_selected_action": [failed_delivery.pk]}, follow=True)
    assert response.status_code == 200
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == "pending" and failed_delivery.attempt_limit == 9
