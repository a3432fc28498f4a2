from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from staffing import hooks


def _user_links(user) -> list[tuple[str, object]]:
    """The header link next to the user's name."""
    return [(hooks.page_url("integrations:home"), _("Vertretung & Kalender"))]


class IntegrationsConfig(AppConfig):
    """Documents for the file, calendar, substitutes, spreadsheet import and single sign-on (issue 8).

    Plugs into the core through `staffing.hooks`: the deadline's .ics on the notification mails, the
    substitutes' "i. V. für" on audited steps, the PDF certificate on the notice page, a header link."""

    name = "integrations"
    verbose_name = _("Anbindungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # imported here, not at the top: they need the app registry (models), which is ready only now
        from . import calendar, documents, substitutes

        hooks.register_mail_attachment(calendar.attach_ics)
        hooks.register_on_behalf_of(substitutes.absent_colleague_for)
        hooks.register_notice_link(documents.certificate_link)
        hooks.register_navigation("integrations", _user_links, area="user")
