from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from staffing import hooks


class ReportsConfig(AppConfig):
    """Issue 17, points 2 and 3: read-only reporting over the workflow: the procedure statistics (per city and
    period, per district for the operator), their CSV/XLSX export, and the audit export (Prüfprotokoll, CSV and
    PDF) of a notice or a period, each export logged (`ExportLog`).

    Builds on `staffing` (reads its models through its scope, asks `staffing.access`) and reuses the bundled
    fonts and German formatting of `integrations.documents` for the PDF; `staffing` knows nothing of it: the
    menu item and the notice page's link come through `staffing.hooks`."""

    name = "reports"
    verbose_name = _("Auswertungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # imported here, not at the top: they need the app registry (models), which is ready only now
        from . import navigation

        hooks.register_navigation("reports", navigation.items)
        hooks.register_notice_link(navigation.audit_link)
