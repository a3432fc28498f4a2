"""Writes of the planning side. Each checks the user's scope again (404 / PermissionDenied).

The staff register, positions and vacancies are written by `staffing.records` (one write path).
Messages to users (a changed cap, an overdue quarterly report) are notifications of the core's one
pipeline (`staffing.notifications.notify`): in-app at once, mailed after the commit, never lost when
the broker is down."""
from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from staffing import access, records
from staffing import selectors as staffing_selectors
from staffing.access import can
from staffing.models import City, Function, Office, StaffMember, User
from staffing.notifications import notify
from staffing.states import Role

from . import field_training, selectors
from .models import (
    CapConsultation,
    CapProposal,
    CapStatement,
    CoachingEvaluation,
    CoachingOffer,
    CoachingSignup,
    CoachingTheme,
    MessageKind,
    QuarterlyReport,
    ReimbursementCap,
    ReportReminder,
    TrainingKind,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
    TrainingReminder,
)
from .quarters import Quarter
from .reports import overdue_offices, snapshot_rows

logger = logging.getLogger(__name__)


def _require_office(by: User) -> Office:
    office = selectors.editable_office_for(by)
    if office is None:
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt pflegt diese Daten."))
    return office


# --- quarterly report (PS-6.1) ---------------------------------------------------------------

@transaction.atomic
def report_confirm(*, by: User, quarter: Quarter, remark: str = "", today: datetime.date | None = None,
                   personnel_costs: Decimal | None = None) -> QuarterlyReport:
    """PS-6.1: the city confirms its office's data as at the quarter's end; the snapshot never changes.
    PS-6.2 (issue 13): with it, optionally, the quarter's actual personnel costs (its claim, planning.costs);
    being part of the append-only report they are fixed with it too."""
    if personnel_costs is not None and personnel_costs < 0:
        raise ValidationError({"personnel_costs": _("Der Betrag darf nicht negativ sein.")})
    if not can(by, "report.confirm"):
        raise PermissionDenied(_("Nur die Stadt bestätigt die Quartalsmeldung ihrer Regionalstelle."))
    office = _require_office(by)
    today = today or timezone.localdate()
    if quarter.end >= today:
        raise ValidationError(_("Das Quartal ist noch nicht abgeschlossen; bestätigen Sie es ab dem %(day)s.")
                              % {"day": (quarter.end + datetime.timedelta(days=1)).strftime("%d.%m.%Y")})
    if QuarterlyReport.objects.filter(office=office, year=quarter.year, quarter=quarter.quarter).exists():
        raise ValidationError(_("Die Meldung für dieses Quartal ist bereits bestätigt."))
    try:
        with transaction.atomic():
            return QuarterlyReport.objects.create(
                office=office, year=quarter.year, quarter=quarter.quarter, as_of=quarter.end, confirmed_by=by,
                rows=snapshot_rows(office, quarter), remark=remark, personnel_costs=personnel_costs)
    except IntegrityError:
        raise ValidationError(_("Die Meldung für dieses Quartal ist bereits bestätigt.")) from None


def _city_clerks(city: City):
    return access.people_of(Role.CITY_CLERK, city_id=city.pk, district_id=city.district_id)


def send_report_reminders(*, today: datetime.date | None = None) -> int:
    """PS-6.1: remind the clerks of every city whose report is overdue, once per office and quarter
    (a notification each, mailed after the office's transaction commits)."""
    today = today or timezone.localdate()
    quarter = Quarter.last_ended_before(today)
    sent = 0
    offices = Office.objects.filter(kind=Office.Kind.REGIONAL).select_related("city")
    for office in overdue_offices(offices, today):
        with transaction.atomic():
            reminder, created = ReportReminder.objects.get_or_create(
                office=office, year=quarter.year, quarter=quarter.quarter)
            if not created:
                continue
            clerks = list(_city_clerks(office.city))
            url = reverse("planning:report_list")
            with override("de"):
                context = {"office": office, "quarter": quarter, "url": settings.SITE_URL.rstrip("/") + url}
                subject = render_to_string("planning/email/report_reminder_subject.txt", context).strip()
                body = render_to_string("planning/email/report_reminder.txt", context)
            notify(recipients=clerks, kind=MessageKind.REPORT_REMINDER, subject=subject, body=body, url=url)
            reminder.recipients = sum(1 for u in clerks if u.email)
            reminder.save(update_fields=["recipients"])
            sent += 1
    return sent


# --- training (PS-1.4, PS-3.2) -----------------------------------------------------------------

def training_need_create(*, by: User, **data) -> TrainingNeed:
    """PS-3.2: a city (or the coordination office for itself) reports a training need."""
    office = _require_office(by)
    need = TrainingNeed(office=office, created_by=by, **data)
    need.full_clean()
    need.save()
    return need


def training_need_prioritise(*, need_id: int, by: User, priority: int | None) -> TrainingNeed:
    """PS-3.2: the coordination office prioritises training needs district-wide."""
    if not can(by, "training_need.prioritise"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle priorisiert Fortbildungsbedarfe."))
    need = selectors.training_need_for_user(by, need_id)
    need.priority = priority
    need.save(update_fields=["priority"])
    return need


def _check_targets(kind: str, targets: list[Function]) -> None:
    """PS-1.4: a field-specific training is for placement officers and/or counsellors: it names at least one of
    these functions and no other."""
    if kind != TrainingKind.FIELD_SPECIFIC:
        return
    concerned = {Function.Code.PLACEMENT, Function.Code.COUNSELLING}
    if not targets:
        raise ValidationError({"target_functions": _(
            "Eine fachspezifische Fortbildung richtet sich an die Arbeitsvermittlung und/oder die Fachberatung: "
            "wählen Sie mindestens eine dieser Funktionen.")})
    if any(f.code not in concerned for f in targets):
        raise ValidationError({"target_functions": _(
            "Eine fachspezifische Fortbildung richtet sich nur an die Arbeitsvermittlung und die Fachberatung.")})


@transaction.atomic
def training_offer_create(*, by: User, target_functions=(), **data) -> TrainingOffer:
    """PS-1.4, PS-3.2: the coordination office plans an offer with dates and places, its kind (field-specific,
    induction, general) and its target functions."""
    if not can(by, "training_offer.create"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle plant Fortbildungsangebote."))
    targets = list(target_functions)
    offer = TrainingOffer(district_id=access.scope_of(by).district_id, **data)
    offer.full_clean()
    _check_targets(offer.kind, targets)
    offer.save()
    offer.target_functions.set(targets)
    return offer


@transaction.atomic
def training_register(*, offer_id: int, member_id: int, by: User) -> TrainingParticipation:
    """PS-1.4: register a staff member (of the user's scope) for an offer, while places are free."""
    if not can(by, "training.register"):
        raise PermissionDenied
    offer = selectors.training_offers_visible_to(by).select_for_update(of=("self",)).filter(pk=offer_id).first()
    member = staffing_selectors.staff_visible_to(by).filter(pk=member_id, left_on__isnull=True).first()
    if offer is None or member is None:
        raise Http404
    if offer.participations.filter(staff_member=member).exists():
        raise ValidationError({"staff_member": _("Diese Person ist bereits angemeldet.")})
    taken = offer.participations.exclude(status=TrainingParticipation.Status.CANCELLED).count()
    if taken >= offer.places:
        raise ValidationError({"staff_member": _("Keine freien Plätze mehr.")})
    return TrainingParticipation.objects.create(offer=offer, staff_member=member)


@transaction.atomic
def training_mark(*, participation_id: int, by: User, status: str) -> TrainingParticipation:
    """PS-1.4: record attendance (or a cancellation) for a person in the user's scope. PS-1.3: attendance of
    an induction offer ("Praxiseinweisung/Einarbeitung") completes the person's practical induction in the
    staff register (through its one write path, `staffing.records`)."""
    if not can(by, "training.register"):
        raise PermissionDenied
    participation = selectors.participations_visible_to(by).filter(pk=participation_id).first()
    if participation is None:
        raise Http404
    if status not in TrainingParticipation.Status.values:
        raise ValidationError({"status": _("Unbekannter Status.")})
    participation.status = status
    participation.save(update_fields=["status"])
    if status == TrainingParticipation.Status.ATTENDED and participation.offer.kind == TrainingKind.INDUCTION:
        records.staff_member_induction_completed(by=by, member_id=participation.staff_member_id)
    return participation


@transaction.atomic
def training_reminder_send(*, by: User, city_id: int, today: datetime.date | None = None) -> TrainingReminder:
    """PS-1.4: the coordination office reminds a city of its placement officers and counsellors without the
    field-specific training (names: the city's own staff), through the one notification pipeline to the
    city's clerks only; the reminder is recorded (when, by whom, about whom, to how many)."""
    if not can(by, "training_coverage.remind"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle erinnert die Städte an die fachspezifische "
                                 "Fortbildung."))
    city = selectors.city_for_user(by, city_id)
    office = Office.objects.filter(kind=Office.Kind.REGIONAL, city=city).select_related("city").first()
    if office is None:
        raise Http404
    today = today or timezone.localdate()
    gaps = [field_training.gap_of(m, today)
            for m in field_training.without_field_training(by, today=today, office=office)]
    if not gaps:
        raise ValidationError(_("In der %(office)s fehlt niemandem die fachspezifische Fortbildung; "
                                "es gibt nichts zu erinnern.") % {"office": office.name})
    gaps.sort(key=lambda g: (not g.overdue, -g.days if g.overdue else g.days))
    clerks = list(_city_clerks(city))
    url = reverse("planning:training")
    with override("de"):
        context = {"office": office, "gaps": gaps, "months": field_training.period_months(),
                   "url": settings.SITE_URL.rstrip("/") + url}
        subject = render_to_string("planning/email/training_reminder_subject.txt", context).strip()
        body = render_to_string("planning/email/training_reminder.txt", context)
    notify(recipients=clerks, kind=MessageKind.TRAINING_REMINDER, subject=subject, body=body, url=url)
    return TrainingReminder.objects.create(
        office=office, sent_by=by, recipients=len(clerks),
        people=[{"id": g.member.pk, "name": str(g.member), "due_on": g.due_on.isoformat(), "overdue": g.overdue}
                for g in gaps])


# --- coaching (PS-3.3) ---------------------------------------------------------------------

def coaching_offer_create(*, by: User, **data) -> CoachingOffer:
    """PS-3.3: the coordination office organises coaching by external coaches."""
    if not can(by, "coaching.organise"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle organisiert Coaching."))
    offer = CoachingOffer(district_id=access.scope_of(by).district_id, **data)
    offer.full_clean()
    offer.save()
    return offer


def coaching_eligible(offer: CoachingOffer, member: StaffMember) -> bool:
    """PS-3.3: placement officers and counsellors; benefits staff where the offer is extended to them."""
    codes = {Function.Code.PLACEMENT, Function.Code.COUNSELLING}
    if offer.open_to_benefits:
        codes.add(Function.Code.BENEFITS)
    return member.function.code in codes


def coaching_sign_up(*, offer_id: int, member_id: int, by: User, consent_given: bool,
                     consent_on: datetime.date | None, today: datetime.date | None = None) -> CoachingSignup:
    """PS-3.3: "Die Inanspruchnahme … ist freiwillig": the person's own sign-up, recorded by their city's HR
    or the coordination office with the person's consent and its date (given, not in the future). Benefits
    staff only for an offer extended to them. Idempotent for a counted sign-up (answers the same, so
    nothing is revealed); a revoked one is signed up again with the new consent."""
    if not can(by, "coaching.sign_up"):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors = {}
    if not consent_given:
        errors["consent_given"] = _("Die Anmeldung ist freiwillig: Bitte bestätigen Sie, dass die Person "
                                    "selbst zugestimmt hat.")
    if consent_on is None:
        errors["consent_on"] = _("Bitte geben Sie an, wann die Person zugestimmt hat.")
    elif consent_on > today:
        errors["consent_on"] = _("Das Datum der Zustimmung darf nicht in der Zukunft liegen.")
    if errors:
        raise ValidationError(errors)
    offer = selectors.coaching_offer_for_user(by, offer_id)
    member = staffing_selectors.staff_visible_to(by).filter(pk=member_id, left_on__isnull=True).select_related(
        "function").first()
    if member is None:
        raise Http404
    if not coaching_eligible(offer, member):
        if member.function.code == Function.Code.BENEFITS:
            raise ValidationError({"staff_member": _(
                "Dieses Coaching ist nicht für die Leistungssachbearbeitung geöffnet.")})
        raise ValidationError({"staff_member": _("Dieses Coaching richtet sich nicht an diese Funktion.")})
    with transaction.atomic():
        signup = CoachingSignup.objects.select_for_update().filter(offer=offer, staff_member=member).first()
        if signup is None:
            try:
                with transaction.atomic():
                    return CoachingSignup.objects.create(offer=offer, staff_member=member, consent_on=consent_on,
                                                         recorded_by=by)
            except IntegrityError:  # a parallel request signed the person up a moment earlier
                return CoachingSignup.objects.get(offer=offer, staff_member=member)
        if signup.consent_on is None or signup.revoked_on is not None:
            signup.consent_on, signup.recorded_by = consent_on, by
            signup.revoked_on = signup.revoked_by = None
            signup.save(update_fields=["consent_on", "recorded_by", "revoked_on", "revoked_by"])
        return signup


@transaction.atomic
def coaching_revoke(*, signup_id: int, by: User, today: datetime.date | None = None) -> CoachingSignup:
    """PS-3.3: taking part is voluntary: the person's HR (their city) or the coordination office records,
    at the person's request, that the sign-up is revoked; the date is kept, the person leaves every figure."""
    if not can(by, "coaching.revoke"):
        raise PermissionDenied
    signup = selectors.coaching_signups_kept_by(by).select_for_update(of=("self",)).filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    if signup.revoked_on is None:
        signup.revoked_on, signup.revoked_by = today or timezone.localdate(), by
        signup.save(update_fields=["revoked_on", "revoked_by"])
    return signup


def coaching_evaluation_submit(*, offer: CoachingOffer, year: int, quarter: int, participants: int,
                               themes: list[str], text: str) -> CoachingEvaluation:
    """PS-3.3: the external coach's evaluation of an offer for a period, sent through the personal signed
    link (checked by the view: `coaching.offer_for_token`); several per offer and period are fine."""
    unknown = set(themes) - set(CoachingTheme.values)
    if unknown:
        raise ValidationError({"themes": _("Unbekanntes Thema.")})
    evaluation = CoachingEvaluation(offer=offer, year=year, quarter=quarter, participants=participants,
                                    themes=[t for t in CoachingTheme.values if t in themes], text=text.strip(),
                                    coach=offer.coach)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --- reimbursement cap (PS-5.1) ----------------------------------------------------------------

def cap_deadline(year: int) -> datetime.date:
    """PS-5.1 "rechtzeitig": the day of the year before (settings.CAP_DEADLINE, "MM-DD") by which the cap of
    `year` is fixed; a malformed setting falls back to 31 October."""
    try:
        month, day = (int(part) for part in str(settings.CAP_DEADLINE).split("-"))
        return datetime.date(year - 1, month, day)
    except (TypeError, ValueError):
        return datetime.date(year - 1, 10, 31)


def cap_lateness(year: int, today: datetime.date) -> str:
    """PS-5.1 "rechtzeitig": why a cap for `year` fixed `today` is late (German), or "" if it is in time."""
    if year < today.year:
        return _("Der Höchstrahmen für das vergangene Jahr %(year)s wird rückwirkend festgesetzt; "
                 "bitte begründen Sie das.") % {"year": year}
    deadline = cap_deadline(year)
    if today > deadline:
        return _("Der Höchstrahmen für %(year)s wird nach dem Stichtag %(day)s festgesetzt und ist den Städten "
                 "damit nicht mehr rechtzeitig mitgeteilt; bitte begründen Sie das.") % {
            "year": year, "day": deadline.strftime("%d.%m.%Y")}
    return ""


def _check_year(year: int) -> None:
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Bitte ein Jahr zwischen 2000 und 2100 angeben.")})


def _notify_cap(cap: ReimbursementCap, previous: ReimbursementCap | None) -> None:
    url = reverse("planning:costs")
    with override("de"):
        context = {"cap": cap, "previous": previous, "url": settings.SITE_URL.rstrip("/") + url}
        subject = render_to_string("planning/email/cap_subject.txt", context).strip()
        body = render_to_string("planning/email/cap_changed.txt", context)
    notify(recipients=_city_clerks(cap.city), kind=MessageKind.CAP_CHANGED, subject=subject, body=body, url=url)


def _latest_cap(city: City, year: int) -> ReimbursementCap | None:
    return ReimbursementCap.objects.filter(city=city, year=year).order_by("-set_at", "-pk").first()


@transaction.atomic
def cap_set(*, city_id: int, by: User, year: int, amount: Decimal, reason: str = "",
            today: datetime.date | None = None) -> ReimbursementCap:
    """PS-5.1: a correction of one city's cap outside the consultation; history kept, the city is told.

    Kept (not removed) because a fixed cap can turn out wrong (a calculation error, a new pay agreement)
    and a whole consultation for one figure is out of proportion; since it bypasses the "Abstimmung mit
    allen Städten", it always needs a written reason, kept in the history, and the lead-time rule of
    `cap_lateness` is checked as for a consultation (a past year or a late change is marked as such)."""
    if not can(by, "cap.set"):
        raise PermissionDenied(_("Nur die Kreisverwaltung setzt den Höchstrahmen fest."))
    city: City = selectors.city_for_user(by, city_id)
    _check_year(year)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    late = cap_lateness(year, today)
    if not reason:
        raise ValidationError({"reason": late or _(
            "Eine Korrektur außerhalb der Abstimmung mit allen Städten braucht eine Begründung.")})
    previous = _latest_cap(city, year)
    cap = ReimbursementCap(city=city, year=year, amount=amount, reason=reason, set_by=by, late=bool(late))
    cap.full_clean()
    cap.save()
    _notify_cap(cap, previous)
    return cap


# --- consultation of the cap with all cities (PS-5.1) -----------------------------------------------

CAP_CONSULTATION_MIN_DAYS = 7  # a period shorter than a week is no real consultation


def default_cap_period_end(today: datetime.date | None = None) -> datetime.date:
    """PS-5.1: the default end of the cities' period (settings.CAP_CONSULTATION_DAYS after today)."""
    return (today or timezone.localdate()) + datetime.timedelta(days=settings.CAP_CONSULTATION_DAYS)


@transaction.atomic
def cap_consultation_propose(*, by: User, year: int, amounts: dict[int, Decimal], period_ends_on: datetime.date,
                             note: str = "", today: datetime.date | None = None) -> CapConsultation:
    """PS-5.1 "in Abstimmung mit allen Städten": the district proposes the caps of every city of its district
    for a year; each city's clerks are told once and may state their view until the period ends."""
    if not can(by, "cap_consultation.propose"):
        raise PermissionDenied(_("Nur die Kreisverwaltung schlägt den Höchstrahmen vor."))
    today = today or timezone.localdate()
    _check_year(year)
    if year < today.year:
        raise ValidationError({"year": _(
            "Für ein vergangenes Jahr gibt es keine Abstimmung mehr; eine Korrektur mit Begründung ist über "
            "„Höchstrahmen korrigieren“ möglich.")})
    earliest = today + datetime.timedelta(days=CAP_CONSULTATION_MIN_DAYS)
    if period_ends_on < earliest:
        raise ValidationError({"period_ends_on": _(
            "Die Städte brauchen mindestens %(days)s Tage für ihre Stellungnahme: frühestens bis %(day)s.") % {
            "days": CAP_CONSULTATION_MIN_DAYS, "day": earliest.strftime("%d.%m.%Y")}})
    district_id = access.scope_of(by).district_id
    cities = list(City.objects.filter(district_id=district_id).order_by("name"))
    missing = [c.name for c in cities if amounts.get(c.pk) is None]
    if not cities or missing:
        raise ValidationError(_("Der Vorschlag braucht einen Betrag für jede Stadt des Kreises; es fehlt: "
                                "%(cities)s.") % {"cities": ", ".join(missing) or "–"})
    if CapConsultation.objects.filter(district_id=district_id, year=year, fixed_at__isnull=True).exists():
        raise ValidationError({"year": _("Für %(year)s läuft bereits eine Abstimmung.") % {"year": year}})
    consultation = CapConsultation(district_id=district_id, year=year, period_ends_on=period_ends_on,
                                   note=(note or "").strip(), proposed_by=by)
    consultation.full_clean()
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError:
        raise ValidationError({"year": _("Für %(year)s läuft bereits eine Abstimmung.") % {"year": year}}) from None
    for city in cities:
        proposal = CapProposal(consultation=consultation, city=city, amount=amounts[city.pk])
        proposal.full_clean()
        proposal.save()
        cap_proposal_notify(proposal=proposal)
    return consultation


def cap_proposal_notify(*, proposal: CapProposal) -> None:
    """PS-5.1: tell the city of its proposed cap: one notification per clerk of the city (one call per city:
    nobody is told twice)."""
    url = reverse("planning:cap_statement", args=[proposal.pk])
    consultation = proposal.consultation
    with override("de"):
        subject = _("Höchstrahmen %(year)s zur Abstimmung: Stellungnahme der Stadt %(city)s bis %(day)s") % {
            "year": consultation.year, "city": proposal.city.name,
            "day": consultation.period_ends_on.strftime("%d.%m.%Y")}
        body = render_to_string("planning/email/cap_consultation.txt", {
            "proposal": proposal, "consultation": consultation, "url": settings.SITE_URL.rstrip("/") + url})
    notify(recipients=_city_clerks(proposal.city), kind=MessageKind.CAP_CONSULTATION, subject=subject, body=body,
           url=url)


@transaction.atomic
def cap_statement_record(*, proposal_id: int, by: User, verdict: str, text: str = "",
                         today: datetime.date | None = None) -> CapStatement:
    """PS-5.1: a city states its view on its proposed cap, once, up to and including the period's last day."""
    proposal = selectors.cap_proposal_for_user(by, proposal_id, for_update=True)
    if not can(by, "cap_consultation.state", proposal):
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt nimmt für ihre Stadt Stellung."))
    consultation = CapConsultation.objects.select_for_update().get(pk=proposal.consultation_id)
    today = today or timezone.localdate()
    if consultation.is_fixed:
        raise ValidationError(_("Der Höchstrahmen ist bereits festgesetzt; eine Stellungnahme ist nicht mehr "
                                "möglich."))
    if not consultation.period_running(today):
        raise ValidationError(_("Die Frist für Stellungnahmen ist am %(day)s abgelaufen.") % {
            "day": consultation.period_ends_on.strftime("%d.%m.%Y")})
    if CapStatement.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("Die Stadt hat zu diesem Vorschlag bereits Stellung genommen."))
    text = (text or "").strip()
    if verdict == CapStatement.Verdict.CONCERNS and not text:
        raise ValidationError({"text": _("Bitte beschreiben Sie Ihre Bedenken.")})
    statement = CapStatement(proposal=proposal, verdict=verdict, text=text, stated_by=by)
    statement.full_clean(exclude=["proposal"])
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:
        raise ValidationError(_("Die Stadt hat zu diesem Vorschlag bereits Stellung genommen.")) from None
    return statement


@transaction.atomic
def cap_consultation_fix(*, consultation_id: int, by: User, reason: str = "",
                         today: datetime.date | None = None) -> list[ReimbursementCap]:
    """PS-5.1: the district fixes the consulted caps once the period has ended or every city has stated its
    view; each becomes a new cap row (history) linked to the consultation and its statements."""
    consultation = selectors.cap_consultation_for_user(by, consultation_id, for_update=True)
    if not can(by, "cap_consultation.fix", consultation):
        raise PermissionDenied(_("Nur die Kreisverwaltung setzt den Höchstrahmen fest."))
    if consultation.is_fixed:
        raise ValidationError(_("Diese Abstimmung ist bereits festgesetzt."))
    today = today or timezone.localdate()
    proposals = list(consultation.proposals.select_related("city", "statement").order_by("city__name"))
    missing = [p.city.name for p in proposals if not hasattr(p, "statement")]
    if today <= consultation.period_ends_on and missing:
        raise ValidationError(_(
            "Die Frist für Stellungnahmen läuft noch bis %(day)s und es fehlen die Stellungnahmen von: %(cities)s. "
            "Festsetzen ist erst nach Fristablauf möglich oder wenn alle Städte Stellung genommen haben.") % {
            "day": consultation.period_ends_on.strftime("%d.%m.%Y"), "cities": ", ".join(missing)})
    reason = (reason or "").strip()
    late = cap_lateness(consultation.year, today)
    if late and not reason:
        raise ValidationError({"reason": late})
    now = timezone.now()
    caps = []
    for proposal in proposals:
        previous = _latest_cap(proposal.city, consultation.year)
        cap = ReimbursementCap(city=proposal.city, year=consultation.year, amount=proposal.amount, reason=reason,
                               set_by=by, set_at=now, consultation=consultation, late=bool(late))
        cap.full_clean()
        cap.save()
        caps.append(cap)
        _notify_cap(cap, previous)
    updated = CapConsultation.objects.filter(pk=consultation.pk, fixed_at__isnull=True).update(
        fixed_at=now, fixed_by=by, fix_reason=reason)
    if updated != 1:  # the row is locked above; this only guards against a second path
        raise ValidationError(_("Diese Abstimmung ist bereits festgesetzt."))
    return caps
# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

def _plan_notify(recipients, kind: str, subject: str, body: str, url: str) -> None:
    notify(recipients=list(recipients), kind=kind, subject=subject, body=body, url=url)


@transaction.atomic
def position_propose(*, by: User, **data):
    """PS-4.2: a city proposes a change of its staff plan (`staffing.records.position_proposal_create`); the
    coordination office and the district administration of the district are told."""
    from staffing import records

    from .models import StaffPlanMessageKind

    proposal = records.position_proposal_create(by=by, **data)
    office = proposal.office
    url = reverse("planning:position_proposal_detail", args=[proposal.pk])
    with override("de"):
        subject = _("Vorschlag zum Stellenplan: %(office)s – %(kind)s") % {
            "office": office.name, "kind": proposal.get_kind_display()}
        body = _("%(city)s schlägt eine Änderung des Stellenplans der %(office)s vor (%(kind)s, Stelle "
                 "%(number)s).\n\nBegründung: %(reason)s\n\nBitte entscheiden Sie: %(url)s") % {
            "city": office.city.name if office.city else office.name, "office": office.name,
            "kind": proposal.get_kind_display(), "number": proposal.number or "–", "reason": proposal.reason,
            "url": settings.SITE_URL.rstrip("/") + url}
    _plan_notify(access.people_of(Role.COORDINATION, Role.DISTRICT_ADMIN, city_id=office.city_id,
                                  district_id=office.district_id),
                 StaffPlanMessageKind.POSITION_PROPOSED, subject, body, url)
    return proposal


@transaction.atomic
def position_proposal_decide(*, by: User, proposal_id: int, accept: bool, note: str = ""):
    """PS-4.2: the district accepts (applied through `staffing.records`) or rejects a city's proposal; the
    city's clerks are told."""
    from staffing import records

    from .models import StaffPlanMessageKind

    if accept:
        proposal = records.position_proposal_accept(by=by, proposal_id=proposal_id, note=note)
    else:
        proposal = records.position_proposal_reject(by=by, proposal_id=proposal_id, note=note)
    office = proposal.office
    url = reverse("planning:position_proposal_detail", args=[proposal.pk])
    with override("de"):
        subject = _("Ihr Vorschlag zum Stellenplan wurde %(state)s") % {"state": proposal.get_state_display()}
        body = _("Der Kreis hat Ihren Vorschlag (%(kind)s, Stelle %(number)s) %(state)s.\n\nVermerk des Kreises: "
                 "%(note)s\n\n%(url)s") % {
            "kind": proposal.get_kind_display(), "number": proposal.number or "–",
            "state": proposal.get_state_display(), "note": proposal.decision_note or "–",
            "url": settings.SITE_URL.rstrip("/") + url}
    if office.city_id:
        _plan_notify(access.people_of(Role.CITY_CLERK, city_id=office.city_id, district_id=office.district_id),
                     StaffPlanMessageKind.POSITION_DECIDED, subject, body, url)
    return proposal
