"""The admin shows the catalogus and publishes; a catalogus exports to JSON and imports elsewhere."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from components.cases.catalogi.models import Catalogus, ResultaatType, StatusType, ZaakType
from components.cases.catalogi.transfer import ImportError_, export_catalogus, import_catalogus
from components.kernel.outbox.models import OutboxMessage

from .conftest import API, besluittype_body, complete_zaaktype, zaaktype_body

pytestmark = pytest.mark.django_db


def test_admin_pages_render(admin_client, beheerder, catalogus):
    complete_zaaktype(beheerder, catalogus)
    zaaktype = ZaakType.objects.get()
    for page in ("/admin/catalogi/catalogus/", "/admin/catalogi/zaaktype/",
                 f"/admin/catalogi/zaaktype/{zaaktype.pk}/change/", "/admin/catalogi/statustype/",
                 "/admin/catalogi/catalogus/import/"):
        response = admin_client.get(page)
        assert response.status_code == 200, page
    assert b"ZT-1" in admin_client.get("/admin/catalogi/zaaktype/").content


def test_admin_publish_action_applies_the_rules(admin_client, beheerder, catalogus):
    complete_zaaktype(beheerder, catalogus)
    incomplete = beheerder.post(f"{API}/zaaktypen", zaaktype_body(catalogus, identificatie="ZT-2"), format="json")
    assert incomplete.status_code == 201, incomplete.json()
    admin_client.post("/admin/catalogi/zaaktype/", {
        "action": "publish", "_selected_action": [z.pk for z in ZaakType.objects.all()]}, follow=True)
    assert dict(ZaakType.objects.values_list("identificatie", "concept")) == {"ZT-1": False, "ZT-2": True}
    assert OutboxMessage.objects.filter(kanaal="zaaktypen", message__actie="publish").count() == 1


def test_export_import_round_trip(beheerder, catalogus):
    beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus), format="json")
    zaaktype = complete_zaaktype(beheerder, catalogus, besluittypen=["Vergunning"])
    resultaattype = ResultaatType.objects.get()
    resultaattype.besluittypen.set(resultaattype.zaaktype.catalogus.besluittypen.all())
    before = beheerder.get(zaaktype).json()
    document = json.loads(json.dumps(export_catalogus(Catalogus.objects.get())))

    with pytest.raises(ImportError_):
        import_catalogus(document)  # it exists here already
    ZaakType.objects.all().delete()
    for model in ("besluittypen", "informatieobjecttypen"):
        getattr(Catalogus.objects.get(), model).all().delete()
    Catalogus.objects.all().delete()

    imported = import_catalogus(document)
    assert str(imported.uuid) == document["catalogus"]["uuid"]
    after = beheerder.get(zaaktype).json()
    assert after == before
    assert StatusType.objects.count() == 2
    assert [bt.omschrijving for bt in ResultaatType.objects.get().besluittypen.all()] == ["Vergunning"]


def test_management_commands_and_admin_import(admin_client, beheerder, catalogus, tmp_path):
    complete_zaaktype(beheerder, catalogus)
    uuid = str(Catalogus.objects.get().uuid)
    target = tmp_path / "export.json"
    call_command("export_catalogus", uuid, "-o", str(target), stderr=StringIO())
    document = json.loads(target.read_text())
    assert len(document["zaaktypen"]) == 1 and len(document["statustypen"]) == 2
    ZaakType.objects.all().delete()
    Catalogus.objects.all().delete()
    out = StringIO()
    call_command("import_catalogus", str(target), stdout=out)
    assert uuid in out.getvalue()
    ZaakType.objects.all().delete()
    Catalogus.objects.all().delete()
    upload = SimpleUploadedFile("export.json", target.read_bytes(), content_type="application/json")
    admin_client.post("/admin/catalogi/catalogus/import/", {"bestand": upload}, follow=True)
    assert ZaakType.objects.count() == 1
    exported = admin_client.post("/admin/catalogi/catalogus/", {
        "action": "export_json", "_selected_action": [Catalogus.objects.get().pk]})
    assert json.loads(exported.content)["catalogus"]["uuid"] == uuid
