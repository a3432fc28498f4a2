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
from django.db.models.functions import Now
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
    confirmed_at = models.DateTimeField(_("bestätigt am"), default=timezone.now, db_default=Now())  # issue 15
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("bestätigt von"))
    rows = models.JSONField(_("Personaldaten (Stand Stichtag)"), default=list)
    remark = models.TextField(_("Bemerkung"), blank=True)
    # issue 13 (PS-6.2): the quarter's actual personnel costs, stated by the city at confirmation; they
    # are its claim for the personnel-cost reimbursement (planning.costs). Empty in older reports.
    personnel_costs = models.DecimalField(
        _("tatsächliche Personalkosten des Quartals (€)"), max_digits=12, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("Quartalsmeldung")
        verbose_name_plural = _("Quartalsmeldungen")
        ordering = ["-year", "-quarter", "office"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "quarter"], name="one_report_per_office_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(personnel_costs__isnull=True) | Q(personnel_costs__gte=0),
                                   name="report_personnel_costs_not_negative"),
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


class TrainingKind(models.TextChoices):
    """PS-1.4, PS-1.3: what an offer is for. Only a field-specific offer for the person's function counts as
    the field-specific training of PS-1.4; an attended induction offer is the person's practical induction."""

    FIELD_SPECIFIC = "field_specific", _("fachspezifische Fortbildung (Arbeitsvermittlung/Fachberatung)")
    INDUCTION = "induction", _("Praxiseinweisung/Einarbeitung")
    GENERAL = "general", _("allgemeine Fortbildung")


class TrainingOffer(models.Model):
    """PS-1.4, PS-3.2: a training offer planned by the coordination office, with dates and places, its kind
    and the functions it is meant for."""

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
    kind = models.CharField(_("Art des Angebots"), max_length=20, choices=TrainingKind.choices,
                            default=TrainingKind.GENERAL)
    target_functions = models.ManyToManyField(
        Function, blank=True, related_name="+", verbose_name=_("Zielgruppe (Funktionen)"),
        help_text=_("Für welche Funktionen das Angebot gedacht ist; eine fachspezifische Fortbildung richtet sich "
                    "an die Arbeitsvermittlung und/oder die Fachberatung (PS-1.4)."))

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
    """PS-3.3: coaching by an external coach, organised by the coordination office. It is for placement
    officers and counsellors; it may be extended to benefits staff only "aus besonderen Gründen", so an
    extension carries its stated reason (shown on the offer)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="coaching_offers",
                                 verbose_name=_("Kreis"))
    title = models.CharField(_("Titel"), max_length=200)
    coach = models.CharField(_("Coach (extern)"), max_length=160)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_on = models.DateField(_("Beginn"))
    open_to_benefits = models.BooleanField(_("auch für die Leistungssachbearbeitung"), default=False)
    benefits_reason = models.TextField(
        _("Besondere Gründe für die Ausweitung auf die Leistungssachbearbeitung"), blank=True,
        help_text=_("Pflicht, wenn das Angebot auch für die Leistungssachbearbeitung gilt (PS-3.3)."))

    class Meta:
        verbose_name = _("Coaching-Angebot")
        verbose_name_plural = _("Coaching-Angebote")
        ordering = ["starts_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        """PS-3.3: an extension to benefits staff needs its "besondere Gründe"; without one, no reason kept."""
        self.benefits_reason = (self.benefits_reason or "").strip()
        if self.open_to_benefits and not self.benefits_reason:
            raise ValidationError({"benefits_reason": _(
                "Bitte nennen Sie die besonderen Gründe, aus denen das Coaching auf die "
                "Leistungssachbearbeitung ausgeweitet wird.")})
        if not self.open_to_benefits:
            self.benefits_reason = ""


class CoachingSignupQuerySet(models.QuerySet):
    def counted(self):
        """PS-3.3: the sign-ups that count in any figure: consent recorded and not revoked."""
        return self.filter(consent_on__isnull=False, revoked_on__isnull=True)


class CoachingSignup(models.Model):
    """PS-3.3: voluntary sign-up ("Die Inanspruchnahme … ist freiwillig"). Staff members have no accounts,
    so a sign-up is the person's own wish recorded by their city's HR or the coordination office, with the
    date of the person's consent. Deliberately without any performance data.

    Revocation keeps the row with its date (data minimisation: nothing but offer, person and the dates):
    the date is the proof that the person's wish was honoured, and a later sign-up with new consent reuses
    the row. A revoked sign-up counts in no figure (`counted()`)."""

    offer = models.ForeignKey(CoachingOffer, on_delete=models.CASCADE, related_name="signups",
                              verbose_name=_("Angebot"))
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="coaching_signups",
                                     verbose_name=_("Mitarbeiter/in"))
    signed_up_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    # null only for sign-ups recorded before consent was kept: they count nowhere until consent is recorded
    consent_on = models.DateField(_("Zustimmung der Person am"), null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("erfasst von"))
    revoked_on = models.DateField(_("zurückgenommen am"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("Rücknahme erfasst von"))

    objects = CoachingSignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("Coaching-Anmeldung")
        verbose_name_plural = _("Coaching-Anmeldungen")
        constraints = [
            models.UniqueConstraint(fields=["offer", "staff_member"], name="one_coaching_signup_per_person"),
        ]

    def __str__(self):
        return f"{self.offer_id}/{self.pk}"


class CoachingTheme(models.TextChoices):
    """PS-3.3: the themes a coach may name in an evaluation (a fixed list, edited here in the code)."""

    CONVERSATION = "gespraechsfuehrung", _("Gesprächsführung")
    STRESS = "belastung", _("Belastung/Stress")
    ROLE = "rollenklarheit", _("Rollenklarheit")
    CONFLICT = "konflikte", _("Konflikte")
    ORGANISATION = "arbeitsorganisation", _("Arbeitsorganisation")
    TEAM = "team", _("Zusammenarbeit im Team")


class CoachingEvaluation(models.Model):
    """PS-3.3: the coach's evaluation of an offer for a period ("Auswertung … durch die eingesetzten
    Coaches"), sent through the coach's signed link. The free text is read by the coordination office
    only; leaders read the themes aggregated per offer and period (planning.coaching)."""

    offer = models.ForeignKey(CoachingOffer, on_delete=models.CASCADE, related_name="evaluations",
                              verbose_name=_("Angebot"))
    year = models.PositiveSmallIntegerField(_("Jahr"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("Quartal"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    participants = models.PositiveSmallIntegerField(_("Zahl der Teilnehmenden im Zeitraum"),
                                                    validators=[MinValueValidator(1), MaxValueValidator(500)])
    themes = models.JSONField(_("Themen"), default=list)
    text = models.TextField(_("Auswertung (allgemein, ohne Namen)"))
    coach = models.CharField(_("Coach"), max_length=160)
    submitted_at = models.DateTimeField(_("eingereicht am"), default=timezone.now)

    class Meta:
        verbose_name = _("Coaching-Auswertung")
        verbose_name_plural = _("Coaching-Auswertungen")
        ordering = ["offer", "year", "quarter", "submitted_at"]

    def __str__(self):
        return f"{self.offer_id}/{self.year}-Q{self.quarter}"

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(CoachingTheme.choices)
        return [str(labels[t]) for t in self.themes if t in labels]


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
    set_at = models.DateTimeField(_("festgesetzt am"), default=timezone.now, db_default=Now())  # issue 15
    consultation = models.ForeignKey("CapConsultation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="caps", verbose_name=_("aus der Abstimmung"))
    late = models.BooleanField(_("rückwirkend oder nach dem Stichtag"), default=False)

    class Meta:
        verbose_name = _("Höchstrahmen")
        verbose_name_plural = _("Höchstrahmen")
        ordering = ["city", "-year", "-set_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cap_not_negative")]

    def __str__(self):
        return f"{self.city} {self.year}: {self.amount} €"


class CapConsultation(models.Model):
    """PS-5.1 "in Abstimmung mit allen Städten": the district's proposal of the caps of a coming year, put to
    every city of the district for a stated period; fixed once (fixed_* written once, by the service), after
    which its amounts are the cap rows (`ReimbursementCap.consultation`)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cap_consultations",
                                 verbose_name=_("Kreis"))
    year = models.PositiveSmallIntegerField(_("Jahr"))
    period_ends_on = models.DateField(_("Stellungnahmen bis"))
    note = models.TextField(_("Erläuterung"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("vorgeschlagen von"))
    proposed_at = models.DateTimeField(_("vorgeschlagen am"), default=timezone.now)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                 blank=True, verbose_name=_("festgesetzt von"))
    fixed_at = models.DateTimeField(_("festgesetzt am"), null=True, blank=True)
    fix_reason = models.TextField(_("Begründung der Festsetzung"), blank=True)

    class Meta:
        verbose_name = _("Abstimmung des Höchstrahmens")
        verbose_name_plural = _("Abstimmungen des Höchstrahmens")
        ordering = ["-year", "-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], condition=Q(fixed_at__isnull=True),
                                    name="one_open_cap_consultation_per_district_year"),
        ]

    def __str__(self):
        return f"{self.district} {self.year}"

    @property
    def is_fixed(self) -> bool:
        return self.fixed_at is not None

    def period_running(self, today) -> bool:
        """Statements are in time up to and including the last day of the period."""
        return not self.is_fixed and today <= self.period_ends_on


class CapProposal(AppendOnlyModel):
    """PS-5.1: the proposed cap of one city in a consultation (one row per city of the district)."""

    consultation = models.ForeignKey(CapConsultation, on_delete=models.PROTECT, related_name="proposals",
                                     verbose_name=_("Abstimmung"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="cap_proposals", verbose_name=_("Stadt"))
    amount = models.DecimalField(_("vorgeschlagener Höchstrahmen (€ im Jahr)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("Vorschlag Höchstrahmen")
        verbose_name_plural = _("Vorschläge Höchstrahmen")
        ordering = ["consultation", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "city"], name="one_cap_proposal_per_city"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cap_proposal_not_negative"),
        ]

    def __str__(self):
        return f"{self.city} {self.amount} €"


class CapStatement(AppendOnlyModel):
    """PS-5.1: a city's statement on its proposed cap, given once within the period (who, when, what)."""

    class Verdict(models.TextChoices):
        AGREE = "agree", _("Einverstanden")
        CONCERNS = "concerns", _("Bedenken")

    proposal = models.OneToOneField(CapProposal, on_delete=models.PROTECT, related_name="statement",
                                    verbose_name=_("Vorschlag"))
    verdict = models.CharField(_("Stellungnahme"), max_length=10, choices=Verdict.choices)
    text = models.TextField(_("Begründung / Hinweise"), blank=True)
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("abgegeben von"))
    stated_at = models.DateTimeField(_("abgegeben am"), default=timezone.now, db_default=Now())  # issue 15

    class Meta:
        verbose_name = _("Stellungnahme zum Höchstrahmen")
        verbose_name_plural = _("Stellungnahmen zum Höchstrahmen")
        ordering = ["stated_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(verdict="concerns") | ~Q(text=""),
                                   name="cap_concerns_need_text"),
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.verdict}"


class MessageKind(models.TextChoices):
    """The planning side's kinds of notification (staffing.notifications.notify; inbox, e-mail preferences)."""

    CAP_CHANGED = "cap_changed", _("Höchstrahmen festgesetzt")
    REPORT_REMINDER = "report_reminder", _("Erinnerung Quartalsmeldung")
    CAP_CONSULTATION = "cap_consultation", _("Höchstrahmen zur Abstimmung")
    TRAINING_REMINDER = "training_reminder", _("Erinnerung fachspezifische Fortbildung")


class TrainingReminder(models.Model):
    """PS-1.4: the coordination office reminded a city of its placement officers and counsellors without
    field-specific training; kept as a record of when, by whom, about whom and to how many people."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="training_reminders",
                               verbose_name=_("Regionalstelle"))
    sent_at = models.DateTimeField(_("gesendet am"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("gesendet von"))
    people = models.JSONField(_("betroffene Personen"), default=list)
    recipients = models.PositiveSmallIntegerField(_("Empfänger/innen"), default=0)

    class Meta:
        verbose_name = _("Erinnerung fachspezifische Fortbildung")
        verbose_name_plural = _("Erinnerungen fachspezifische Fortbildung")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.office} {self.sent_at:%d.%m.%Y}"


class StaffPlanMessageKind(models.TextChoices):
    """Issue 13, PS-4.2: the notifications of the staff plan (proposals of a city, the district's decision)."""

    POSITION_PROPOSED = "position_proposed", _("Vorschlag zum Stellenplan")
    POSITION_DECIDED = "position_decided", _("Entscheidung zum Stellenplan")
