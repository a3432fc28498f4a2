"""The sweep's heartbeat for the health endpoint.

The table was created by staffing's migration 0005 and keeps its name (`db_table`): the model moved
here in the state only (staffing 0009 / ops 0001, SeparateDatabaseAndState).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last run of a periodic job (the deadline sweep), for the health endpoint."""

    name = models.CharField(_("Name"), max_length=60, unique=True)
    at = models.DateTimeField(_("Zeitpunkt"))

    class Meta:
        db_table = "staffing_heartbeat"
        verbose_name = _("Lebenszeichen")
        verbose_name_plural = _("Lebenszeichen")

    def __str__(self):
        return f"{self.name} {self.at:%d.%m.%Y %H:%M}"
