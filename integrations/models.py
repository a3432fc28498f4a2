"""Models of the integrations app (issue 8)."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A personal, revocable calendar subscription of a user's deadlines; only the token's hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds",
                             verbose_name=_("Benutzer/in"))
    token_hash = models.CharField(_("Prüfsumme des Zugangsschlüssels"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                    name="one_active_calendar_feed_per_user"),
        ]

    def __str__(self):
        return f"{self.user} ({self.created_at:%d.%m.%Y})"

    @classmethod
    def issue(cls, user) -> tuple["CalendarFeed", str]:
        """Revoke the user's active feed and create a new one; the clear token is returned only here."""
        cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=hash_token(token)), token


class Substitution(models.Model):
    """Abwesenheitsvertretung: during [starts_on, ends_on] `substitute` stands in for `absent`
    (same organisation); their steps on the absent person's notices are audited "i. V. für"."""

    absent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="substitutions",
                               verbose_name=_("abwesend"))
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="substituting", verbose_name=_("Vertretung"))
    starts_on = models.DateField(_("von"))
    ends_on = models.DateField(_("bis einschließlich"))
    note = models.CharField(_("Hinweis"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Abwesenheitsvertretung")
        verbose_name_plural = _("Abwesenheitsvertretungen")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="substitution_ends_after_start"),
            models.CheckConstraint(condition=~Q(absent=models.F("substitute")), name="substitution_not_self"),
        ]
        indexes = [models.Index(fields=["substitute", "starts_on", "ends_on"], name="substitution_active_idx")]

    def __str__(self):
        return f"{self.substitute} i. V. für {self.absent} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"


class PendingImport(models.Model):
    """An uploaded file waiting for the user's confirmation; no domain data is written before that."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("Benutzer/in"))
    kind = models.CharField(_("Art"), max_length=20)
    filename = models.CharField(_("Dateiname"), max_length=200)
    content = models.BinaryField(_("Inhalt"))
    created_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Import (wartet auf Bestätigung)")
        verbose_name_plural = _("Importe (warten auf Bestätigung)")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class ExternalIdentity(models.Model):
    """A user's account at an OpenID Connect provider (its stable `sub`), so that a provider's user name can
    never take over a local account of the same name."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities",
                             verbose_name=_("Benutzer/in"))
    provider = models.CharField(_("Anbieter"), max_length=200)
    subject = models.CharField(_("Kennung beim Anbieter"), max_length=255)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("zuletzt angemeldet"), null=True, blank=True)

    class Meta:
        verbose_name = _("externe Anmeldung")
        verbose_name_plural = _("externe Anmeldungen")
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="one_user_per_external_subject")]

    def __str__(self):
        return f"{self.provider}: {self.subject}"
