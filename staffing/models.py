"""The domain model of the "Personelle Standards" agreement (see docs in ../shared/docs/DOMAIN.md).

District (Kreis) -> City (Stadt) -> regional office (Regionalstelle, one per city). People belong to
an organisation (a city, the district's coordination office, the district administration or the
management of the JobAgentur) and that organisation decides their role and what they may see.
"""
import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from . import grades
from .access import role_of, transition_permission
from .deadlines import CATHOLIC_REGIONS, HOLIDAY_REGIONS, Rules, objection_period, reminder_day
from .hooks import notification_kind_choices, object_url
from .states import (  # noqa: F401  (re-exported: the states live next to their meaning table)
    ESCALATION_PAGE_STATES,
    FINAL_STATES,
    OPEN_STATES,
    PLACEABLE_STATES,
    AgreementSide,
    NoticeState,
    NotificationKind,
    Role,
    StateMeaning,
    meaning,
)
from .ui import format_euro, format_german_decimal

FTE_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))]


class District(models.Model):
    """A district (Kreis) that delegates SGB II work to its cities."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kurzname"), unique=True)

    class Meta:
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")
        ordering = ["name"]

    def __str__(self):
        return self.name


HOLIDAY_REGION_CHOICES = list(HOLIDAY_REGIONS.items())
RULE_SET_FIELDS = ("holiday_region", "catholic_holidays", "period_weeks", "reminder_working_days",
                   "vacancy_flag_days", "qualification_min_months", "statute_date", "statute_reference")


def rule_set_defaults() -> dict:
    """Issue 17: the environment's settings (OBJECTION_PERIOD_WEEKS, PUBLIC_HOLIDAYS_SUBDIVISION,
    REMINDER_WORKING_DAYS, VACANCY_FLAG_DAYS, QUALIFICATION_MIN_MONTHS, STATUTE_*) as the values of a
    district's first rule set."""
    from django.conf import settings

    statute = getattr(settings, "STATUTE_DATE", "2007-04-18")
    return {
        "holiday_region": getattr(settings, "PUBLIC_HOLIDAYS_SUBDIVISION", "NW") or "NW",
        "catholic_holidays": bool(getattr(settings, "PUBLIC_HOLIDAYS_CATHOLIC", False)),
        "period_weeks": int(getattr(settings, "OBJECTION_PERIOD_WEEKS", 1)),
        "reminder_working_days": int(getattr(settings, "REMINDER_WORKING_DAYS", 1)),
        "vacancy_flag_days": int(getattr(settings, "VACANCY_FLAG_DAYS", 90)),
        "qualification_min_months": int(getattr(settings, "QUALIFICATION_MIN_MONTHS", 6)),
        "statute_date": datetime.date.fromisoformat(statute) if statute else None,
        "statute_reference": getattr(settings, "STATUTE_REFERENCE",
                                     "§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises"),
    }
# the first rule set of a district applies to every receipt before any change ("since ever")
INITIAL_VALID_FROM = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class AgreementRuleSet(models.Model):
    """Issue 17, point 1: a district's settings of the agreement, as data: the Wochenfrist's length and the
    Land whose public holidays move its end (PS-2.3, § 193 BGB), the reminder lead time, the vacancy flag
    (PS-4.3), the experience threshold (PS-1.2) and its Heranziehungssatzung (PS-2.5). Append-only: a change
    is a new version (who, when, old → new, why); a notice keeps the version in force at its receipt."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="rule_sets",
                                 verbose_name=_("Kreis"))
    version = models.PositiveIntegerField(_("Fassung"))
    valid_from = models.DateTimeField(_("gilt für Eingänge ab"))
    holiday_region = models.CharField(_("Feiertage des Landes"), max_length=20, choices=HOLIDAY_REGION_CHOICES,
                                      help_text=_("Die gesetzlichen Feiertage dieses Landes verschieben das "
                                                  "Fristende (§ 193 BGB)."))
    catholic_holidays = models.BooleanField(
        _("mit den Feiertagen überwiegend katholischer Gemeinden"), default=False,
        help_text=_("Nur in Bayern (Mariä Himmelfahrt), Sachsen und Thüringen (Fronleichnam)."))
    period_weeks = models.PositiveSmallIntegerField(
        _("Dauer der Frist in Wochen"), validators=[MinValueValidator(1), MaxValueValidator(8)])
    reminder_working_days = models.PositiveSmallIntegerField(
        _("Erinnerung (Arbeitstage vor Fristende)"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    vacancy_flag_days = models.PositiveSmallIntegerField(
        _("Vakanz hervorheben nach (Tagen)"), validators=[MinValueValidator(1), MaxValueValidator(730)])
    qualification_min_months = models.PositiveSmallIntegerField(
        _("Mindestens einschlägige Berufserfahrung (Monate)"), validators=[MaxValueValidator(60)])
    statute_date = models.DateField(_("Heranziehungssatzung vom"), null=True, blank=True)
    statute_reference = models.CharField(_("Fundstelle der Kürzungsregel"), max_length=200, blank=True,
                                         help_text=_("z. B. § 4 Abs. 1 der Heranziehungssatzung des Kreises"))
    reason = models.TextField(_("Begründung der Änderung"), blank=True)
    changes = models.JSONField(_("Änderungen (vorher → nachher)"), default=dict, blank=True)
    created_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("festgelegt von"))
    created_at = models.DateTimeField(_("festgelegt am"), default=timezone.now, db_default=Now())

    class Meta:
        verbose_name = _("Regelwerk des Kreises")
        verbose_name_plural = _("Regelwerke der Kreise")
        ordering = ["district", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["district", "version"], name="rule_set_version_unique_in_district"),
            models.CheckConstraint(condition=Q(period_weeks__gte=1), name="rule_set_period_at_least_a_week"),
        ]

    def __str__(self):
        return self.summary

    @property
    def rules(self) -> Rules:
        """The settings the PS-2.3 computations read (staffing.deadlines)."""
        return Rules(weeks=self.period_weeks, region=self.holiday_region,
                     catholic=self.catholic_holidays and self.holiday_region in CATHOLIC_REGIONS,
                     reminder_working_days=self.reminder_working_days)

    @property
    def since_ever(self) -> bool:
        """The district's first settings: for every receipt before any change."""
        return self.valid_from <= INITIAL_VALID_FROM

    @property
    def is_initial(self) -> bool:
        return self.created_by_id is None and self.version == 1

    @property
    def region_label(self) -> str:
        label = str(self.get_holiday_region_display())
        if self.catholic_holidays and self.holiday_region in CATHOLIC_REGIONS:
            label += str(_(" mit katholischen Feiertagen"))
        return label

    @property
    def title(self) -> str:
        """"Regelwerk vom 01.01.2027" (a change) or "Regelwerk Fassung 1 (Voreinstellung)" (the first)."""
        if self.valid_from <= INITIAL_VALID_FROM and self.created_by_id is None:
            return _("Regelwerk Fassung %(version)s (Voreinstellung)") % {"version": self.version}
        if self.valid_from <= INITIAL_VALID_FROM:
            return _("Regelwerk Fassung %(version)s") % {"version": self.version}
        return _("Regelwerk vom %(day)s") % {"day": timezone.localtime(self.valid_from).strftime("%d.%m.%Y")}

    @property
    def summary(self) -> str:
        """How the notice page names the rule set it used: "Regelwerk vom 01.01.2027: Bayern, Wochenfrist …"."""
        weeks = (_("Wochenfrist 1 Woche") if self.period_weeks == 1
                 else _("Frist %(weeks)s Wochen") % {"weeks": self.period_weeks})
        reminder = _("Erinnerung %(days)s Arbeitstag(e) vorher") % {"days": self.reminder_working_days}
        return f"{self.title}: {self.region_label}, {weeks}, {reminder}"

    @property
    def legal_basis_cut(self) -> str:
        """PS-2.5: the district's statute that allows cutting the administrative-cost reimbursement."""
        reference = self.statute_reference or str(_("§ 4 Abs. 1 der Heranziehungssatzung"))
        if self.statute_date:
            return f"{reference} vom {self.statute_date:%d.%m.%Y}"
        return reference


class City(models.Model):
    """A city of the district; employs the staff of its regional office."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cities",
                                 verbose_name=_("Kreis"))
    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"))

    class Meta:
        verbose_name = _("Stadt")
        verbose_name_plural = _("Städte")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="city_name_unique_in_district"),
            models.UniqueConstraint(fields=["district", "slug"], name="city_slug_unique_in_district"),
        ]

    def __str__(self):
        return self.name


class Office(models.Model):
    """A place where SGB II staff work: a city's regional office or the district's coordination office."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regionalstelle")
        COORDINATION = "coordination", _("Koordinierungsstelle")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="offices",
                                 verbose_name=_("Kreis"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="offices", verbose_name=_("Stadt"))
    name = models.CharField(_("Bezeichnung"), max_length=160)

    class Meta:
        verbose_name = _("Dienststelle")
        verbose_name_plural = _("Dienststellen")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city"], condition=Q(kind="regional"),
                                    name="one_regional_office_per_city"),
            models.UniqueConstraint(fields=["district"], condition=Q(kind="coordination"),
                                    name="one_coordination_office_per_district"),
            models.CheckConstraint(
                condition=(Q(kind="regional", city__isnull=False) | Q(kind="coordination", city__isnull=True)),
                name="regional_office_has_city_coordination_office_has_none",
            ),
        ]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """Where a user works; its kind decides the user's role (PS-2, "The people who use it")."""

    class Kind(models.TextChoices):
        CITY = "city", _("Stadtverwaltung (Personalamt)")
        COORDINATION = "coordination", _("Koordinierungsstelle")
        DISTRICT_ADMIN = "district_admin", _("Kreisverwaltung")
        MANAGEMENT = "management", _("Leitung der JobAgentur")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="organisations",
                                 verbose_name=_("Kreis"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="organisations", verbose_name=_("Stadt"))
    name = models.CharField(_("Bezeichnung"), max_length=160)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="city", city__isnull=False) | (~Q(kind="city") & Q(city__isnull=True))),
                name="organisation_city_iff_kind_city",
            ),
            models.UniqueConstraint(fields=["city"], condition=Q(kind="city"),
                                    name="one_city_organisation_per_city"),
            models.UniqueConstraint(fields=["district", "kind"], condition=~Q(kind="city"),
                                    name="one_district_organisation_per_kind"),
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person using the application; the role follows from the organisation."""

    Role = Role

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="members", verbose_name=_("Organisation"))
    muted_email_kinds = models.JSONField(
        _("keine E-Mails für"), default=list, blank=True,
        help_text=_("Arten von Benachrichtigungen, für die keine E-Mail versandt wird."),
    )
    is_demo = models.BooleanField(
        _("Demo-Zugang"), default=False,
        help_text=_("Demo-Zugänge können sich nur anmelden, solange DEMO_LOGINS_ENABLED gilt."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer/in")
        verbose_name_plural = _("Benutzer/innen")

    @property
    def role(self) -> str | None:
        """The user's role (staffing.access.role_of): the kind of their organisation."""
        return role_of(self)

    # conveniences for tests and the shell; decisions go through staffing.access.can
    @property
    def is_city_clerk(self) -> bool:
        return self.role == Role.CITY_CLERK

    @property
    def is_coordination(self) -> bool:
        return self.role == Role.COORDINATION

    @property
    def is_district_admin(self) -> bool:
        return self.role == Role.DISTRICT_ADMIN

    @property
    def is_head(self) -> bool:
        return self.role == Role.HEAD

    def get_role_display(self) -> str:
        return self.Role(self.role).label if self.role else ""


class Function(models.Model):
    """A function in the regional office; `requires_notice` marks those under PS-2."""

    class Code(models.TextChoices):
        BENEFITS = "benefits", _("Leistungssachbearbeitung")
        PLACEMENT = "placement", _("Arbeitsvermittlung")
        COUNSELLING = "counselling", _("Fachberatung")
        OFFICE_HEAD = "office_head", _("Regionalstellenleitung")
        TEAM_LEAD = "team_lead", _("Teamleitung / Koordination")

    code = models.CharField(_("Kennung"), max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    is_leadership = models.BooleanField(_("Leitungsfunktion"), default=False)
    requires_notice = models.BooleanField(
        _("Stellenbesetzungsmitteilung erforderlich"), default=False,
        help_text=_("Gilt für Leitungsfunktionen und den aktiven Bereich (PS-2)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Funktion")
        verbose_name_plural = _("Funktionen")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Qualification(models.TextChoices):
    """The kinds of qualification the agreement distinguishes (PS-1.1, PS-1.2)."""

    DEGREE = "degree", _("Hochschul-/Fachhochschulabschluss")
    CAREER_TRAINING = "career_training", _("Laufbahnrechtliche Ausbildung")
    EQUIVALENT = "equivalent", _("Gleichwertige Qualifikation")
    NONE = "none", _("Keine der genannten")


class Employment(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Beamtin/Beamter")
    EMPLOYEE = "employee", _("Tarifbeschäftigte/r")


class CareerTrack(models.TextChoices):
    """PS-1.1: the completed career track (civil servants, NRW LVO) or the qualification a pay grade presumes
    (employees, TVöD); ordered by `staffing.grades.CAREER_LEVELS`."""

    LG1_FIRST = grades.LG1_FIRST, _("Laufbahngruppe 1, erstes Einstiegsamt")
    LG1_SECOND = grades.LG1_SECOND, _("Laufbahngruppe 1, zweites Einstiegsamt")
    LG2_FIRST = grades.LG2_FIRST, _("Laufbahngruppe 2, erstes Einstiegsamt")
    LG2_SECOND = grades.LG2_SECOND, _("Laufbahngruppe 2, zweites Einstiegsamt")
    EMPLOYEE_BASIC = grades.EMPLOYEE_BASIC, _("Verwaltungsfachangestellte/r oder Angestelltenlehrgang I")
    EMPLOYEE_ADVANCED = grades.EMPLOYEE_ADVANCED, _("Angestelltenlehrgang II / Verwaltungsfachwirt/in")
    EMPLOYEE_UNIVERSITY = grades.EMPLOYEE_UNIVERSITY, _("Hochschulabschluss (Master oder Universitätsdiplom)")


CAREER_TRACK_LABEL = _("Abgeschlossene Laufbahnausbildung / Qualifikation")
CAREER_TRACK_HELP = _("Für die Leistungssachbearbeitung (PS-1.1): die Laufbahngruppe und das Einstiegsamt "
                      "(Beamtinnen und Beamte) oder die Qualifikation nach TVöD, die die Person abgeschlossen hat.")


class Induction(models.TextChoices):
    NOT_NEEDED = "not_needed", _("nicht erforderlich")
    PLANNED = "planned", _("geplant")
    COMPLETED = "completed", _("abgeschlossen")


class LeaveReason(models.TextChoices):
    """PS-4.1: why a person left the regional office (the continuity figures count leavers by reason).
    UNKNOWN is for leavers recorded before the reason was asked and for imported leavers without one;
    the leave form offers only the others."""

    RETIREMENT = "retirement", _("Ruhestand")
    INTERNAL = "internal", _("Wechsel innerhalb der Stadtverwaltung")
    OTHER_EMPLOYER = "other_employer", _("Wechsel zu anderem Arbeitgeber")
    FIXED_TERM_END = "fixed_term_end", _("Ende der Befristung/Abordnung")
    OTHER = "other", _("Sonstiges")
    UNKNOWN = "unknown", _("nicht erfasst")


#: the reasons a user chooses from when recording a leaving (PS-4.1)
LEAVE_REASONS_TO_CHOOSE = [(value, label) for value, label in LeaveReason.choices if value != LeaveReason.UNKNOWN]


class Position(models.Model):
    """A budgeted position of an office (PS-4.2): the basis of every placement."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="positions",
                               verbose_name=_("Dienststelle"))
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="positions",
                                 verbose_name=_("Funktion"))
    number = models.CharField(_("Stellennummer"), max_length=40)
    title = models.CharField(_("Stellenbezeichnung"), max_length=160)
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20)
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), max_digits=4, decimal_places=3,
                              validators=FTE_VALIDATORS)
    is_active = models.BooleanField(_("im Stellenplan"), default=True)

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="position_number_unique_in_office"),
            models.CheckConstraint(condition=Q(fte__gt=0, fte__lte=1), name="position_fte_between_0_and_1"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class StaffMember(models.Model):
    """A member of an office's SGB II staff (PS-1, PS-6.1)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="staff",
                               verbose_name=_("Dienststelle"))
    position = models.ForeignKey(Position, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="staff", verbose_name=_("Stelle"))
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="staff",
                                 verbose_name=_("Funktion"))
    first_name = models.CharField(_("Vorname"), max_length=80)
    last_name = models.CharField(_("Nachname"), max_length=80)
    employment = models.CharField(_("Beschäftigungsverhältnis"), max_length=20, choices=Employment.choices)
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20)
    fte = models.DecimalField(_("Arbeitszeitanteil (VZÄ)"), max_digits=4, decimal_places=3,
                              validators=FTE_VALIDATORS)
    area_of_deployment = models.CharField(_("Einsatzbereich"), max_length=160, blank=True)
    qualification = models.CharField(_("Qualifikation"), max_length=20, choices=Qualification.choices)
    qualification_detail = models.CharField(_("Abschluss / Ausbildung"), max_length=200, blank=True)
    career_track = models.CharField(CAREER_TRACK_LABEL, max_length=20, choices=CareerTrack.choices, blank=True,
                                    help_text=CAREER_TRACK_HELP)
    months_experience = models.PositiveSmallIntegerField(_("Monate einschlägiger Berufserfahrung"), default=0)
    induction = models.CharField(_("Praxiseinweisung"), max_length=20, choices=Induction.choices,
                                 default=Induction.NOT_NEEDED)
    training_notes = models.TextField(_("Fortbildungen"), blank=True)
    joined_on = models.DateField(_("Eintritt"))
    # PS-4.1: the start of the current function (tenure in the function); empty means since joining
    function_since = models.DateField(_("in der Funktion seit"), null=True, blank=True)
    left_on = models.DateField(_("Austritt"), null=True, blank=True)
    leave_reason = models.CharField(_("Grund des Austritts"), max_length=20, choices=LeaveReason.choices,
                                    blank=True)

    class Meta:
        verbose_name = _("Mitarbeiter/in")
        verbose_name_plural = _("Mitarbeitende")
        ordering = ["office", "last_name", "first_name"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0, fte__lte=1), name="staff_fte_between_0_and_1"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                                   name="staff_left_after_joined"),
        ]

    def __str__(self):
        return f"{self.last_name}, {self.first_name}"


class GradeCareerTrack(models.Model):
    """PS-1.1: the district's table of the career track each pay grade presumes ("laufbahnrechtliche
    Ausbildung entsprechend der Bewertung der jeweiligen Stelle"); kept by the district
    (`records.career_track_save`), read by `staffing.qualification.check_benefits`."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="career_tracks",
                                 verbose_name=_("Kreis"))
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20,
                             help_text=_("z. B. A 10 oder EG 9a"))
    employment = models.CharField(_("Beschäftigungsverhältnis"), max_length=20, choices=Employment.choices)
    track = models.CharField(_("Vorgesehene Laufbahn / Qualifikation"), max_length=20, choices=CareerTrack.choices)
    changed_by = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("zuletzt geändert von"))
    changed_at = models.DateTimeField(_("zuletzt geändert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Laufbahn je Besoldungs-/Entgeltgruppe")
        verbose_name_plural = _("Laufbahnen je Besoldungs-/Entgeltgruppe")
        ordering = ["district", "employment", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["district", "grade"], name="career_track_grade_unique_in_district"),
        ]

    def __str__(self):
        return f"{self.grade}: {self.get_track_display()}"

    @property
    def level(self) -> int:
        return grades.level(self.track)


class GradeCareerTrackChange(models.Model):
    """PS-1.1: who changed the district's career-track table, when, from what to what (append-only)."""

    class Action(models.TextChoices):
        CREATED = "created", _("angelegt")
        CHANGED = "changed", _("geändert")
        DELETED = "deleted", _("gelöscht")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="career_track_changes",
                                 verbose_name=_("Kreis"))
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20)
    action = models.CharField(_("Änderung"), max_length=10, choices=Action.choices)
    from_track = models.CharField(_("vorher"), max_length=20, choices=CareerTrack.choices, blank=True)
    to_track = models.CharField(_("nachher"), max_length=20, choices=CareerTrack.choices, blank=True)
    by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("durch"))
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_default=Now())  # issue 15: DB clock

    class Meta:
        verbose_name = _("Änderung der Laufbahntabelle")
        verbose_name_plural = _("Änderungen der Laufbahntabelle")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.grade}: {self.get_action_display()}"


class Vacancy(models.Model):
    """A vacated budgeted position, to be refilled without delay (PS-4.3)."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="vacancies",
                                 verbose_name=_("Stelle"))
    vacated_on = models.DateField(_("frei seit"))
    refilled_on = models.DateField(_("wiederbesetzt am"), null=True, blank=True)
    reason = models.CharField(_("Anlass"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Vakanz")
        verbose_name_plural = _("Vakanzen")
        ordering = ["vacated_on"]
        constraints = [
            models.CheckConstraint(condition=Q(refilled_on__isnull=True) | Q(refilled_on__gte=F("vacated_on")),
                                   name="vacancy_refilled_after_vacated"),
            models.UniqueConstraint(fields=["position"], condition=Q(refilled_on__isnull=True),
                                    name="one_open_vacancy_per_position"),
        ]

    def __str__(self):
        return f"{self.position} ({_('frei seit')} {self.vacated_on:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.refilled_on is None


# --- The placement notice (PS-2) -----------------------------------------------------------

class ObjectionKind(models.TextChoices):
    CONCERNS = "concerns", _("Bedenken")
    CLARIFICATION = "clarification", _("Klärungsbedarf")


class NoticeKind(models.TextChoices):
    """PS-2.2: what the notice is about: a new placement or another personnel change of the same group."""

    NEW = "new", _("Neubesetzung")
    TRANSFER = "transfer", _("Umsetzung / Funktionswechsel")
    OTHER = "other", _("sonstige personelle Veränderung")


class DecisionKind(models.TextChoices):
    """PS-2.5: the district's decision after an escalation."""

    PERMITTED = "permitted", _("Besetzung zulässig")
    REFUSED = "refused", _("Besetzung unterbleibt")
    CONDITIONS = "conditions", _("Besetzung mit Auflagen (Weisung im Einzelfall)")


class JobAgenturGoal(models.Model):
    """PS-2.1: an overall goal of the JobAgentur EN, kept by the district; a notice may name the goals
    its placement serves."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="goals",
                                 verbose_name=_("Kreis"))
    title = models.CharField(_("Ziel"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Ziel der JobAgentur EN")
        verbose_name_plural = _("Ziele der JobAgentur EN")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["district", "title"], name="goal_title_unique_in_district"),
        ]

    def __str__(self):
        return self.title


class PlacementNotice(ConcurrentTransitionMixin, models.Model):
    """A Stellenbesetzungsmitteilung: the city informs the coordination office of a planned
    placement (PS-2.2); the state machine implements PS-2.3 to PS-2.6."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="notices",
                               verbose_name=_("Regionalstelle"))
    # issue 16 (no page grows with the country): the office's district, copied once when the notice is created
    # (`save`; a notice never changes its office), so a district's lists read their own rows by the index
    # notice_district_created_idx instead of every notice of the country filtered through the office
    # (no index of its own: notice_district_created_idx starts with it)
    district = models.ForeignKey(District, on_delete=models.PROTECT, editable=False, related_name="notices",
                                 db_index=False, verbose_name=_("Kreis"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="notices", verbose_name=_("Stelle"))
    function = models.ForeignKey(Function, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="notices", verbose_name=_("Funktion"))
    vacancy = models.ForeignKey(Vacancy, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="notices", verbose_name=_("Vakanz"))
    reference = models.CharField(_("Aktenzeichen"), max_length=60, blank=True)
    notice_kind = models.CharField(_("Art der Veränderung"), max_length=20, choices=NoticeKind.choices,
                                   default=NoticeKind.NEW)
    planned_start = models.DateField(_("geplanter Besetzungstermin"), null=True, blank=True)
    early_start_reason = models.TextField(_("Begründung des frühen Besetzungstermins"), blank=True)
    goals_statement = models.TextField(_("Beitrag zu den Gesamtzielen der JobAgentur EN"), blank=True)
    goals = models.ManyToManyField(JobAgenturGoal, blank=True, related_name="notices",
                                   verbose_name=_("Ziele der JobAgentur EN"))
    reason = models.TextField(_("Anlass und Begründung der Besetzung"), blank=True)
    head_involved = models.BooleanField(
        _("Leitung der JobAgentur unmittelbar beteiligt"), default=False,
        help_text=_("Nur bei Leitungsfunktionen (PS-2.6)."),
    )
    state = FSMField(_("Status"), max_length=30, choices=NoticeState.choices, default=NoticeState.DRAFT,
                     protected=True)
    received_at = models.DateTimeField(_("eingegangen am"), null=True, blank=True)
    period_ends_at = models.DateTimeField(_("Frist endet"), null=True, blank=True, db_index=True)
    period_last_day = models.DateField(_("letzter Tag der Frist"), null=True, blank=True)
    period_extension_reason = models.CharField(_("Grund der Fristverlängerung"), max_length=200, blank=True)
    reminder_due_at = models.DateTimeField(_("Erinnerung fällig"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung versandt"), null=True, blank=True)
    rule_set = models.ForeignKey(AgreementRuleSet, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="notices", verbose_name=_("Regelwerk bei Eingang"))
    # Consultation (PS-2.4)
    objection_kind = models.CharField(_("Art der Reaktion"), max_length=20, choices=ObjectionKind.choices,
                                      blank=True)
    objection_reason = models.TextField(_("Begründung der Bedenken / des Klärungsbedarfs"), blank=True)
    consultation_participants = models.TextField(_("Teilnehmende der Erörterung"), blank=True)
    administrative_heads_involved = models.BooleanField(_("Verwaltungsleitungen beteiligt"), default=False)
    agreed_solution = models.TextField(_("Einvernehmliche Lösung"), blank=True)
    # PS-2.4: the side that proposed the agreed solution (the other side confirms it); empty once decided
    agreement_proposed_side = models.CharField(_("Einigung vorgeschlagen von"), max_length=20,
                                               choices=AgreementSide.choices, blank=True)
    agreed_conditions = models.TextField(_("Auflagen / Bedingungen"), blank=True)
    escalation_reason = models.TextField(_("Grund der Eskalation"), blank=True)
    # Decision of the district (PS-2.5)
    decision_kind = models.CharField(_("Entscheidung des Kreises"), max_length=20, choices=DecisionKind.choices,
                                     blank=True)
    directive = models.TextField(_("Weisung im Einzelfall"), blank=True)
    placement_permitted = models.BooleanField(_("Besetzung nach Entscheidung zulässig"), default=False)
    placed_on = models.DateField(_("besetzt am"), null=True, blank=True)
    # PS-2.3/PS-6.1: placed with another person than the notified candidates (the coordination office is told)
    substitute_name = models.CharField(_("besetzt mit (andere Person)"), max_length=160, blank=True)
    substitute_reason = models.TextField(_("Grund für die andere Person"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True,
                                   verbose_name=_("angelegt von"))
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Stellenbesetzungsmitteilung")
        verbose_name_plural = _("Stellenbesetzungsmitteilungen")
        ordering = ["-created_at", "-id"]  # issue 16: the order of notice_created_idx (ties by id)
        constraints = [
            models.UniqueConstraint(fields=["position"], condition=Q(state__in=OPEN_STATES),
                                    name="one_open_notice_per_position"),
            models.CheckConstraint(
                # a draft the city withdraws was never received: it has no period
                condition=(Q(state="draft") | Q(state="withdrawn", received_at__isnull=True)
                           | Q(received_at__isnull=False, period_ends_at__isnull=False)),
                name="submitted_notice_has_period",
            ),
        ]
        indexes = [models.Index(fields=["state", "period_ends_at"], name="notice_state_deadline_idx"),
                   # issue 16: the default ordering without a sort of all rows (the operator's list of all
                   # notices); a district's lists read notice_district_created_idx (its own rows in that order)
                   models.Index(fields=["-created_at", "-id"], name="notice_created_idx"),
                   models.Index(fields=["district", "-created_at", "-id"], name="notice_district_created_idx"),
                   # issue 16: a district's notices in given states (what waits on the start pages, the escalation
                   # page, the counts by state) as index ranges; before, every notice of the district was read
                   # through its office and filtered by state (40,000 rows in the largest district)
                   models.Index(fields=["district", "state"], name="notice_district_state_idx"),
                   # issue 16: the same for a city's offices (what waits for the city clerk, the counts by state)
                   models.Index(fields=["office", "state"], name="notice_office_state_idx"),
                   # issue 16: the escalation page (PS-2.4/2.5): a district's notices in consultation, with a
                   # proposed agreement or escalated, a few dozen, whatever the planner's sample of the table says
                   # (with statistics from one ANALYZE PostgreSQL walked the states of the whole country: 37-58 ms)
                   models.Index(fields=["district", "updated_at"], name="notice_escalation_idx",
                                condition=Q(state__in=ESCALATION_PAGE_STATES))]

    def __str__(self):
        label = self.position.title if self.position_id else _("ohne Stelle")
        return f"{_('Mitteilung')} {self.pk or ''} {label}".strip()

    def save(self, *args, **kwargs):
        """Issue 16: the notice's district is its office's, set here once, when it is first saved (the office
        the service already holds: no query). Writers that bypass save() (COPY, bulk_create) set district_id
        themselves; the column is NOT NULL, so a forgotten one fails."""
        if self.district_id is None and self.office_id is not None:
            self.district_id = self.office.district_id
        super().save(*args, **kwargs)

    # -- conditions ------------------------------------------------------------------------
    def missing_for_submission(self) -> list[str]:
        """PS-2.2: what a notice still lacks before it can be submitted (German field names)."""
        missing = []
        if not self.function_id:
            missing.append(str(_("Funktion")))
        if not self.position_id:
            missing.append(str(_("Stelle")))
        if not self.planned_start:
            missing.append(str(_("geplanter Besetzungstermin")))
        if not self.goals_statement.strip():
            missing.append(str(_("Beitrag zu den Gesamtzielen der JobAgentur EN")))
        candidates = list(self.candidates.all())
        if not candidates:
            missing.append(str(_("mindestens eine Bewerberin / ein Bewerber")))
        for index, candidate in enumerate(candidates, start=1):
            for label in candidate.missing_for_submission():
                missing.append(f"{_('Person')} {index}: {label}")
        if self.head_involved and self.function_id and not self.function.is_leadership:
            missing.append(str(_("Beteiligung der Leitung nur bei Leitungsfunktionen")))
        return missing

    def is_complete(self) -> bool:
        return not self.missing_for_submission()

    @property
    def rules(self):
        """Issue 17: the settings the notice's period was computed with (its rule set; None: the defaults)."""
        return self.rule_set.rules if self.rule_set_id else None

    def period_running(self) -> bool:
        """PS-2.3/2.4: reactions count only before the end of the objection period."""
        return self.period_ends_at is not None and timezone.now() < self.period_ends_at

    def period_ended(self) -> bool:
        """PS-2.3: consent by silence only once the period has ended."""
        return self.period_ends_at is not None and timezone.now() >= self.period_ends_at

    @property
    def meaning(self) -> StateMeaning:
        """What the current state means (badge, period, who acts): staffing.states."""
        return meaning(self.state)

    def placement_allowed_after_decision(self) -> bool:
        return self.state != NoticeState.DECIDED or self.placement_permitted

    # -- transitions (called only from staffing.services) ---------------------------------
    @transition(field=state, source=NoticeState.DRAFT, target=NoticeState.INFORMED,
                conditions=[is_complete], permission=transition_permission("submit"))
    def submit(self, *, received_at, rule_set=None):
        """PS-2.2: the city informs the coordination office; the objection period starts under the
        district's rule set in force at receipt (issue 17: it stays with the notice)."""
        self.rule_set = rule_set
        rules = rule_set.rules if rule_set is not None else None
        period = objection_period(received_at, rules)
        self.received_at = received_at
        self.period_ends_at = period.ends_at
        self.period_last_day = period.last_day
        self.period_extension_reason = period.extension_reason
        self.reminder_due_at = timezone.make_aware(
            datetime.datetime.combine(reminder_day(period.last_day, rules), datetime.time.min),
            period.ends_at.tzinfo)

    @transition(field=state, source=NoticeState.INFORMED, target=NoticeState.CLEARED,
                conditions=[period_running], permission=transition_permission("clear"))
    def clear(self):
        """PS-2.3: the coordination office has no concerns and clears the notice early."""

    @transition(field=state, source=NoticeState.INFORMED, target=NoticeState.APPROVED_BY_SILENCE,
                conditions=[period_ended], permission=transition_permission("approve_by_silence"))
    def approve_by_silence(self):
        """PS-2.3: no reaction within the period: the placement may go ahead."""

    @transition(field=state, source=NoticeState.INFORMED, target=NoticeState.CONSULTATION,
                conditions=[period_running], permission=transition_permission("raise_objection"))
    def raise_objection(self, *, kind, reason_text):
        """PS-2.4: concerns or a request for clarification within the period start a consultation."""
        self.objection_kind = kind
        self.objection_reason = reason_text

    @transition(field=state, source=NoticeState.CONSULTATION, target=NoticeState.CONSULTATION,
                permission=transition_permission("city_statement"))
    def city_statement(self):
        """PS-2.4: the city states its view in the consultation (the text is the audit record's reason)."""

    @transition(field=state, source=NoticeState.CONSULTATION, target=NoticeState.AGREEMENT_PROPOSED,
                permission=transition_permission("propose_agreement"))
    def propose_agreement(self, *, side, solution, participants, administrative_heads_involved, conditions=""):
        """PS-2.4: one side records the agreed solution of the consultation; the other side confirms it."""
        self.agreement_proposed_side = side
        self.agreed_solution = solution
        self.consultation_participants = participants
        self.administrative_heads_involved = administrative_heads_involved
        self.agreed_conditions = conditions

    @transition(field=state, source=NoticeState.AGREEMENT_PROPOSED, target=NoticeState.AGREED,
                permission=transition_permission("confirm_agreement"))
    def confirm_agreement(self):
        """PS-2.4: the other side confirms the proposed solution: district and city agree."""
        self.agreement_proposed_side = ""

    @transition(field=state, source=NoticeState.AGREEMENT_PROPOSED, target=NoticeState.CONSULTATION,
                permission=transition_permission("reject_agreement"))
    def reject_agreement(self):
        """PS-2.4: the other side does not share the proposed solution: the consultation goes on."""
        self.agreement_proposed_side = ""
        self.agreed_solution = ""
        self.agreed_conditions = ""

    @transition(field=state, source=NoticeState.CONSULTATION, target=NoticeState.AGREED,
                permission=transition_permission("agree"))
    def agree(self, *, solution, participants, administrative_heads_involved, conditions=""):
        """PS-2.4: district and city record their agreed solution jointly (both sides' participants named)."""
        self.agreed_solution = solution
        self.consultation_participants = participants
        self.administrative_heads_involved = administrative_heads_involved
        self.agreed_conditions = conditions

    @transition(field=state, source=NoticeState.CONSULTATION, target=NoticeState.ESCALATED,
                permission=transition_permission("escalate"))
    def escalate(self, *, reason_text, participants="", administrative_heads_involved=False):
        """PS-2.5: the consultation ended without an agreed solution."""
        self.escalation_reason = reason_text
        self.consultation_participants = participants
        self.administrative_heads_involved = administrative_heads_involved

    @transition(field=state, source=NoticeState.ESCALATED, target=NoticeState.DECIDED,
                permission=transition_permission("decide"))
    def decide(self, *, kind, directive=""):
        """PS-2.5: the district decides: placement permitted, refused, or permitted with an individual
        directive; a cut of the administrative-cost reimbursement is booked apart (AdministrativeCostCut)."""
        self.decision_kind = kind
        self.directive = directive if kind == DecisionKind.CONDITIONS else ""
        self.placement_permitted = kind in (DecisionKind.PERMITTED, DecisionKind.CONDITIONS)

    def has_active_cut(self) -> bool:
        """A cut of this notice not yet revoked (reads the prefetched cuts of the notice page)."""
        return any(cut.revoked_at is None for cut in self.cost_cuts.all())

    # the state stays (target None): a cut is revoked by a new decision of the district, whatever became of
    # the notice since (placed or withdrawn) - the ledger is not tied to the notice's state
    @transition(field=state, source=[NoticeState.DECIDED, NoticeState.PLACED, NoticeState.WITHDRAWN], target=None,
                conditions=[has_active_cut], permission=transition_permission("revoke_cut"))
    def revoke_cut(self):
        """PS-2.5: the district revokes a cut it decided (the cut row records when, by whom and why)."""

    @transition(field=state, source=PLACEABLE_STATES, target=NoticeState.PLACED,
                conditions=[placement_allowed_after_decision], permission=transition_permission("place"))
    def place(self, *, placed_on, substitute_name="", substitute_reason=""):
        """PS-2.3/PS-4.3: the city records the placement as carried out (with a notified candidate, or
        with another person: `substitute_name` and its reason)."""
        self.placed_on = placed_on
        self.substitute_name = substitute_name
        self.substitute_reason = substitute_reason

    @transition(field=state, source=[NoticeState.DRAFT, NoticeState.INFORMED, NoticeState.CONSULTATION,
                                     NoticeState.AGREEMENT_PROPOSED, NoticeState.ESCALATED, *PLACEABLE_STATES],
                target=NoticeState.WITHDRAWN, permission=transition_permission("withdraw"))
    def withdraw(self):
        """PS-2.2: the city withdraws its planned placement; after a clearance, an approval, an agreement or
        a decision: the placement does not take place ("Besetzung findet nicht statt"). The position is free
        for a new notice."""


class AdministrativeCostCut(models.Model):
    """PS-2.5: a cut of the administrative-cost reimbursement (Verwaltungskostenerstattung, § 4 Abs. 1
    Heranziehungssatzung vom 18.04.2007) decided by the district on an escalated notice: its own ledger,
    apart from the personnel-cost reimbursement of PS-5.1. Revoked only by a new decision of the district
    (`revoked_*`), never by what becomes of the notice."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="cost_cuts", verbose_name=_("Stadt"))
    notice = models.ForeignKey(PlacementNotice, on_delete=models.PROTECT, related_name="cost_cuts",
                               verbose_name=_("Mitteilung"))
    decided_event = models.ForeignKey("NoticeEvent", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("Entscheidung"))
    amount = models.DecimalField(_("Betrag in €"), max_digits=12, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("Prozent"), max_digits=5, decimal_places=2, null=True, blank=True)
    period_from = models.DateField(_("Zeitraum von"))
    period_to = models.DateField(_("Zeitraum bis"))
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=200)
    created_at = models.DateTimeField(_("festgelegt am"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("festgelegt von"))
    revoked_at = models.DateTimeField(_("aufgehoben am"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("aufgehoben von"))
    revoke_reason = models.TextField(_("Begründung der Aufhebung"), blank=True)
    revoked_event = models.ForeignKey("NoticeEvent", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("Aufhebung"))

    class Meta:
        verbose_name = _("Kürzung der Verwaltungskostenerstattung")
        verbose_name_plural = _("Kürzungen der Verwaltungskostenerstattung")
        ordering = ["city", "period_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=(Q(amount__isnull=False, percent__isnull=True)
                                              | Q(amount__isnull=True, percent__isnull=False)),
                                   name="cut_amount_xor_percent"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="cut_amount_positive"),
            models.CheckConstraint(condition=Q(percent__isnull=True) | Q(percent__gt=0, percent__lte=100),
                                   name="cut_percent_between_0_and_100"),
            models.CheckConstraint(condition=Q(period_to__gte=F("period_from")), name="cut_period_ordered"),
            models.CheckConstraint(
                condition=(Q(revoked_at__isnull=True, revoked_by__isnull=True, revoked_event__isnull=True)
                           | (Q(revoked_at__isnull=False, revoked_by__isnull=False, revoked_event__isnull=False)
                              & ~Q(revoke_reason=""))),
                name="cut_revoked_with_who_when_why"),
        ]

    def __str__(self):
        return f"{self.city}: {self.value_label} ({self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y})"

    @property
    def value_label(self) -> str:
        if self.amount is not None:
            return format_euro(self.amount)  # issue 14: "1.250,50 €"
        return f"{format_german_decimal(self.percent, None)} %"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Candidate(models.Model):
    """A person proposed in a notice, with qualification and professional background (PS-2.2)."""

    notice = models.ForeignKey(PlacementNotice, on_delete=models.CASCADE, related_name="candidates",
                               verbose_name=_("Mitteilung"))
    full_name = models.CharField(_("Name"), max_length=160, blank=True)
    employment = models.CharField(_("Beschäftigungsverhältnis"), max_length=20, choices=Employment.choices,
                                  blank=True)
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20, blank=True)
    qualification = models.CharField(_("Qualifikation"), max_length=20, choices=Qualification.choices,
                                     blank=True)
    qualification_detail = models.CharField(_("Abschluss / Ausbildung"), max_length=200, blank=True)
    career_track = models.CharField(CAREER_TRACK_LABEL, max_length=20, choices=CareerTrack.choices, blank=True,
                                    help_text=CAREER_TRACK_HELP)
    professional_background = models.TextField(_("Beruflicher Werdegang"), blank=True)
    months_experience = models.PositiveSmallIntegerField(_("Monate einschlägiger Berufserfahrung"),
                                                         null=True, blank=True)
    induction_planned = models.BooleanField(_("Praxiseinweisung geplant"), default=False)
    is_selected = models.BooleanField(_("ausgewählt"), default=False)
    erased_at = models.DateTimeField(_("personenbezogene Daten gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bewerber/in")
        verbose_name_plural = _("Bewerber/innen")
        ordering = ["pk"]

    def __str__(self):
        return self.full_name or str(_("(ohne Namen)"))

    def missing_for_submission(self) -> list[str]:
        """PS-2.2: a candidate needs name, qualification and professional background."""
        missing = []
        if not self.full_name.strip():
            missing.append(str(_("Name")))
        if not self.qualification:
            missing.append(str(_("Qualifikation")))
        if not self.qualification_detail.strip():
            missing.append(str(_("Abschluss / Ausbildung")))
        if not self.professional_background.strip():
            missing.append(str(_("Beruflicher Werdegang")))
        if self.months_experience is None:
            missing.append(str(_("Monate einschlägiger Berufserfahrung")))
        return missing


class NoticeEvent(models.Model):
    """The audit trail: one record per transition, written in the same transaction (append-only)."""

    notice = models.ForeignKey(PlacementNotice, on_delete=models.PROTECT, related_name="events",
                               verbose_name=_("Mitteilung"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("durch"))
    transition = models.CharField(_("Schritt"), max_length=40)
    from_state = models.CharField(_("von"), max_length=30, choices=NoticeState.choices)
    to_state = models.CharField(_("nach"), max_length=30, choices=NoticeState.choices)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_default=Now())  # issue 15: DB clock
    reason = models.TextField(_("Begründung / Kommentar"), blank=True)
    notifications_sent_at = models.DateTimeField(_("Benachrichtigungen versandt"), null=True, blank=True)
    # Abwesenheitsvertretung: the actor stood in for this absent colleague ("i. V. für", issue 8)
    on_behalf_of = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("in Vertretung für"))

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["notifications_sent_at", "at"], name="event_outbox_idx")]

    def __str__(self):
        return f"{self.notice_id}: {self.from_state} -> {self.to_state}"

    @property
    def actor_label(self) -> str:
        if self.actor_id is None:
            return str(_("System"))
        label = self.actor.get_full_name() or self.actor.username
        if self.on_behalf_of_id:
            absent = self.on_behalf_of.get_full_name() or self.on_behalf_of.username
            label = _("%(actor)s i. V. für %(absent)s") % {"actor": label, "absent": absent}
        return label


class NoticeComment(models.Model):
    """A comment on a notice, e.g. the city's answer to a clarification request or the head of the
    JobAgentur's view when directly involved (PS-2.4, PS-2.6)."""

    notice = models.ForeignKey(PlacementNotice, on_delete=models.CASCADE, related_name="comments",
                               verbose_name=_("Mitteilung"))
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("von"))
    text = models.TextField(_("Kommentar"))
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"


class Notification(models.Model):
    """An in-app notification, mailed once unless muted: the one pipeline of the application (PS-2.3 to
    PS-2.6 and the planning side's messages). About a notice (`notice`, and the audit `event` that caused
    it: at most one per event and recipient, so re-delivery adds nothing) or, without a notice, about
    another page (`url`). Kinds: staffing.states.NotificationKind plus those registered in staffing.hooks."""

    Kind = NotificationKind

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("Empfänger/in"))
    notice = models.ForeignKey(PlacementNotice, on_delete=models.CASCADE, related_name="notifications",
                               null=True, blank=True, verbose_name=_("Mitteilung"))
    event = models.ForeignKey(NoticeEvent, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="notifications")
    url = models.CharField(_("Seite"), max_length=300, blank=True, help_text=_(
        "Adresse in der Anwendung, wenn die Benachrichtigung keine Mitteilung betrifft."))
    kind = models.CharField(_("Art"), max_length=30, choices=notification_kind_choices)
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Text"))
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelesen"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("per E-Mail versandt"), null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], condition=Q(event__isnull=False),
                                    name="one_notification_per_event_and_recipient"),
            models.UniqueConstraint(fields=["recipient", "notice"], condition=Q(kind="reminder"),
                                    name="one_reminder_per_notice_and_recipient"),
            models.CheckConstraint(condition=Q(notice__isnull=False) | ~Q(url=""),
                                   name="notification_about_a_notice_or_a_page"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
                   # issue 16: a person's notifications newest first (the notifications page, 25 a page) as one
                   # index range; without it PostgreSQL scanned the whole country's notifications and sorted
                   models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self) -> str:
        """Where the notification leads: its notice's page, else its own page (issue 16: the notice's URL
        reversed once per process, `hooks.object_url`)."""
        if self.notice_id:
            return object_url("staffing:notice_detail", self.notice_id)
        return self.url

    def get_kind_display(self) -> str:
        """The kind's label, as Django's `get_kind_display` gives it, but only this kind's label is translated
        (issue 16: Django's hashes the choices, which translates every kind's label: about 20 gettext calls per
        row of the notifications page)."""
        for value, label in notification_kind_choices():
            if value == self.kind:
                return str(label)
        return self.kind



# --- issue 13: the district's staff plan (PS-4.2) -------------------------------------------------

class PositionProposal(models.Model):
    """PS-4.2: a city proposes a change of its regional office's staff plan; the district (coordination
    office or district administration) accepts or rejects it. Accepting applies exactly the proposed values
    (`staffing.records.position_proposal_accept`)."""

    class Kind(models.TextChoices):
        NEW = "new", _("neue Stelle")
        CHANGE = "change", _("Änderung einer Stelle")
        DEACTIVATE = "deactivate", _("Streichung aus dem Stellenplan")

    class State(models.TextChoices):
        WAITING = "waiting", _("wartet auf Entscheidung des Kreises")
        ACCEPTED = "accepted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="position_proposals",
                               verbose_name=_("Dienststelle"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="proposals", verbose_name=_("Stelle"))
    kind = models.CharField(_("Art des Vorschlags"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("Stellennummer"), max_length=40, blank=True)
    title = models.CharField(_("Stellenbezeichnung"), max_length=160, blank=True)
    function = models.ForeignKey(Function, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("Funktion"))
    grade = models.CharField(_("Besoldungs-/Entgeltgruppe"), max_length=20, blank=True)
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), max_digits=4, decimal_places=3, null=True, blank=True,
                              validators=FTE_VALIDATORS)
    before = models.JSONField(_("Stand der Stelle beim Vorschlag"), default=dict, blank=True)
    reason = models.TextField(_("Begründung"))
    state = models.CharField(_("Stand"), max_length=20, choices=State.choices, default=State.WAITING)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("vorgeschlagen von"))
    proposed_at = models.DateTimeField(_("vorgeschlagen am"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("entschieden von"))
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision_note = models.TextField(_("Vermerk des Kreises"), blank=True)

    class Meta:
        verbose_name = _("Vorschlag zum Stellenplan")
        verbose_name_plural = _("Vorschläge zum Stellenplan")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["position"], condition=Q(state="waiting", position__isnull=False),
                                    name="one_waiting_proposal_per_position"),
            models.CheckConstraint(condition=Q(kind="new") | Q(position__isnull=False),
                                   name="proposal_change_names_a_position"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or (self.position and self.position.number) or ''}".strip()

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING


class PositionChange(models.Model):
    """PS-4.2: the audit of the staff plan: one row per change of a position (who, when, before, after,
    why), written in the change's transaction by `staffing.records`; append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("angelegt")
        CHANGED = "changed", _("geändert")
        DEACTIVATED = "deactivated", _("aus dem Stellenplan genommen")
        REACTIVATED = "reactivated", _("wieder in den Stellenplan aufgenommen")
        PROPOSED = "proposed", _("Änderung vorgeschlagen")
        REJECTED = "rejected", _("Vorschlag abgelehnt")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="position_changes",
                               verbose_name=_("Dienststelle"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="changes", verbose_name=_("Stelle"))
    proposal = models.ForeignKey(PositionProposal, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="changes", verbose_name=_("Vorschlag"))
    action = models.CharField(_("Vorgang"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("durch"))
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_default=Now())  # issue 15: DB clock
    before = models.JSONField(_("vorher"), default=dict, blank=True)
    after = models.JSONField(_("nachher"), default=dict, blank=True)
    reason = models.TextField(_("Begründung"), blank=True)
    source = models.CharField(_("Quelle"), max_length=20, blank=True)  # "form", "import", "proposal"

    class Meta:
        verbose_name = _("Änderung des Stellenplans")
        verbose_name_plural = _("Änderungen des Stellenplans")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("PositionChange is append-only")
        super().save(*args, **kwargs)
