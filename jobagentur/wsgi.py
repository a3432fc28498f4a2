"""WSGI entry point (gunicorn jobagentur.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobagentur.settings")
application = get_wsgi_application()


def _refuse_insecure_start() -> None:
    """Issue 15, point 3: gunicorn runs no system checks, so the web process asks the secret-key check itself
    and does not start without DEBUG on a missing, published or weak SECRET_KEY."""
    from django.core.exceptions import ImproperlyConfigured

    from ops.deploy_checks import secret_key_errors

    errors = secret_key_errors()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))


_refuse_insecure_start()
