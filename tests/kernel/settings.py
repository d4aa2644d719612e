"""Kernel test project: the authorizations settings plus a tiny app that exercises the kernel's
API plumbing (pagination, errors, scopes, audit trail) on a model of its own."""

from components.authorizations.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kernel.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.kernel.urls"
DATABASES["default"]["TEST"] = {"NAME": "test_grondwerk_kernel"}  # noqa: F405
TOKEN_INTROSPECTOR = "components.kernel.testing.registry_introspector"
API_VERSIONS = {"/ding/api/v1": "9.9.9", **API_VERSIONS}  # noqa: F405
