"""PS-1.4 (with PS-3.2): who of the placement officers and counsellors lacks the field-specific training.

"Die Stadt verpflichtet sich, dem in der Arbeitsvermittlung und Fachberatung eingesetzten Personal eine
fachspezifische Fortbildung angedeihen zu lassen. Diese kann auch innerhalb des Einweisungszeitraumes
erfolgen." The rule read here:

- concerned: every active person (no leaving date, or one still ahead) of a regional office whose function
  is Arbeitsvermittlung or Fachberatung; benefits casework and leadership are not concerned;
- covered: the person attended (status "teilgenommen") an offer of the kind "fachspezifische Fortbildung"
  that names the person's function among its target functions. Registered or cancelled places, general
  offers, induction offers and offers for another function do not count;
- the period: `settings.TRAINING_FIELD_SPECIFIC_MONTHS` calendar months from joining (`joined_on`). Up to
  and including the last day of the period the person is "noch offen bis …"; from the day after, overdue.

The reads are cut by the access policy (`staffing.access` via the selectors): the district sees the
regional offices of its own district only. One query for the offices, one for the people, one for the
reminders already sent, however many rows there are.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from staffing import selectors as staffing_selectors
from staffing.models import Function, Office, StaffMember, User

from .models import TrainingKind, TrainingParticipation, TrainingReminder

CONCERNED_FUNCTIONS = (Function.Code.PLACEMENT, Function.Code.COUNSELLING)


def period_months() -> int:
    """PS-1.4: months after joining within which the field-specific training is due (setting)."""
    return settings.TRAINING_FIELD_SPECIFIC_MONTHS


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date(joined_on: datetime.date, months: int | None = None) -> datetime.date:
    """PS-1.4: the last day of the period in which the field-specific training is due."""
    return add_months(joined_on, period_months() if months is None else months)


def _attended_field_specific(member_ref: str = "pk", function_ref: str = "function_id"):
    return TrainingParticipation.objects.filter(
        staff_member_id=OuterRef(member_ref), status=TrainingParticipation.Status.ATTENDED,
        offer__kind=TrainingKind.FIELD_SPECIFIC, offer__target_functions=OuterRef(function_ref))


def _registered_field_specific():
    return TrainingParticipation.objects.filter(
        staff_member_id=OuterRef("pk"), status=TrainingParticipation.Status.REGISTERED,
        offer__kind=TrainingKind.FIELD_SPECIFIC, offer__target_functions=OuterRef("function_id"),
    ).order_by("offer__starts_on")


def concerned_staff(qs: QuerySet[StaffMember], today: datetime.date) -> QuerySet[StaffMember]:
    """PS-1.4: the active placement officers and counsellors of regional offices among `qs`."""
    return qs.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), function__code__in=CONCERNED_FUNCTIONS,
                     office__kind=Office.Kind.REGIONAL)


def is_concerned(member: StaffMember) -> bool:
    """PS-1.4: whether the field-specific training is due for this person (placement or counselling in a
    regional office)."""
    return member.function.code in CONCERNED_FUNCTIONS and member.office.kind == Office.Kind.REGIONAL


def without_field_training(user: User, *, today: datetime.date | None = None, office: Office | None = None
                           ) -> QuerySet[StaffMember]:
    """PS-1.4: the concerned people of the user's scope without an attended field-specific training for their
    function, with the title and start of a field-specific offer they are registered for (if any)."""
    today = today or timezone.localdate()
    qs = concerned_staff(staffing_selectors.staff_visible_to(user), today)
    if office is not None:
        qs = qs.filter(office=office)
    upcoming = _registered_field_specific()
    return (qs.filter(~Exists(_attended_field_specific()))
            .annotate(registered_title=Subquery(upcoming.values("offer__title")[:1]),
                      registered_starts=Subquery(upcoming.values("offer__starts_on")[:1]))
            .select_related("office", "office__city", "function")
            .order_by("office__city__name", "joined_on", "last_name", "first_name"))


def field_training_status(member: StaffMember, today: datetime.date | None = None) -> dict:
    """PS-1.4 for one person (staff page): the attended field-specific offer for their function, or where they
    stand in the period."""
    today = today or timezone.localdate()
    attended = (TrainingParticipation.objects.filter(
        staff_member=member, status=TrainingParticipation.Status.ATTENDED, offer__kind=TrainingKind.FIELD_SPECIFIC,
        offer__target_functions=member.function_id).select_related("offer").order_by("offer__starts_on").first())
    if attended is not None:
        return {"attended": attended.offer}
    return {"attended": None, "gap": gap_of(member, today)}


@dataclass
class Gap:
    """One person without the field-specific training and where they stand in the period."""

    member: StaffMember
    due_on: datetime.date
    days: int  # days left (>= 0, "noch offen") or overdue (> 0, "überfällig")
    overdue: bool
    registered_title: str | None = None
    registered_starts: datetime.date | None = None


@dataclass
class OfficeGaps:
    office: Office
    gaps: list[Gap] = field(default_factory=list)
    last_reminder: TrainingReminder | None = None

    @property
    def overdue(self) -> int:
        return sum(1 for g in self.gaps if g.overdue)

    @property
    def open(self) -> int:
        return len(self.gaps) - self.overdue


def gap_of(member: StaffMember, today: datetime.date, months: int | None = None) -> Gap:
    """PS-1.4: the period's last day is still "noch offen"; overdue from the day after."""
    due_on = due_date(member.joined_on, months)
    overdue = today > due_on
    return Gap(member=member, due_on=due_on, days=(today - due_on).days if overdue else (due_on - today).days,
               overdue=overdue, registered_title=getattr(member, "registered_title", None),
               registered_starts=getattr(member, "registered_starts", None))


def gaps_by_office(user: User, *, today: datetime.date | None = None) -> list[OfficeGaps]:
    """PS-1.4: per regional office of the user's scope (also those where nobody is missing), the people without
    the field-specific training, overdue first, and the last reminder sent to the city."""
    today = today or timezone.localdate()
    offices = list(staffing_selectors.offices_visible_to(user).filter(kind=Office.Kind.REGIONAL)
                   .select_related("city").order_by("city__name"))
    result = {o.pk: OfficeGaps(office=o) for o in offices}
    months = period_months()
    for member in without_field_training(user, today=today):
        if member.office_id in result:
            result[member.office_id].gaps.append(gap_of(member, today, months))
    reminders = (TrainingReminder.objects.filter(office__in=[o.pk for o in offices])
                 .select_related("sent_by").order_by("office_id", "-sent_at"))
    for reminder in reminders:
        entry = result[reminder.office_id]
        if entry.last_reminder is None:
            entry.last_reminder = reminder
    for entry in result.values():
        entry.gaps.sort(key=lambda g: (not g.overdue, -g.days if g.overdue else g.days))
    return list(result.values())
