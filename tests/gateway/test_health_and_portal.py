"""The gateway's health endpoints and the developer portal's pages and assets (HTML level;
test_portal_browser.py drives a real browser)."""

import html
import json
import re
import shutil
import subprocess

import pytest

from .conftest import CONFIGURED_VERSION
from .processes import ROOT


def test_live_is_the_gateway_itself(gw):
    response = gw.get("/_health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "component": "gateway"}


def test_health_aggregates_every_routed_component(gw):
    response = gw.get("/_health")
    body = response.json()
    components = body["components"]
    assert set(components) == {"authorizations", "cases", "documents", "notifications", "persons", "dead", "slow"}
    assert components["authorizations"]["status"] == "ok"
    assert components["authorizations"]["checks"] == {"database": "ok", "redis": "ok"}
    assert components["cases"]["status"] == "ok"
    # One component down makes the whole suite not ready, and says which.
    assert components["dead"]["status"] == "unavailable"
    assert response.status_code == 503 and body["status"] == "unavailable"


def test_portal_lists_every_api_with_version_health_and_contract_links(gw, stack):
    # The component's own API-version, once an answer has passed, wins over the configured one.
    assert gw.get("/autorisaties/api/v1/applicaties", headers=stack.demo.headers()).status_code == 200
    response = gw.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for api_id, title, version, contract in [
        ("zaken", "Zaken API", "1.5.1", "/zaken/api/v1/schema/openapi.yaml"),
        ("documenten", "Documenten API", "1.4.3", "/documenten/api/v1/schema/openapi.yaml"),
        ("autorisaties", "Autorisaties API", "1.1.0", "/autorisaties/api/v1/schema/openapi.yaml"),
        ("haalcentraal", "BRP Personen bevragen", "2.7.0", "/haalcentraal/api/brp/schema/openapi.yaml"),
    ]:
        card = re.search(rf'<section class="api" id="api-{api_id}">(.*?)</section>', page, re.S).group(1)
        assert title in card and f"v{version}" in card
        assert f'href="/_portal/apis/{api_id}/swagger"' in card
        assert f'href="/_portal/apis/{api_id}/redoc"' in card
        assert f'href="{contract}"' in card
    assert 'id="api-verborgen"' not in page  # routed (portal: false) but not listed
    assert gw.get("/verborgen/iets").json()["component"] == "cases"
    dead = re.search(r'<section class="api" id="api-dood">(.*?)</section>', page, re.S).group(1)
    assert "niet beschikbaar" in dead
    autorisaties = re.search(r'<section class="api" id="api-autorisaties">(.*?)</section>', page, re.S).group(1)
    assert 'class="health ok"' in autorisaties
    assert CONFIGURED_VERSION not in autorisaties
    # The quickstart's first call uses this gateway's own address.
    assert f"{stack.url}/autorisaties/api/v1/applicaties" in page
    assert "grondwerk token &lt;client_id&gt; &lt;secret&gt;" in page


def test_the_quickstart_commands_work_as_written(gw, stack, component_env):
    """Run the portal's quickstart in a shell: demo client, token, first call through the gateway."""
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    page = gw.get("/").text
    steps = [html.unescape(re.search(rf'<pre id="{step}">(.*?)</pre>', page, re.S).group(1))
             for step in ("demo-client", "make-token", "first-call")]
    result = subprocess.run(["bash", "-euc", "\n".join(steps)], cwd=ROOT, env=component_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert stack.demo.client_id in {cid for app in answer["results"] for cid in app["clientIds"]}
    assert all(app["url"].startswith(stack.url) for app in answer["results"])


def test_docs_pages_load_their_assets_from_the_gateway(gw):
    for kind, asset in [("swagger", "/_portal/static/swagger-ui-dist/swagger-ui-bundle.js"),
                        ("redoc", "/_portal/assets/redoc.standalone.js")]:
        page = gw.get(f"/_portal/apis/autorisaties/{kind}")
        assert page.status_code == 200
        assert "/autorisaties/api/v1/schema/openapi.yaml" in page.text
        assert "http://" not in page.text and "https://" not in page.text  # no CDN
        assert asset in page.text
        script = gw.get(asset)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert len(script.content) > 100_000
        assert b"cdn.redoc.ly" not in script.content


def test_docs_for_an_unknown_api_are_404_problems(gw):
    response = gw.get("/_portal/apis/bestaat-niet/swagger")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
