from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection (DSGVO): erasure after the retention period, the record of access to candidates'
    data, and the Art. 15 export. Builds on `staffing`; `staffing` knows nothing of it."""

    name = "privacy"
    verbose_name = _("Datenschutz")
    default_auto_field = "django.db.models.BigAutoField"
