"""What a client reads it can write back: a GET body PUT unchanged answers 200 and changes nothing,
for every resource (null groups included); and the representation details a round trip relies on."""

import pytest

from components.cases.catalogi.models import StatusType

from .conftest import API, besluittype_body, complete_zaaktype, iot_body

pytestmark = pytest.mark.django_db


def put_back(api, url):
    before = api.get(url)
    assert before.status_code == 200
    body = before.json()
    response = api.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == body
    assert api.get(url).json() == body
    return body


@pytest.fixture
def everything(beheerder, catalogus):
    """A concept zaaktype with one of each part, and the types it names (published, so they resolve)."""
    iot = beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json").json()["url"]
    assert beheerder.post(f"{iot}/publish").status_code == 200
    besluittype = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus, informatieobjecttypen=["Aanvraag"]),
                                 format="json").json()["url"]
    assert beheerder.post(f"{besluittype}/publish").status_code == 200
    deel = complete_zaaktype(beheerder, catalogus, identificatie="DEEL")
    assert beheerder.post(f"{deel}/publish").status_code == 200
    zaaktype = complete_zaaktype(beheerder, catalogus, besluittypen=["Vergunning"], deelzaaktypen=["DEEL"],
                                 gerelateerdeZaaktypen=[{"zaaktype": "DEEL", "aardRelatie": "vervolg"}])
    statustype = beheerder.get(f"{API}/statustypen", {"zaaktype": zaaktype, "status": "alles"}).json()["results"][0]
    made = {
        "eigenschap": beheerder.post(f"{API}/eigenschappen", {
            "zaaktype": zaaktype, "naam": "kleur", "definitie": "De kleur", "statustype": statustype["url"],
            "specificatie": {"formaat": "tekst", "lengte": "20", "kardinaliteit": "1",
                             "waardenverzameling": ["rood"]}}, format="json"),
        "zaakobjecttype": beheerder.post(f"{API}/zaakobjecttypen", {
            "zaaktype": zaaktype, "objecttype": "https://objecttypen.example/api/v2/objecttypes/1",
            "relatieOmschrijving": "betreft", "anderObjecttype": False, "catalogus": catalogus}, format="json"),
        "ziot": beheerder.post(f"{API}/zaaktype-informatieobjecttypen", {
            "zaaktype": zaaktype, "informatieobjecttype": "Aanvraag", "volgnummer": 1,
            "richting": "inkomend"}, format="json"),
        "resultaattype_zonder_brondatum": beheerder.post(f"{API}/resultaattypen", {
            "zaaktype": zaaktype, "omschrijving": "Ingetrokken",
            "resultaattypeomschrijving": "https://selectielijst.example/api/v1/resultaattypeomschrijvingen/2",
            "selectielijstklasse": "https://selectielijst.example/api/v1/resultaten/2",
            "brondatumArchiefprocedure": None, "besluittypen": [besluittype]}, format="json"),
    }
    for name, response in made.items():
        assert response.status_code == 201, (name, response.json())
    response = beheerder.patch(statustype["url"], {"checklistitemStatustype": [
        {"itemnaam": "paspoort", "vraagstelling": "Is het paspoort gezien?", "verplicht": True},
        {"itemnaam": "foto", "vraagstelling": "Is er een foto?", "toelichting": "Pasfoto"}]}, format="json")
    assert response.status_code == 200, response.json()
    return {"catalogus": catalogus, "iot": iot, "besluittype": besluittype, "zaaktype": zaaktype,
            "statustype": statustype["url"], **{name: r.json()["url"] for name, r in made.items()}}


def test_every_resource_puts_back_unchanged(beheerder, forceerder, everything):
    zaaktype = put_back(beheerder, everything["zaaktype"])
    assert zaaktype["broncatalogus"] is None and zaaktype["bronzaaktype"] is None
    assert zaaktype["besluittypen"] == [everything["besluittype"]]
    assert zaaktype["gerelateerdeZaaktypen"][0]["zaaktypeIdentificatie"] == "DEEL"
    for name in ("catalogus", "statustype", "eigenschap", "zaakobjecttype", "ziot", "resultaattype_zonder_brondatum"):
        put_back(beheerder, everything[name])
    for name in ("iot", "besluittype"):  # published: a correction
        put_back(forceerder, everything[name])
    for resultaattype in beheerder.get(f"{API}/resultaattypen", {"zaaktype": everything["zaaktype"],
                                                                  "status": "alles"}).json()["results"]:
        put_back(beheerder, resultaattype["url"])
    for roltype in beheerder.get(f"{API}/roltypen", {"zaaktype": everything["zaaktype"],
                                                      "status": "alles"}).json()["results"]:
        put_back(beheerder, roltype["url"])


def test_null_clears_a_group(beheerder, catalogus):
    url = complete_zaaktype(beheerder, catalogus, broncatalogus={
        "url": "https://ztc.example/catalogussen/1", "domein": "BRON", "rsin": "000000000"})
    assert beheerder.get(url).json()["broncatalogus"]["domein"] == "BRON"
    assert beheerder.patch(url, {"broncatalogus": None}, format="json").json()["broncatalogus"] is None
    assert beheerder.get(url).json()["broncatalogus"] is None

    resultaattype = beheerder.get(f"{API}/resultaattypen", {"zaaktype": url, "status": "alles"}).json()["results"][0]
    assert resultaattype["brondatumArchiefprocedure"]["afleidingswijze"] == "afgehandeld"
    cleared = beheerder.patch(resultaattype["url"], {"brondatumArchiefprocedure": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["brondatumArchiefprocedure"] is None

    iot = beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus, omschrijvingGeneriek={
        "informatieobjecttypeOmschrijvingGeneriek": "Aanvraag", "definitieInformatieobjecttypeOmschrijvingGeneriek":
        "Een aanvraag", "herkomstInformatieobjecttypeOmschrijvingGeneriek": "KING",
        "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "top"}), format="json").json()
    assert iot["omschrijvingGeneriek"]["informatieobjecttypeOmschrijvingGeneriek"] == "Aanvraag"
    assert beheerder.patch(iot["url"], {"omschrijvingGeneriek": None}, format="json").json()["omschrijvingGeneriek"] \
        is None


def test_checklist_items_read_as_stored(beheerder, everything):
    StatusType.objects.filter(uuid=everything["statustype"].rsplit("/", 1)[1]).update(checklistitem_statustype=[
        {"itemnaam": "paspoort", "vraagstelling": "Is het paspoort gezien?", "verplicht": True},
        {"itemnaam": "foto", "vraagstelling": "Is er een foto?", "toelichting": "Pasfoto"}])
    items = beheerder.get(everything["statustype"]).json()["checklistitemStatustype"]
    # As DRF reads a stored object: a missing nullable key is null, `verplicht` has its default.
    assert items == [{"itemnaam": "paspoort", "toelichting": None, "vraagstelling": "Is het paspoort gezien?",
                      "verplicht": True},
                     {"itemnaam": "foto", "toelichting": "Pasfoto", "vraagstelling": "Is er een foto?",
                      "verplicht": False}]


def test_post_besluittype_answers_the_deprecated_omschrijving(beheerder, catalogus):
    iot = beheerder.post(f"{API}/informatieobjecttypen", iot_body(catalogus), format="json").json()["url"]
    created = beheerder.post(f"{API}/besluittypen", besluittype_body(catalogus, informatieobjecttypen=[iot]),
                             format="json").json()
    assert created["informatieobjecttypeOmschrijvingen"] == ["Aanvraag"]
    assert created["informatieobjecttypeOmschrijving"] == ["Aanvraag"]
    keys = list(created)
    assert keys.index("informatieobjecttypeOmschrijving") == keys.index("informatieobjecttypeOmschrijvingen") + 1
    # Only the answer to a POST has it, as in the standard.
    assert "informatieobjecttypeOmschrijving" not in beheerder.get(created["url"]).json()
