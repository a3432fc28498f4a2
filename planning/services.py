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

from staffing import access
from staffing import selectors as staffing_selectors
from staffing.access import can
from staffing.models import City, Function, Office, StaffMember, User
from staffing.notifications import notify
from staffing.states import Role

from . import selectors
from .models import (
    CoachingOffer,
    CoachingSignup,
    MessageKind,
    QuarterlyReport,
    ReimbursementCap,
    ReportReminder,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
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
def report_confirm(*, by: User, quarter: Quarter, remark: str = "", today: datetime.date | None = None
                   ) -> QuarterlyReport:
    """PS-6.1: the city confirms its office's data as at the quarter's end; the snapshot never changes."""
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
                rows=snapshot_rows(office, quarter), remark=remark)
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


def training_offer_create(*, by: User, **data) -> TrainingOffer:
    """PS-1.4, PS-3.2: the coordination office plans an offer with dates and places."""
    if not can(by, "training_offer.create"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle plant Fortbildungsangebote."))
    offer = TrainingOffer(district_id=access.scope_of(by).district_id, **data)
    offer.full_clean()
    offer.save()
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


def training_mark(*, participation_id: int, by: User, status: str) -> TrainingParticipation:
    """PS-1.4: record attendance (or a cancellation) for a person in the user's scope."""
    if not can(by, "training.register"):
        raise PermissionDenied
    participation = selectors.participations_visible_to(by).filter(pk=participation_id).first()
    if participation is None:
        raise Http404
    if status not in TrainingParticipation.Status.values:
        raise ValidationError({"status": _("Unbekannter Status.")})
    participation.status = status
    participation.save(update_fields=["status"])
    return participation


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


def coaching_sign_up(*, offer_id: int, member_id: int, by: User) -> None:
    """PS-3.3: voluntary sign-up through the city or the coordination office; idempotent, and it
    answers the same whether the person was already signed up (so nothing is revealed)."""
    if not can(by, "coaching.sign_up"):
        raise PermissionDenied
    offer = selectors.coaching_offer_for_user(by, offer_id)
    member = staffing_selectors.staff_visible_to(by).filter(pk=member_id, left_on__isnull=True).first()
    if member is None:
        raise Http404
    if not coaching_eligible(offer, member):
        raise ValidationError({"staff_member": _("Dieses Coaching richtet sich nicht an diese Funktion.")})
    CoachingSignup.objects.get_or_create(offer=offer, staff_member=member)


def coaching_withdraw(*, signup_id: int, by: User) -> None:
    """PS-3.3: taking part is voluntary; the coordination office removes a sign-up on request."""
    signup = selectors.coaching_signups_visible_to(by).filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    signup.delete()


# --- reimbursement cap (PS-5.1) ----------------------------------------------------------------

@transaction.atomic
def cap_set(*, city_id: int, by: User, year: int, amount: Decimal, reason: str = "") -> ReimbursementCap:
    """PS-5.1: the district sets (or changes) a city's cap for a year; history is kept, the city is told."""
    if not can(by, "cap.set"):
        raise PermissionDenied(_("Nur die Kreisverwaltung setzt den Höchstrahmen fest."))
    city: City = selectors.city_for_user(by, city_id)
    previous = (ReimbursementCap.objects.filter(city=city, year=year).order_by("-set_at", "-pk").first())
    cap = ReimbursementCap(city=city, year=year, amount=amount, reason=reason, set_by=by)
    cap.full_clean()
    cap.save()
    url = reverse("planning:costs")
    with override("de"):
        context = {"cap": cap, "previous": previous, "url": settings.SITE_URL.rstrip("/") + url}
        subject = render_to_string("planning/email/cap_subject.txt", context).strip()
        body = render_to_string("planning/email/cap_changed.txt", context)
    notify(recipients=_city_clerks(city), kind=MessageKind.CAP_CHANGED, subject=subject, body=body, url=url)
    return cap


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
