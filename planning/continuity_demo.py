"""Demo data for the continuity figures (PS-4.1), after the core's demo data (`staffing.hooks.demo_seeded`,
connected in `PlanningConfig.ready()` before `demo.seed_planning`, so the quarterly reports see the leavers).

The story is the register's own: a position whose holder joined in the last three years, or that is vacant
now, had a predecessor who left for a reason; the vacancy ran from the day after the leaving to the holder's
entry (or is still open). Some offices also had people on a fixed-term secondment who joined and left in the
same year, and some people changed function after joining. Idempotent: rows are looked up by their natural
key (office, position, leaving day; office and name), random values are drawn from a generator seeded per
office, so a second run in the same year creates nothing.
"""
from __future__ import annotations

import datetime
import random

from django.utils import timezone

from staffing.models import Employment, LeaveReason, Office, Qualification, StaffMember, Vacancy

FIRST_NAMES = ["Birgit", "Heinz", "Monika", "Uwe", "Karin", "Jürgen", "Gabriele", "Rainer", "Ute", "Dieter",
               "Svenja", "Kevin", "Nadine", "Dennis", "Melanie", "Emre", "Zeynep", "Agnieszka", "Marco", "Jana"]
LAST_NAMES = ["Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun",
              "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Lehmann", "Köhler",
              "Yıldız", "Nowak"]
# the core's demo vacancies give their occasion as text; the leaver before them left for this reason
OCCASION_REASONS = {"Ruhestand": LeaveReason.RETIREMENT, "Wechsel in andere Dienststelle": LeaveReason.INTERNAL,
                    "Kündigung": LeaveReason.OTHER_EMPLOYER}
REASONS = ([LeaveReason.RETIREMENT] * 3 + [LeaveReason.OTHER_EMPLOYER] * 3 + [LeaveReason.INTERNAL] * 3
           + [LeaveReason.FIXED_TERM_END] + [LeaveReason.OTHER])
GAPS = [8, 14, 21, 28, 30, 31, 45, 60, 75, 90, 91, 120, 150, 200]  # days from leaving to the successor's entry


def on_demo_seeded(sender, *, district, **kwargs) -> int:
    """Receiver of `staffing.hooks.demo_seeded`: the leavers and refilled vacancies of PS-4.1."""
    return seed_continuity(district)


def seed_continuity(district, today: datetime.date | None = None) -> int:
    """PS-4.1: leavers with reasons and refilled vacancies over the last three years; returns rows created."""
    today = today or timezone.localdate()
    first_year = today.year - 2
    created = 0
    offices = Office.objects.filter(district=district, kind=Office.Kind.REGIONAL).order_by("name")
    for office in offices:
        rng = random.Random(f"continuity-{office.name}")
        staff = list(office.staff.filter(left_on__isnull=True).select_related("position", "function").order_by("pk"))
        # people who took another function some years after joining (tenure in the function < service)
        for member in staff:
            change = rng.random() < 0.15
            years_later = rng.randint(1, 6)
            if member.function_since is None:
                since = member.joined_on
                if change and member.joined_on.year + years_later < today.year:
                    since = member.joined_on.replace(year=member.joined_on.year + years_later)
                StaffMember.objects.filter(pk=member.pk).update(function_since=since)
        # the predecessors of holders who joined in the last three years: left, vacancy, refilled on entry
        for member in staff:
            gap = rng.choice(GAPS)
            if member.position_id is None or member.joined_on.year < first_year:
                continue
            left_on = member.joined_on - datetime.timedelta(days=gap + 1)
            if left_on.year < first_year:
                continue
            created += _predecessor(office, member.position, left_on, rng.choice(REASONS), rng,
                                    refilled_on=member.joined_on, function=member.function)
        # the predecessors of the positions vacant now
        for vacancy in (Vacancy.objects.filter(position__office=office, refilled_on__isnull=True)
                        .select_related("position").order_by("pk")):
            left_on = vacancy.vacated_on - datetime.timedelta(days=1)
            reason = OCCASION_REASONS.get(vacancy.reason, LeaveReason.OTHER)
            # parental leave ("Elternzeit") is no leaving: that person stays in the register
            if left_on.year >= first_year and left_on <= today and vacancy.reason != "Elternzeit":
                created += _predecessor(office, vacancy.position, left_on, reason, rng, refilled_on=None,
                                        function=vacancy.position.function)
        # a fixed-term secondment that began and ended in the same year (no budgeted position of its own)
        for year in range(first_year, today.year + 1):
            draw = rng.random()
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            joined = datetime.date(year, rng.randint(1, 4), 1)
            left = min(joined + datetime.timedelta(days=rng.randint(90, 240)), datetime.date(year, 12, 31))
            if draw < 0.5 and left < today and staff:
                _member, was_created = StaffMember.objects.get_or_create(
                    office=office, first_name=first, last_name=last, joined_on=joined, defaults={
                        **_person_defaults(staff[0].function, rng), "left_on": left, "function_since": joined,
                        "leave_reason": LeaveReason.FIXED_TERM_END,
                        "area_of_deployment": "Abordnung (befristet)"})
                created += was_created
    return created


def _person_defaults(function, rng) -> dict:
    return {"function": function, "employment": Employment.EMPLOYEE, "grade": "EG 9c", "fte": "1.000",
            "qualification": rng.choice([Qualification.DEGREE, Qualification.EQUIVALENT]),
            "qualification_detail": "", "months_experience": rng.choice([12, 36, 120])}


def _predecessor(office, position, left_on, reason, rng, *, refilled_on, function) -> int:
    """The person who held `position` until `left_on`, and the vacancy from the next day (refilled or open)."""
    created = 0
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    service_years = rng.randint(20, 38) if reason == LeaveReason.RETIREMENT else rng.randint(1, 12)
    joined = max(datetime.date(2005, 1, 1), left_on.replace(day=1) - datetime.timedelta(days=365 * service_years))
    since = joined if rng.random() < 0.7 else min(left_on, joined + datetime.timedelta(days=365 * 3))
    _member, was_created = StaffMember.objects.get_or_create(
        office=office, position=position, left_on=left_on, defaults={
            **_person_defaults(function, rng), "first_name": first, "last_name": last, "grade": position.grade,
            "fte": position.fte, "joined_on": joined, "function_since": since, "leave_reason": reason})
    created += was_created
    if refilled_on is not None:
        _vacancy, was_created = Vacancy.objects.get_or_create(
            position=position, vacated_on=left_on + datetime.timedelta(days=1),
            defaults={"refilled_on": refilled_on, "reason": str(LeaveReason(reason).label)})
        created += was_created
    return created
