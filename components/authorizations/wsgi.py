"""WSGI entry point of the authorizations component (run by gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "components.authorizations.settings")
application = get_wsgi_application()
