from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Documents for the file, calendar, substitutes, spreadsheet import and single sign-on (issue 8)."""

    name = "integrations"
    verbose_name = _("Anbindungen")
    default_auto_field = "django.db.models.BigAutoField"

