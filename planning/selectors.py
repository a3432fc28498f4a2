"""Reads of the planning side, built on the visibility rule of `staffing.selectors`.

A city's people see their own city's records; the district's people see every city of their own
district. Coaching participants are visible to the coordination office only (PS-3.3).
"""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from staffing import access
from staffing import selectors as staffing_selectors
from staffing.models import City, Function, Office, User

from .models import (
    CapConsultation,
    CapProposal,
    CoachingEvaluation,
    CoachingOffer,
    CoachingSignup,
    QuarterlyReport,
    ReimbursementCap,
    TrainingKind,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
)


def _in_district(qs: QuerySet, user: User, path: str = "district_id") -> QuerySet:
    q = access.district_q(user, path)
    return qs if q is None else qs.filter(q)


def regional_offices_visible_to(user: User) -> QuerySet[Office]:
    """The regional offices in the user's scope (PS-6.1)."""
    return staffing_selectors.offices_visible_to(user).filter(kind=Office.Kind.REGIONAL).order_by("city__name")


def editable_office_for(user: User) -> Office | None:
    """PS-3.1/PS-6.1: the office whose data the user keeps (staffing.access.own_office_of)."""
    return access.own_office_of(user)


def reports_visible_to(user: User) -> QuerySet[QuarterlyReport]:
    """Quarterly reports (PS-6.1) of the offices in the user's scope."""
    return QuarterlyReport.objects.filter(office__in=staffing_selectors.offices_visible_to(user)).select_related(
        "office", "office__city", "confirmed_by")


def report_for_user(user: User, pk) -> QuarterlyReport:
    """The quarterly report if the user may see it, else Http404."""
    return staffing_selectors.get_or_404(reports_visible_to(user), pk)


def training_needs_visible_to(user: User) -> QuerySet[TrainingNeed]:
    """Training needs (PS-3.2) of the offices in the user's scope, with the office and function the training page
    shows (the office's city is not shown: not joined, issue 16, point 4)."""
    return TrainingNeed.objects.filter(office__in=staffing_selectors.offices_visible_to(user)).select_related(
        "office", "function")


def training_need_for_user(user: User, pk) -> TrainingNeed:
    return staffing_selectors.get_or_404(training_needs_visible_to(user), pk)


def training_offers_visible_to(user: User) -> QuerySet[TrainingOffer]:
    """Training offers of the user's district (every city of the district may book them)."""
    return _in_district(TrainingOffer.objects.select_related("need"), user)


def training_offer_for_user(user: User, pk) -> TrainingOffer:
    return staffing_selectors.get_or_404(training_offers_visible_to(user), pk)


def participations_visible_to(user: User) -> QuerySet[TrainingParticipation]:
    """Training participation (PS-1.4) of the staff in the user's scope."""
    return TrainingParticipation.objects.filter(
        staff_member__in=staffing_selectors.staff_visible_to(user)).select_related(
        "offer", "staff_member", "staff_member__office", "staff_member__function")


def training_offer_rows_visible_to(user: User) -> list[dict]:
    """PS-1.4, PS-3.2: the district's offers for the training page by start and title, as the values shown
    (issue 16, point 4: no model instances): title, kind (its label), target functions (names by the functions'
    order; none: for all), dates, place, places and the places booked (registrations not cancelled)."""
    labels = {value: str(label) for value, label in TrainingKind.choices}
    rows = list(training_offers_visible_to(user).annotate(
        booked=Count("participations", filter=~Q(participations__status=TrainingParticipation.Status.CANCELLED))
    ).order_by("starts_on", "title").values("pk", "title", "kind", "starts_on", "ends_on", "location", "places",
                                             "booked"))
    targets: dict[int, list[str]] = {row["pk"]: [] for row in rows}
    if rows:
        for offer_id, name in TrainingOffer.target_functions.through.objects.filter(
                trainingoffer_id__in=list(targets)).order_by("function__sort_order", "function__name").values_list(
                "trainingoffer_id", "function__name"):
            targets[offer_id].append(name)
    for row in rows:
        row["kind_label"] = labels.get(row["kind"], row["kind"])
        row["targets"] = targets[row["pk"]]
    return rows


def functions_in_order() -> list[Function]:
    """The functions by sort order and name (Function.Meta.ordering): the options of the training page's forms,
    read once for both (issue 16, point 4)."""
    return list(Function.objects.all())


def participation_lines_visible_to(user: User, limit: int = 200) -> list[dict]:
    """PS-1.4: the lines "person (office): offer, start – status" of the training page, the first `limit` by the
    offer's start: the five columns shown, read as values (issue 16, point 4: 200 rows of four model instances
    each, with every staff column, cost more than the rest of the page's reads). The person as
    `StaffMember.__str__`, the office as `Office.__str__`, the status by its label (resolved once per request)."""
    labels = {value: str(label) for value, label in TrainingParticipation.Status.choices}
    rows = participations_visible_to(user).order_by("offer__starts_on").values_list(
        "staff_member__last_name", "staff_member__first_name", "staff_member__office__name", "offer__title",
        "offer__starts_on", "status")[:limit]
    return [{"person": f"{last}, {first}", "office": office, "title": title, "starts_on": starts_on,
             "status": labels.get(status, status)} for last, first, office, title, starts_on, status in rows]


def coaching_offers_visible_to(user: User) -> QuerySet[CoachingOffer]:
    """Coaching offers of the user's district (PS-3.3)."""
    return _in_district(CoachingOffer.objects.all(), user)


def coaching_offer_for_user(user: User, pk) -> CoachingOffer:
    return staffing_selectors.get_or_404(coaching_offers_visible_to(user), pk)


def may_see_coaching_participants(user: User) -> bool:
    """PS-3.3: nobody but the coordination office sees who takes part."""
    return access.can(user, "coaching.participants")


def coaching_signups_visible_to(user: User) -> QuerySet[CoachingSignup]:
    """Coaching sign-ups with names: the coordination office of the district only (PS-3.3)."""
    if not may_see_coaching_participants(user):
        return CoachingSignup.objects.none()
    return _in_district(CoachingSignup.objects.counted().select_related(
        "offer", "staff_member", "staff_member__office", "staff_member__function"), user, "offer__district_id")


def coaching_signups_kept_by(user: User) -> QuerySet[CoachingSignup]:
    """PS-3.3: the sign-ups a user recorded or may revoke: the city's HR those of its own staff (it records
    them with the person's consent), the coordination office those of its district; nobody else."""
    if not access.can(user, "coaching.revoke"):
        return CoachingSignup.objects.none()
    return _in_district(CoachingSignup.objects.filter(
        staff_member__in=staffing_selectors.staff_visible_to(user)).select_related(
        "offer", "staff_member", "staff_member__office", "staff_member__function"), user, "offer__district_id")


def coaching_evaluations_with_text_visible_to(user: User) -> QuerySet[CoachingEvaluation]:
    """PS-3.3: the coaches' evaluations with their free text: the coordination office of the district only."""
    if not access.can(user, "coaching.evaluation_text"):
        return CoachingEvaluation.objects.none()
    return _in_district(CoachingEvaluation.objects.all(), user, "offer__district_id")


def caps_visible_to(user: User) -> QuerySet[ReimbursementCap]:
    """Reimbursement caps (PS-5.1) of the cities in the user's scope, with history."""
    return ReimbursementCap.objects.filter(city__in=staffing_selectors.cities_visible_to(user)).select_related(
        "city", "set_by")


def cap_consultations_visible_to(user: User) -> QuerySet[CapConsultation]:
    """PS-5.1: the cap consultations of the user's district (the district's pages; a city reaches its own
    proposal through `cap_proposals_visible_to`)."""
    return _in_district(CapConsultation.objects.select_related("district", "proposed_by", "fixed_by"), user)


def cap_consultation_for_user(user: User, pk, *, for_update: bool = False) -> CapConsultation:
    """The consultation if it is of the user's district, else Http404 (locked with for_update)."""
    return staffing_selectors.get_or_404(cap_consultations_visible_to(user), pk, for_update=for_update)


def cap_proposals_visible_to(user: User) -> QuerySet[CapProposal]:
    """PS-5.1: proposed caps of the cities in the user's scope (a city its own, the district all its cities)."""
    q = access.scope_q(user, city="city_id", district="consultation__district_id")
    qs = CapProposal.objects.select_related("city", "consultation", "consultation__proposed_by",
                                            "statement", "statement__stated_by")
    return qs if q is None else qs.filter(q)


def cap_proposal_for_user(user: User, pk, *, for_update: bool = False) -> CapProposal:
    """The proposal of one city if the user may see it, else Http404. With for_update the plain row (no
    joins) for a write; it is not locked: the table is append-only and the application's database role has
    no UPDATE right on it (issue 15, point 4), so the writer locks the consultation instead."""
    if for_update:
        q = access.scope_q(user, city="city_id", district="consultation__district_id")
        qs = CapProposal.objects.all() if q is None else CapProposal.objects.filter(q)
        return staffing_selectors.get_or_404(qs, pk)
    return staffing_selectors.get_or_404(cap_proposals_visible_to(user), pk)


def city_for_user(user: User, pk) -> City:
    """The city if the user may see it, else Http404."""
    return staffing_selectors.get_or_404(staffing_selectors.cities_visible_to(user), pk)


def office_for_user(user: User, pk) -> Office:
    """The office if the user may see it, else Http404."""
    return staffing_selectors.get_or_404(staffing_selectors.offices_visible_to(user), pk)
