"""Settings of the authorizations component (Autorisaties API)."""

from components.kernel.env import env_list
from components.kernel.settings import component_settings

globals().update(component_settings(
    "authorizations",
    apps=["components.authorizations.apps.AuthorizationsConfig"],
    api_versions={"/autorisaties/api/v1": "1.1.0"},
    title="Autorisaties API",
))

# This component holds the secrets: it verifies tokens from its own database.
TOKEN_INTROSPECTOR = "components.authorizations.services.local_introspector"
SERVICE_CLIENT_IDS = env_list("GRONDWERK_SERVICE_CLIENT_IDS", [SERVICE_CLIENT_ID])  # noqa: F821
SPECTACULAR_SETTINGS["DESCRIPTION"] = (  # noqa: F821
    "Een API om autorisaties van applicaties te beheren en uit te lezen (ZGW Autorisaties API "
    "1.1.0). Deze API publiceert notificaties op het kanaal `autorisaties`."
)
