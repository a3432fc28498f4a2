"""Reads, and the one place that decides what a user may see (PS-2, "The people who use it").

A city's people see their own city only; the district's people (coordination office, district
administration, head of the JobAgentur) see every city of their own district and nothing of
another district. Every view and the admin go through these functions.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    PLACEABLE_STATES,
    City,
    NoticeState,
    Office,
    PlacementNotice,
    Position,
    StaffMember,
    User,
    Vacancy,
)


def _scope_q(user: User, *, office_path: str) -> Q | None:
    """The filter on an office relation for the user's scope; None means "everything"."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    organisation = user.organisation if user.organisation_id else None
    if organisation is None:
        return Q(pk__in=[])
    prefix = f"{office_path}__" if office_path else ""
    if user.is_city_clerk:
        return Q(**{f"{prefix}city_id": organisation.city_id})
    return Q(**{f"{prefix}district_id": organisation.district_id})


def _scoped(qs: QuerySet, user: User, office_path: str) -> QuerySet:
    q = _scope_q(user, office_path=office_path)
    return qs if q is None else qs.filter(q)


def offices_visible_to(user: User) -> QuerySet[Office]:
    """Offices in the user's scope: a city sees its regional office; the district sees all of its own."""
    return _scoped(Office.objects.select_related("city", "district"), user, "")


def cities_visible_to(user: User) -> QuerySet[City]:
    """Cities in the user's scope."""
    if not user.is_authenticated:
        return City.objects.none()
    if user.is_superuser:
        return City.objects.all()
    if not user.organisation_id:
        return City.objects.none()
    if user.is_city_clerk:
        return City.objects.filter(pk=user.organisation.city_id)
    return City.objects.filter(district_id=user.organisation.district_id)


def positions_visible_to(user: User) -> QuerySet[Position]:
    """Budgeted positions (PS-4.2) of the offices in the user's scope."""
    qs = Position.objects.select_related("office", "office__city", "function")
    return _scoped(qs, user, "office")


def staff_visible_to(user: User) -> QuerySet[StaffMember]:
    """Staff register (PS-6.1) of the offices in the user's scope."""
    qs = StaffMember.objects.select_related("office", "office__city", "function", "position")
    return _scoped(qs, user, "office")


def vacancies_visible_to(user: User) -> QuerySet[Vacancy]:
    """Vacancies (PS-4.3) of the offices in the user's scope."""
    qs = Vacancy.objects.select_related("position", "position__office", "position__office__city",
                                        "position__function")
    return _scoped(qs, user, "position__office")


def notices_visible_to(user: User) -> QuerySet[PlacementNotice]:
    """Placement notices (PS-2) of the user's own city; all cities of the district for district staff."""
    qs = PlacementNotice.objects.select_related("office", "office__city", "position", "function")
    return _scoped(qs, user, "office")


def _get_or_404(qs: QuerySet, pk, *, for_update: bool = False):
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_for_user(user: User, pk, *, for_update: bool = False) -> PlacementNotice:
    """The notice if the user may see it, else Http404. With for_update the row is locked."""
    return _get_or_404(notices_visible_to(user), pk, for_update=for_update)


def staff_member_for_user(user: User, pk) -> StaffMember:
    """The staff member if the user may see them, else Http404."""
    return _get_or_404(staff_visible_to(user), pk)


def position_for_user(user: User, pk) -> Position:
    """The position if the user may see it, else Http404."""
    return _get_or_404(positions_visible_to(user), pk)


def vacancy_for_user(user: User, pk) -> Vacancy:
    """The vacancy if the user may see it, else Http404."""
    return _get_or_404(vacancies_visible_to(user), pk)


def notices_waiting_for(user: User) -> QuerySet[PlacementNotice]:
    """What waits for this user now: the coordination office's running windows (by deadline),
    the city's clarifications and approvals to carry out, the district's escalations (PS-2)."""
    qs = notices_visible_to(user)
    if user.is_superuser or user.is_coordination:
        return qs.filter(state=NoticeState.INFORMED).order_by("period_ends_at")
    if user.is_city_clerk:
        return qs.filter(state__in=[NoticeState.DRAFT, NoticeState.CONSULTATION, *PLACEABLE_STATES]).exclude(
            state=NoticeState.DECIDED, placement_permitted=False
        ).order_by("updated_at")
    if user.is_district_admin:
        return qs.filter(state__in=[NoticeState.ESCALATED, NoticeState.CONSULTATION]).order_by("updated_at")
    if user.is_head:
        return qs.filter(head_involved=True).exclude(
            state__in=[NoticeState.PLACED, NoticeState.WITHDRAWN]).order_by("updated_at")
    return qs.none()
