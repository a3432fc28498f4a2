from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Planning and reporting side of the agreement (PS-1, PS-3 to PS-6)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = _("Planung und Berichte")
