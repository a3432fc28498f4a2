"""PS-1.1 in the demo data (called by `seed_demo`; idempotent): every district's career-track table, the
completed tracks of the staff, and a notice for a benefits position (DEMO-SPR-1) whose advice shows the
table at work: one person meets the track the position's grade presumes, one falls short."""
from __future__ import annotations

import zlib
from datetime import timedelta

from django.utils import timezone

from . import grades, records, services
from .models import (
    OPEN_STATES,
    CareerTrack,
    Employment,
    Function,
    PlacementNotice,
    Position,
    Qualification,
    StaffMember,
    User,
)
from .qualification import career_table

DEMO_REFERENCE = "DEMO-SPR-1"
ONE_LEVEL_BELOW = {grades.LG1_SECOND: grades.LG1_FIRST, grades.LG2_FIRST: grades.LG1_SECOND,
                   grades.LG2_SECOND: grades.LG2_FIRST, grades.EMPLOYEE_ADVANCED: grades.EMPLOYEE_BASIC,
                   grades.EMPLOYEE_UNIVERSITY: grades.EMPLOYEE_ADVANCED}


def seed_career_tracks(district, *, with_notice: bool = True) -> int:
    """PS-1.1: table, staff tracks and the demo notice (issue 17: the second demo district without it);
    returns how many rows were created."""
    created = records.career_tracks_seed_defaults(district=district)
    _staff_tracks(district)
    if with_notice:
        created += _benefits_notice(district)
    return created


def _staff_tracks(district) -> None:
    """Civil servants and the benefits staff get the track their grade presumes; about one in eight of the
    benefits staff one level below it (a deviation the register shows). Chosen by the position number,
    not by a random draw, so the other demo data stay as they are."""
    table = career_table(district.pk)
    members = (StaffMember.objects.filter(office__district=district, career_track="")
               .select_related("position", "function"))
    changed = []
    for member in members:
        benefits = member.function.code == Function.Code.BENEFITS
        if member.employment != Employment.CIVIL_SERVANT and not benefits:
            continue  # PS-1.2 applies to them; their degree is recorded as qualification
        row = table.get(grades.normalise_grade(member.position.grade if member.position else member.grade))
        if row is None:
            continue
        track = row[1]
        key = member.position.number if member.position else member.last_name
        if benefits and zlib.crc32(key.encode()) % 8 == 0:
            track = ONE_LEVEL_BELOW.get(track, track)
        member.career_track = track
        changed.append(member)
    StaffMember.objects.bulk_update(changed, ["career_track"])


def _benefits_notice(district) -> int:
    if PlacementNotice.objects.filter(reference=DEMO_REFERENCE).exists():
        return 0
    positions = (Position.objects.filter(office__district=district, office__city__isnull=False,
                                         function__code=Function.Code.BENEFITS, is_active=True)
                 .exclude(notices__state__in=OPEN_STATES).select_related("office", "function"))
    clerk = position = None
    for candidate in list(positions.filter(grade="A 9").order_by("number")) + list(positions.order_by("number")):
        clerk = User.objects.filter(organisation__city_id=candidate.office.city_id, organisation__kind="city").first()
        if clerk is not None:
            position = candidate
            break
    if position is None:
        return 0
    notice = services.notice_create(
        by=clerk, position=position, function=position.function, reference=DEMO_REFERENCE,
        planned_start=timezone.localdate() + timedelta(days=75),
        reason="Nachbesetzung in der Leistungssachbearbeitung nach Ruhestand",
        goals_statement="Die Stelle sichert die rechtzeitige und rechtmäßige Leistungsgewährung in der "
                        "Regionalstelle (Gesamtziele der JobAgentur EN).",
        candidates=[
            {"full_name": "Jana Beispiel-Laufbahn", "employment": Employment.CIVIL_SERVANT, "grade": "A 6",
             "qualification": Qualification.CAREER_TRAINING, "career_track": CareerTrack.LG1_FIRST,
             "qualification_detail": "Laufbahngruppe 1, erstes Einstiegsamt (Verwaltungsdienst)",
             "professional_background": "Acht Jahre Sachbearbeitung im Bürgerbüro und in der Wohngeldstelle.",
             "months_experience": 96},
            {"full_name": "Murat Beispiel-Lehrgang", "employment": Employment.EMPLOYEE, "grade": "EG 9a",
             "qualification": Qualification.EQUIVALENT, "career_track": CareerTrack.EMPLOYEE_ADVANCED,
             "qualification_detail": "Angestelltenlehrgang II",
             "professional_background": "Sechs Jahre Leistungssachbearbeitung SGB XII bei der Stadt.",
             "months_experience": 72},
        ])
    services.notice_submit(notice_id=notice.pk, by=clerk, received_at=timezone.now() - timedelta(days=1))
    return 1
