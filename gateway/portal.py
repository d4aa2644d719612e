"""The developer portal and the gateway's own pages: `/` (every API with its version, live health
and contract links, plus a quickstart), Swagger UI and Redoc per contract with the assets of
drf-spectacular-sidecar served from here (no CDN), and `/_health`, `/_health/live`.
Every other path that no API owns is a 404 problem."""

import html
import os
from string import Template

import drf_spectacular_sidecar
import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .config import Api, GatewayConfig
from .health import HealthChecker
from .problems import CONTENT_TYPE, problem_body

# Redoc's bundle shows a logo from Redocly's CDN; the portal works offline, so that one URL is
# replaced by an empty inline image when the bundle is served.
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
INLINE_EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
SIDECAR_STATIC = os.path.join(os.path.dirname(drf_spectacular_sidecar.__file__), "static", "drf_spectacular_sidecar")

CARD = Template("""    <section class="api" id="api-$id">
      <h3><span>$title</span><span class="version">$version</span></h3>
      <p>$description</p>
      <div class="meta">
        <code>$base_path</code>
        <span class="health $health_class" data-component="$component">$health_text</span>
      </div>
      <div class="links">$links</div>
    </section>""")
LINKS = Template("""
        <a href="$swagger_url">Swagger UI</a>
        <a href="$redoc_url">Redoc</a>
        <a href="$contract">Contract (OpenAPI)</a>
      """)


def _template(name: str) -> Template:
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as handle:
        return Template(handle.read())


def _json(data: dict, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")


def _health_words(status: str) -> tuple[str, str]:
    if status == "ok":
        return "ok", "beschikbaar"
    if status == "unavailable":
        return "unavailable", "niet beschikbaar"
    return "unknown", "onbekend"


def _base_path(api: Api) -> str:
    """The API's base path as a developer types it: the contract's folder."""
    if api.contract and "/schema/" in api.contract:
        return api.contract.split("/schema/")[0] + "/"
    return api.prefix


def _human_bytes(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:g} {unit}" if unit == "bytes" else f"{count:.0f} {unit}"
        count /= 1024
    return str(count)


def create_site(config: GatewayConfig, health: HealthChecker, live_versions: dict[str, str] | None = None) -> Starlette:
    portal = _template("portal.html")
    swagger = _template("swagger.html")
    redoc = _template("redoc.html")
    esc = html.escape
    live_versions = live_versions if live_versions is not None else {}

    def version_of(api: Api) -> str:
        return live_versions.get(api.id) or api.version

    def docs_urls(api: Api) -> dict:
        return {"swagger_url": f"/_portal/apis/{api.id}/swagger", "redoc_url": f"/_portal/apis/{api.id}/redoc"}

    async def index(request: Request) -> HTMLResponse:
        state = await health.components()
        cards = []
        for api in (a for a in config.apis if a.listed):
            component_state = state["components"].get(api.component, {}).get("status", "unknown")
            health_class, health_text = _health_words(component_state)
            links = (LINKS.substitute(contract=esc(api.contract), **docs_urls(api)) if api.contract
                     else "<span>Geen contract gepubliceerd.</span>")
            cards.append(CARD.substitute(
                id=esc(api.id), title=esc(api.title), version=esc(f"v{version_of(api)}" if version_of(api) else ""),
                description=esc(api.description), base_path=esc(_base_path(api)),
                component=esc(api.component), health_class=health_class, health_text=health_text,
                links=links))
        overall_class, _ = _health_words(state["status"])
        base_url = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc}"
        limits = config.rate_limits
        rate_limit_text = (f"Standaard {limits.default} verzoeken per {limits.window_seconds} seconden per client "
                           f"en API." if limits.default else "Standaard geen limiet per client.")
        page = portal.substitute(
            base_url=esc(base_url), api_cards="\n".join(cards), overall_class=overall_class,
            overall_text="alles beschikbaar" if state["status"] == "ok" else "niet alles beschikbaar",
            rate_limit_text=esc(rate_limit_text), max_body=esc(_human_bytes(config.max_body_bytes)),
            routes_file=esc(os.path.basename(config.source) or "gateway-routes.yaml"))
        return HTMLResponse(page)

    def _api(request: Request) -> Api:
        api = config.api(request.path_params["api_id"])
        if api is None or not api.contract:
            raise HTTPException(404)
        return api

    async def swagger_page(request: Request) -> HTMLResponse:
        api = _api(request)
        return HTMLResponse(swagger.substitute(title=esc(api.title), version=esc(version_of(api)),
                                               contract=esc(api.contract), **docs_urls(api)))

    async def redoc_page(request: Request) -> HTMLResponse:
        api = _api(request)
        return HTMLResponse(redoc.substitute(title=esc(api.title), version=esc(version_of(api)),
                                             contract=esc(api.contract), **docs_urls(api)))

    redoc_bundle: list[bytes] = []

    async def redoc_script(request: Request) -> Response:
        if not redoc_bundle:
            with open(os.path.join(SIDECAR_STATIC, "redoc", "bundles", "redoc.standalone.js"), "rb") as handle:
                redoc_bundle.append(handle.read().replace(REDOC_CDN_LOGO, INLINE_EMPTY_IMAGE))
        return Response(redoc_bundle[0], media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    async def health_all(request: Request) -> Response:
        state = await health.components()
        return _json(state, 200 if state["status"] == "ok" else 503)

    async def health_live(request: Request) -> Response:
        return _json({"status": "ok", "component": "gateway"})

    async def not_found(request: Request, exc: HTTPException) -> Response:
        status = exc.status_code if exc.status_code in (404, 405) else 404
        detail = "Deze URL bestaat niet." if status == 404 else "Deze methode kan hier niet."
        return Response(problem_body(status, "not_found" if status == 404 else "method_not_allowed", detail),
                        status_code=status, media_type=CONTENT_TYPE.decode())

    return Starlette(
        routes=[
            Route("/", index),
            Route("/_health", health_all),
            Route("/_health/live", health_live),
            Route("/_portal/apis/{api_id}/swagger", swagger_page),
            Route("/_portal/apis/{api_id}/redoc", redoc_page),
            Route("/_portal/assets/redoc.standalone.js", redoc_script),
            Mount("/_portal/static", StaticFiles(directory=SIDECAR_STATIC), name="static"),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )
