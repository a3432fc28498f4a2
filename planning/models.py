"""The planning and reporting side of the agreement (PS-1.4, PS-3, PS-4.3, PS-5.1, PS-6).

Quarterly staff reports (dated, unchanged snapshots), training needs and offers, coaching (voluntary,
no performance data), the reimbursement cap (history kept: new rows, never updates), the cost table per
grade, and the kinds of notification the planning side sends through the core's notification pipeline
(`MessageKind`, registered in `PlanningConfig.ready()`). Staff, positions and vacancies live in `staffing`.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing.models import City, District, Function, Office, StaffMember


class AppendOnlyModel(models.Model):
    """Rows that are written once and never changed (snapshots, cap history)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Dieser Eintrag kann nicht mehr geändert werden."))
        super().save(*args, **kwargs)


class QuarterlyReport(AppendOnlyModel):
    """PS-6.1: the city confirms its regional office's staff data as at the end of a quarter."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="quarterly_reports",
                               verbose_name=_("Regionalstelle"))
    year = models.PositiveSmallIntegerField(_("Jahr"))
    quarter = models.PositiveSmallIntegerField(_("Quartal"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    as_of = models.DateField(_("Stichtag"))
    confirmed_at = models.DateTimeField(_("bestätigt am"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("bestätigt von"))
    rows = models.JSONField(_("Personaldaten (Stand Stichtag)"), default=list)
    remark = models.TextField(_("Bemerkung"), blank=True)

    class Meta:
        verbose_name = _("Quartalsmeldung")
        verbose_name_plural = _("Quartalsmeldungen")
        ordering = ["-year", "-quarter", "office"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "quarter"], name="one_report_per_office_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.office} {self.quarter}/{self.year}"


class ReportReminder(models.Model):
    """PS-6.1: at most one reminder e-mail per office and quarter."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="report_reminders")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    quarter = models.PositiveSmallIntegerField(_("Quartal"))
    sent_at = models.DateTimeField(_("versandt am"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("Empfänger/innen"), default=0)

    class Meta:
        verbose_name = _("Erinnerung Quartalsmeldung")
        verbose_name_plural = _("Erinnerungen Quartalsmeldung")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "quarter"], name="one_reminder_per_office_quarter"),
        ]

    def __str__(self):
        return f"{self.office_id} Q{self.quarter}/{self.year}"


class TrainingNeed(models.Model):
    """PS-1.4, PS-3.2: a training need reported by a city for its regional office."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="training_needs",
                               verbose_name=_("Dienststelle"))
    function = models.ForeignKey(Function, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("Funktion"))
    topic = models.CharField(_("Thema"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    persons = models.PositiveSmallIntegerField(_("Anzahl Personen"), default=1, validators=[MinValueValidator(1)])
    priority = models.PositiveSmallIntegerField(
        _("Priorität (kreisweit)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("1 = am dringendsten; vergibt die Koordinierungsstelle."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("erfasst von"))
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fortbildungsbedarf")
        verbose_name_plural = _("Fortbildungsbedarfe")
        ordering = [F("priority").asc(nulls_last=True), "-created_at"]

    def __str__(self):
        return self.topic


class TrainingOffer(models.Model):
    """PS-1.4, PS-3.2: a training offer planned by the coordination office, with dates and places."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="training_offers",
                                 verbose_name=_("Kreis"))
    need = models.ForeignKey(TrainingNeed, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="offers", verbose_name=_("deckt Bedarf"))
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    location = models.CharField(_("Ort"), max_length=160)
    places = models.PositiveSmallIntegerField(_("Plätze"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("Fortbildungsangebot")
        verbose_name_plural = _("Fortbildungsangebote")
        ordering = ["starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class TrainingParticipation(models.Model):
    """PS-1.4: a staff member takes part in a training offer."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("angemeldet")
        ATTENDED = "attended", _("teilgenommen")
        CANCELLED = "cancelled", _("abgesagt")

    offer = models.ForeignKey(TrainingOffer, on_delete=models.CASCADE, related_name="participations",
                              verbose_name=_("Angebot"))
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings",
                                     verbose_name=_("Mitarbeiter/in"))
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Fortbildungsteilnahme")
        verbose_name_plural = _("Fortbildungsteilnahmen")
        ordering = ["offer", "staff_member"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "staff_member"], name="one_participation_per_offer_and_person"),
        ]

    def __str__(self):
        return f"{self.staff_member} – {self.offer}"


class CoachingOffer(models.Model):
    """PS-3.3: coaching by an external coach, organised by the coordination office."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="coaching_offers",
                                 verbose_name=_("Kreis"))
    title = models.CharField(_("Titel"), max_length=200)
    coach = models.CharField(_("Coach (extern)"), max_length=160)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_on = models.DateField(_("Beginn"))
    open_to_benefits = models.BooleanField(_("auch für die Leistungssachbearbeitung"), default=False)

    class Meta:
        verbose_name = _("Coaching-Angebot")
        verbose_name_plural = _("Coaching-Angebote")
        ordering = ["starts_on", "title"]

    def __str__(self):
        return self.title


class CoachingSignup(models.Model):
    """PS-3.3: voluntary sign-up. Deliberately without any performance data; only the coordination
    office sees who takes part, everybody else sees aggregates of at least 5 people."""

    offer = models.ForeignKey(CoachingOffer, on_delete=models.CASCADE, related_name="signups",
                              verbose_name=_("Angebot"))
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="coaching_signups",
                                     verbose_name=_("Mitarbeiter/in"))
    signed_up_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Coaching-Anmeldung")
        verbose_name_plural = _("Coaching-Anmeldungen")
        constraints = [
            models.UniqueConstraint(fields=["offer", "staff_member"], name="one_coaching_signup_per_person"),
        ]

    def __str__(self):
        return f"{self.offer_id}/{self.pk}"


class CostRate(models.Model):
    """PS-5.1: average annual personnel cost of one full-time position per grade (configurable)."""

    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20, unique=True)
    annual_cost = models.DecimalField(_("Jahreskosten je VZÄ (€)"), max_digits=10, decimal_places=2,
                                      validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("Personalkostensatz")
        verbose_name_plural = _("Personalkostensätze")
        ordering = ["grade"]

    def __str__(self):
        return f"{self.grade}: {self.annual_cost} €"


class ReimbursementCap(AppendOnlyModel):
    """PS-5.1: the district's cap on reimbursed personnel costs per city and year; a change is a new row."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="reimbursement_caps",
                             verbose_name=_("Stadt"))
    year = models.PositiveSmallIntegerField(_("Jahr"))
    amount = models.DecimalField(_("Höchstrahmen (€ im Jahr)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    reason = models.TextField(_("Begründung der Änderung"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("festgesetzt von"))
    set_at = models.DateTimeField(_("festgesetzt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Höchstrahmen")
        verbose_name_plural = _("Höchstrahmen")
        ordering = ["city", "-year", "-set_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cap_not_negative")]

    def __str__(self):
        return f"{self.city} {self.year}: {self.amount} €"


class MessageKind(models.TextChoices):
    """The planning side's kinds of notification (staffing.notifications.notify; inbox, e-mail preferences)."""

    CAP_CHANGED = "cap_changed", _("Höchstrahmen festgesetzt")
    REPORT_REMINDER = "report_reminder", _("Erinnerung Quartalsmeldung")


class StaffPlanMessageKind(models.TextChoices):
    """Issue 13, PS-4.2: the notifications of the staff plan (proposals of a city, the district's decision)."""

    POSITION_PROPOSED = "position_proposed", _("Vorschlag zum Stellenplan")
    POSITION_DECIDED = "position_decided", _("Entscheidung zum Stellenplan")
