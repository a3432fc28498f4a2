"""The Celery application: worker and beat for notifications and the deadline sweep (PS-2.3)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobagentur.settings")

app = Celery("jobagentur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
