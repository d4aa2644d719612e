"""The portal in a real browser: Debian's Chromium, headless, driven by Playwright. A developer's
path: open the gateway, see the APIs and their status, open a contract in Swagger UI and
Redoc (rendered from the component's live contract, with assets served by the gateway).
Screenshots go to tests/artifacts/."""

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
                    "(.ci/run does) to run the portal's browser test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside = []
    # Everything the page loads must come from the gateway itself (no CDN).
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    yield page
    context.close()
    assert outside == []


def test_portal_shows_the_apis_and_opens_a_contract_in_swagger_ui(page, stack, gw):
    ARTIFACTS.mkdir(exist_ok=True)
    # A first call through the gateway, as the quickstart has a developer make.
    assert gw.get("/autorisaties/api/v1/applicaties", headers=stack.demo.headers()).status_code == 200
    page.goto(stack.url + "/")
    assert page.title() == "Grondwerk — API-portaal"
    cards = page.locator("section.api")
    titles = cards.locator("h3 span:first-child").all_inner_texts()
    assert {"Zaken API", "Catalogi API", "Documenten API", "Notificaties API", "Autorisaties API",
            "BRP Personen bevragen"} <= set(titles)
    autorisaties = page.locator("#api-autorisaties")
    assert autorisaties.locator(".health").inner_text() == "beschikbaar"
    assert "v1.1.0" in autorisaties.inner_text()
    assert "/autorisaties/api/v1/applicaties" in page.locator("#first-call").inner_text()
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)

    autorisaties.get_by_role("link", name="Swagger UI").click()
    page.wait_for_url("**/_portal/apis/autorisaties/swagger")
    # Swagger UI fetched the contract through the gateway and rendered its operations.
    page.locator(".swagger-ui .info .title").wait_for(timeout=20_000)
    assert "Autorisaties API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/applicaties").first.wait_for(timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "portal-swagger-autorisaties.png"), full_page=False)


def test_redoc_renders_a_contract(page, stack):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(stack.url + "/_portal/apis/autorisaties/redoc")
    heading = page.locator("h1", has_text="Autorisaties API")
    heading.first.wait_for(timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "portal-redoc-autorisaties.png"), full_page=False)
