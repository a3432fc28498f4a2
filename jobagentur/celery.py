"""The Celery application: worker and beat for notifications and the deadline sweep (PS-2.3)."""
import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobagentur.settings")

app = Celery("jobagentur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def refuse_insecure_start(**kwargs) -> None:
    """Issue 15, point 3: Celery runs Django's system checks without failing on errors, so the worker and
    beat ask the secret-key check themselves and do not start without DEBUG on a missing, published or weak
    SECRET_KEY (the same rule as `manage.py check` and jobagentur.wsgi). Celery's signals log and swallow a
    receiver's exceptions, so the refusal is a SystemExit (it is not an Exception and ends the process)."""
    from ops.deploy_checks import secret_key_errors

    errors = secret_key_errors()
    if errors:
        raise SystemExit("ImproperlyConfigured: " + "; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))


worker_init.connect(refuse_insecure_start, weak=False)
beat_init.connect(refuse_insecure_start, weak=False)
