"""WSGI entry point (gunicorn jobagentur.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobagentur.settings")
application = get_wsgi_application()
