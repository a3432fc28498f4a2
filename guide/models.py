from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    """issue 17, point 4 (BITV 2.0 § 7 Abs. 1, Feedback-Mechanismus): a message sent through the feedback form
    of the accessibility statement, kept for the operator and mailed to it. Name and e-mail are optional; of
    the sender's address only a keyed hash is kept (`client_key`, for the rate limit), never the address."""

    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True, db_index=True)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    message = models.TextField(_("Nachricht"))
    page_url = models.CharField(_("betroffene Seite"), max_length=500, blank=True)
    client_key = models.CharField(_("Absenderschlüssel"), max_length=64, blank=True, db_index=True)
    mailed_at = models.DateTimeField(_("an den Betreiber gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.page_url}".strip()
