"""Issue 16, point 5: planning's rows in the benchmark's national data (`manage.py seed_scale`): per district a
few training needs, offers and participations (PS-1.4, PS-3.2), so that the bench's training page compares real
rows with its floor. Connected to `staffing.hooks.scale_district_seeding` in `PlanningConfig.ready()`; drawn
from the district's random stream after the core's rows, written with the core's COPY writer."""
from __future__ import annotations

from datetime import timedelta

from staffing.models import Function

from .models import TrainingNeed, TrainingOffer, TrainingParticipation

# Training (PS-1.4, PS-3.2), modest per district: needs of the cities (topic, function, persons), the district's
# offers (title, topic of the need it covers or None, kind, location, places), the staff of the regional
# offices taking part in them. Fewer than 200 participations per district: the page lists the first 200.
TRAINING_NEEDS = [
    ("Aufsuchende Arbeit mit jungen Erwachsenen (U25)", Function.Code.PLACEMENT),
    ("Bürgergeld: Änderungen bei Kosten der Unterkunft", Function.Code.BENEFITS),
    ("Schuldnerberatung: Grundlagen für Fachberatung", Function.Code.COUNSELLING),
    ("Motivierende Gesprächsführung", Function.Code.PLACEMENT),
    ("Arbeitgeberservice und Stellenakquise", Function.Code.PLACEMENT),
    ("Sucht und Arbeitsmarktintegration", Function.Code.COUNSELLING),
]
TRAINING_OFFERS = [
    ("Motivierende Gesprächsführung (Grundkurs)", "Motivierende Gesprächsführung", "field_specific",
     "Kreishaus, Raum 2.14", 20),
    ("Aufsuchende Arbeit U25", "Aufsuchende Arbeit mit jungen Erwachsenen (U25)", "field_specific",
     "Bildungszentrum", 16),
    ("KdU-Update", "Bürgergeld: Änderungen bei Kosten der Unterkunft", "general",
     "online (Videokonferenz)", 40),
    ("Einarbeitung SGB II – Praxiseinweisung", None, "induction", "Kreishaus, Großer Sitzungssaal", 24),
    ("Schuldnerberatung kompakt", "Schuldnerberatung: Grundlagen für Fachberatung", "field_specific",
     "Bildungszentrum", 18),
    ("Datenschutz im Jobcenter", None, "general", "online (Videokonferenz)", 60),
]


def training(sender, seeder, district, **kwargs) -> list[tuple]:
    """The receiver: the district's training rows as tables for `seed_scale`, with their row references."""
    from staffing.management.commands.seed_scale import Table  # the command's writer, only when it runs

    needs_table, offers = Table(TrainingNeed), Table(TrainingOffer)
    targets, participations = Table(TrainingOffer.target_functions.through), Table(TrainingParticipation)
    _training(seeder, district, needs_table, offers, targets, participations)
    return [(needs_table, {}), (offers, {"need": "need_id"}), (targets, {"trainingoffer": "trainingoffer_id"}),
            (participations, {"offer": "offer_id", "staff_member": "staff_member_id"})]


def _training(seeder, district, needs_table, offers, targets, participations) -> None:
    """Two or three needs per city (some prioritised by the coordination office), the district's offers
    (half a year back to half a year ahead; most cover a need) for their functions, and participations of
    the regional offices' staff: attended for past offers, registered for coming ones, a few cancelled."""
    from staffing.management.commands.seed_scale import _aware

    rng = seeder.rng
    needs = {}
    priority = 0
    for office, clerk_ids in seeder.regional:
        for topic, code in rng.sample(TRAINING_NEEDS, rng.choice([2, 3])):
            prioritised = rng.random() < 0.4
            priority += prioritised
            need = needs_table.add(
                office_id=office.pk, function_id=seeder.functions[code].pk, topic=topic, persons=rng.randint(1, 9),
                priority=priority if prioritised else None, created_by_id=rng.choice(clerk_ids),
                created_at=_aware(seeder.today - timedelta(days=rng.randint(1, 300)), rng.randint(8, 16),
                                  rng.randint(0, 59)))
            needs.setdefault(topic, need)
    regional = {office.pk for office, _clerks in seeder.regional}
    staff = [m for m in seeder.staff.rows if m["office_id"] in regional]
    for title, topic, kind, location, places in TRAINING_OFFERS:
        starts = seeder.today + timedelta(days=rng.randint(-180, 180))
        need = needs.get(topic)
        offer = offers.add(
            district_id=district.pk, need=need, title=title, kind=kind, location=location, places=places,
            starts_on=starts, ends_on=starts + timedelta(days=rng.choice([0, 1, 4])),
            description="Fortbildung für die Beschäftigten der Regionalstellen (PS-1.4, PS-3.2).")
        codes = [c for t, c in TRAINING_NEEDS if t == topic]
        for code in codes:
            targets.add(trainingoffer=offer, function_id=seeder.functions[code].pk)
        members = [m for m in staff if not codes or seeder.functions[codes[0]].pk == m["function_id"]]
        for member in rng.sample(members, min(len(members), rng.randint(places // 2, places - 2))):
            past = starts < seeder.today
            status = ("cancelled" if rng.random() < 0.1 else
                      "attended" if past else "registered")
            participations.add(offer=offer, staff_member=member, status=status,
                               created_at=_aware(starts - timedelta(days=rng.randint(10, 60))))
