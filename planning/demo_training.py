"""Demo data of issue 13, point 2 (PS-1.4, PS-1.3, PS-3.2): the kinds and target functions of the demo's
training offers, a field-specific basic course most placement officers and counsellors attended, an
induction offer the newcomers attended, and the gaps the page "Fachspezifische Fortbildung" shows: the
people who joined in 2026 are still inside their period ("noch offen bis …", some registered for the
U25 course), and one placement officer of Witten who joined in the year before is overdue.

Connected to `staffing.hooks.demo_seeded` after `planning.demo` (`PlanningConfig.ready()`); idempotent: rows
are looked up by natural keys and the choices depend on the seeded rows only, never on today's date."""
import datetime

from staffing.models import Function, Induction, Office, StaffMember

from .models import TrainingKind, TrainingOffer, TrainingParticipation

PLACEMENT, COUNSELLING, BENEFITS = Function.Code.PLACEMENT, Function.Code.COUNSELLING, Function.Code.BENEFITS
# the offers of planning.demo: their kind and target functions
KINDS = {
    "Motivierende Gesprächsführung (Grundkurs)": (TrainingKind.FIELD_SPECIFIC, (PLACEMENT, COUNSELLING)),
    "Aufsuchende Arbeit U25": (TrainingKind.FIELD_SPECIFIC, (PLACEMENT,)),
    "KdU-Update 2027": (TrainingKind.GENERAL, (BENEFITS,)),
}
BASIC_COURSE = "Fachspezifische Grundqualifizierung Arbeitsvermittlung und Fachberatung (SGB II)"
INDUCTION_COURSE = "Einarbeitung SGB II – Praxiseinweisung für neue Mitarbeitende"
NEWCOMERS_FROM = datetime.date(2026, 1, 1)  # joined in the demo's year: still inside the period
OVERDUE_CITY = "Witten"


def on_demo_seeded(sender, *, district, **kwargs) -> int:
    """Receiver of `staffing.hooks.demo_seeded` (after planning.demo's): returns rows created."""
    return seed_training(district)


def _functions(codes):
    return list(Function.objects.filter(code__in=codes))


def seed_training(district) -> int:
    """PS-1.4: kinds and targets of the offers, who attended the field-specific training, one overdue."""
    created = 0
    for title, (kind, codes) in KINDS.items():
        offer = TrainingOffer.objects.filter(district=district, title=title).first()
        if offer is not None:
            if offer.kind != kind:
                offer.kind = kind
                offer.save(update_fields=["kind"])
            offer.target_functions.set(_functions(codes))
    concerned = list(StaffMember.objects.filter(
        office__district=district, office__kind=Office.Kind.REGIONAL, left_on__isnull=True,
        function__code__in=(PLACEMENT, COUNSELLING)).select_related("office__city", "function").order_by("pk"))
    covered = set(TrainingParticipation.objects.filter(
        staff_member__in=concerned, status=TrainingParticipation.Status.ATTENDED,
        offer__kind=TrainingKind.FIELD_SPECIFIC, offer__target_functions__code=PLACEMENT,
        staff_member__function__code=PLACEMENT).values_list("staff_member_id", flat=True))
    covered |= set(TrainingParticipation.objects.filter(
        staff_member__in=concerned, status=TrainingParticipation.Status.ATTENDED,
        offer__kind=TrainingKind.FIELD_SPECIFIC, offer__target_functions__code=COUNSELLING,
        staff_member__function__code=COUNSELLING).values_list("staff_member_id", flat=True))
    basic_course_ids = set(TrainingParticipation.objects.filter(
        offer__district=district, offer__title=BASIC_COURSE).values_list("staff_member_id", flat=True))
    veterans = [m for m in concerned if m.joined_on < NEWCOMERS_FROM]
    # the overdue one: the Witten placement officer who joined last before the demo's year (a year and more ago)
    overdue = next((m for m in sorted(veterans, key=lambda m: (-m.joined_on.toordinal(), m.pk))
                    if m.office.city and m.office.city.name == OVERDUE_CITY
                    and m.function.code == PLACEMENT and m.pk not in covered and m.pk not in basic_course_ids), None)
    attendees = [m for m in veterans if m is not overdue and m.pk not in covered]
    basic, was_created = TrainingOffer.objects.get_or_create(district=district, title=BASIC_COURSE, defaults={
        "kind": TrainingKind.FIELD_SPECIFIC, "starts_on": datetime.date(2025, 11, 17),
        "ends_on": datetime.date(2025, 11, 21), "location": "Kreishaus Schwelm, Großer Sitzungssaal",
        "places": max(len(attendees), 1),
        "description": "Fünftägige Grundqualifizierung nach PS-1.4: Rechtsgrundlagen SGB II, Profiling, "
                       "Eingliederungsvereinbarung/Kooperationsplan, Arbeitgeberkontakte, Netzwerke der Fachberatung."})
    created += was_created
    basic.target_functions.set(_functions((PLACEMENT, COUNSELLING)))
    for member in attendees:
        _p, was_created = TrainingParticipation.objects.get_or_create(
            offer=basic, staff_member=member, defaults={"status": TrainingParticipation.Status.ATTENDED})
        created += was_created
    # PS-1.3: the newcomers without prior experience attended the induction (which completed it)
    newcomers = list(StaffMember.objects.filter(
        office__district=district, office__kind=Office.Kind.REGIONAL, left_on__isnull=True,
        joined_on__gte=NEWCOMERS_FROM, months_experience__lt=6).order_by("pk"))
    induction, was_created = TrainingOffer.objects.get_or_create(district=district, title=INDUCTION_COURSE, defaults={
        "kind": TrainingKind.INDUCTION, "starts_on": datetime.date(2026, 2, 2), "ends_on": datetime.date(2026, 2, 13),
        "location": "Regionalstellen (Hospitation) und Kreishaus Schwelm", "places": max(len(newcomers), 1),
        "description": "Zweiwöchige Praxiseinweisung nach PS-1.3 mit Hospitation in der eigenen Regionalstelle."})
    created += was_created
    induction.target_functions.set(_functions((PLACEMENT, COUNSELLING, BENEFITS)))
    for member in newcomers:
        _p, was_created = TrainingParticipation.objects.get_or_create(
            offer=induction, staff_member=member, defaults={"status": TrainingParticipation.Status.ATTENDED})
        created += was_created
        if member.induction != Induction.COMPLETED:
            StaffMember.objects.filter(pk=member.pk).update(induction=Induction.COMPLETED)
    # some of the newcomers in placement are registered for the next field-specific course
    u25 = TrainingOffer.objects.filter(district=district, title="Aufsuchende Arbeit U25").first()
    if u25 is not None:
        taken = u25.participations.exclude(status=TrainingParticipation.Status.CANCELLED).count()
        for member in [m for m in concerned if m.joined_on >= NEWCOMERS_FROM and m.function.code == PLACEMENT
                       and m.pk not in covered][:2]:
            if taken >= u25.places:
                break
            _p, was_created = TrainingParticipation.objects.get_or_create(
                offer=u25, staff_member=member, defaults={"status": TrainingParticipation.Status.REGISTERED})
            created += was_created
            taken += was_created
    return created
