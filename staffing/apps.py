from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    """The core: the placement-notice workflow (PS-2), its access policy, states and notifications.

    It imports no other app of the project; they plug in through `staffing.hooks` in their own
    `ready()`."""

    name = "staffing"
    verbose_name = _("Personalstandards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # register the Celery tasks in every process: the notification pipeline hands work to them by name
        from . import tasks  # noqa: F401
