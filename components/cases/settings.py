"""Settings of the cases component (Catalogi API now, Zaken API later)."""

from components.kernel.env import env_int, env_str
from components.kernel.settings import component_settings

globals().update(component_settings(
    "cases",
    apps=["components.cases.catalogi.apps.CatalogiConfig"],
    api_versions={"/catalogi/api/v1": "1.3.3"},
    title="Catalogi API",
))

# Selectielijst/Referentielijsten API: when set, selectielijst URLs are checked against it;
# when empty, any well-formed URL is accepted (see docs/catalogi.md).
SELECTIELIJST_API_URL = env_str("SELECTIELIJST_API_URL", "").rstrip("/")
SPECTACULAR_SETTINGS["DEFAULT_GENERATOR_CLASS"] = "components.kernel.api.schema.ZGWSchemaGenerator"  # noqa: F821
SPECTACULAR_SETTINGS["DESCRIPTION"] = (  # noqa: F821
    "Een API om een zaaktypecatalogus (ZTC) te benaderen (ZGW Catalogi API 1.3.3). Deze API "
    "publiceert notificaties op de kanalen `zaaktypen`, `informatieobjecttypen` en `besluittypen`, "
    "elk met het kenmerk `catalogus`."
)
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [  # noqa: F821
    *SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"],  # noqa: F821
    "components.cases.catalogi.api.schema.add_expand_schemas",
]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "components.kernel.api.schema.ZGWCachingAutoSchema"  # noqa: F821
# `_expand` keeps its leading underscore (the camelCase renderer would make it `Expand`).
REST_FRAMEWORK["JSON_UNDERSCOREIZE"] = {"no_underscore_before_number": False, "ignore_fields": None,  # noqa: F821
                                        "ignore_keys": ("_expand",)}

# Server-side parameter binding lets PostgreSQL keep a prepared plan per statement and connection:
# a Catalogi read is one statement with a dozen subqueries, whose planning costs about as much as
# running it. psycopg prepares a statement once it ran DB_PREPARE_THRESHOLD times; 0 turns that
# off (for a connection pooler in transaction mode without prepared-statement support). Generic
# plans always: left to choose, PostgreSQL re-plans `uuid = ANY($1)` on every execution.
_prepare_threshold = env_int("DB_PREPARE_THRESHOLD", 3)
DATABASES["default"]["OPTIONS"] = {  # noqa: F821
    "server_side_binding": True,
    "prepare_threshold": _prepare_threshold or None,
    "options": "-c plan_cache_mode=force_generic_plan",
}
