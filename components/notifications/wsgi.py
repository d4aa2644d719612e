"""WSGI entry point of the notifications component (run by gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "components.notifications.settings")
application = get_wsgi_application()
