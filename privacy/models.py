"""The record of access to candidates' personal data (DSGVO).

The table was created by staffing's migration 0005 and keeps its name (`db_table`): the model moved
here in the state only (staffing 0009 / privacy 0001, SeparateDatabaseAndState).
"""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CandidateDataAccess(models.Model):
    """Who viewed candidates' personal data, when and where (DSGVO: record of access)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("durch"))
    notice = models.ForeignKey("staffing.PlacementNotice", on_delete=models.PROTECT, related_name="data_accesses",
                               verbose_name=_("Mitteilung"))
    candidate_ids = models.JSONField(_("Bewerber/innen"), default=list)
    view = models.CharField(_("Seite"), max_length=100)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_default=Now(), db_index=True)  # issue 15

    class Meta:
        db_table = "staffing_candidatedataaccess"
        verbose_name = _("Zugriff auf Bewerberdaten")
        verbose_name_plural = _("Zugriffe auf Bewerberdaten")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.notice_id} {self.at:%d.%m.%Y %H:%M}"
