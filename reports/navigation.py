"""Issue 17, point 4 of the brief (links): the statistics in the main navigation of the roles that read them,
and the audit export on the notice page of those who may export it; connected in `ReportsConfig.ready()`."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffing import hooks
from staffing.access import can
from staffing.hooks import NoticeLink


def items(user) -> list[tuple[str, object, str]]:
    """`(url, label, group)`: the procedure statistics under "Planung & Berichte" (staffing.hooks.NAV_GROUPS)."""
    if not can(user, "statistics.view"):
        return []
    return [(hooks.page_url("reports:statistics"), _("Verfahrensstatistik"), "planning")]


def audit_link(notice, user) -> NoticeLink | None:
    """The notice page's link to its audit trail as PDF (Prüfprotokoll), for those who may export it; the
    CSV is offered on the statistics page and at the same address with `.csv`."""
    if not can(user, "audit.export", notice):
        return None
    return NoticeLink(url=reverse("reports:audit_notice_pdf", args=[notice.pk]),
                      label=_("Prüfprotokoll für die Rechnungsprüfung (PDF)"), content_type="application/pdf",
                      icon="download")
