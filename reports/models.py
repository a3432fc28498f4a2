"""Issue 17, point 3: the record of exports (who exported what, when, for which scope).

The project had no record of exports yet: `privacy.CandidateDataAccess` records who viewed candidates' personal
data on a page (ids of candidates, a page name), not a download of a notice's or a period's audit trail; the
Art. 15 export (`privacy.views`) writes only a line to the security log. This model is that record for the
exports of this app; the security log gets a line as well."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportLog(models.Model):
    """One export: the statistics (CSV/XLSX) or the audit trail (CSV/PDF) of a notice or a period."""

    class Kind(models.TextChoices):
        STATISTICS = "statistics", _("Verfahrensstatistik")
        AUDIT_NOTICE = "audit_notice", _("Prüfprotokoll einer Mitteilung")
        AUDIT_PERIOD = "audit_period", _("Prüfprotokoll eines Zeitraums")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("durch"))
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_default=Now(), db_index=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("Format"), max_length=10)
    notice = models.ForeignKey("staffing.PlacementNotice", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("Mitteilung"))
    district = models.ForeignKey("staffing.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("Kreis"),
                                 help_text=_("leer: alle Kreise (Betrieb)"))
    date_from = models.DateField(_("Zeitraum von"), null=True, blank=True)
    date_to = models.DateField(_("Zeitraum bis"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("Zeilen"), default=0)

    class Meta:
        verbose_name = _("Export")
        verbose_name_plural = _("Protokoll der Exporte")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.file_format} {self.user_id} {self.at:%d.%m.%Y %H:%M}"
