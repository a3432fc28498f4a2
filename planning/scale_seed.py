"""Issue 16, point 5: planning's rows in the benchmark's national data (`manage.py seed_scale`): per district a
few training needs, offers and participations (PS-1.4, PS-3.2), coaching offers with sign-ups (PS-3.3) and the
confirmed quarterly reports with their claims and the cities' caps (PS-6.1, PS-6.2, PS-5.1), so that the bench's
training, coaching and costs pages compare real rows with their floors. Connected to
`staffing.hooks.scale_district_seeding` in `PlanningConfig.ready()` (training first, then coaching and costs);
drawn from the district's random stream after the core's rows, written with the core's COPY writer."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from staffing.models import Employment, Function, Induction, Qualification

from .costs import cents, snapshot_estimate
from .models import (
    CoachingOffer,
    CoachingSignup,
    CostRate,
    QuarterlyReport,
    ReimbursementCap,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
)
from .quarters import Quarter

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


# Coaching (PS-3.3), per district: title, external coach, start in days from today, and the "besondere Gründe"
# of an offer extended to benefits staff ("" = placement officers and counsellors only).
COACHING_OFFERS = [
    ("Coaching Gesprächsführung in schwierigen Beratungssituationen", "Dr. Petra Lohmann (Coaching extern)", -150,
     ""),
    ("Gruppen-Coaching Belastung und Selbstfürsorge", "Michael Brandt, Supervision & Coaching", -40,
     "Hohe Belastung der Leistungssachbearbeitung durch die Umstellung auf das Bürgergeld."),
    ("Coaching Rollenklarheit in der Fallarbeit", "Sabine Öztürk (Coaching extern)", 45, ""),
]
COACHING_SIZES = [1, 2, 3, 4, 5, 6, 7, 9]  # sign-ups per office taking part: several below the small-group rule


def coaching_and_costs(sender, seeder, district, **kwargs) -> list[tuple]:
    """The second receiver (after `training`, same random stream): the district's coaching offers and sign-ups,
    and for the quarter the costs page shows by default the cities' confirmed reports and their caps."""
    from staffing.management.commands.seed_scale import Table

    offers, signups = Table(CoachingOffer), Table(CoachingSignup)
    reports, caps = Table(QuarterlyReport), Table(ReimbursementCap)
    _coaching(seeder, district, offers, signups)
    _costs(seeder, reports, caps)
    return [(offers, {}), (signups, {"offer": "offer_id", "staff_member": "staff_member_id"}),
            (reports, {}), (caps, {})]


def _coaching(seeder, district, offers, signups) -> None:
    """PS-3.3: three offers of the district (two begun, one coming), each taken up by five to eight of its
    regional offices with one to nine people each (placement and counselling; benefits staff only where the
    offer is extended with its reason). Consent dated before the sign-up is recorded by a clerk of the city;
    about one in twelve without consent (recorded before consent was kept) and one in twelve revoked: neither
    counts. One sign-up per offer and person."""
    from staffing.management.commands.seed_scale import _aware

    rng = seeder.rng
    today = seeder.today
    clerks = {office.pk: clerk_ids for office, clerk_ids in seeder.regional}
    codes = {seeder.functions[c].pk: c for c in seeder.functions}
    for title, coach, days, reason in COACHING_OFFERS:
        starts = today + timedelta(days=days + rng.randint(-10, 10))
        offer = offers.add(district_id=district.pk, title=title, coach=coach, starts_on=starts,
                           open_to_benefits=bool(reason), benefits_reason=reason,
                           description="Vertraulich, freiwillig, keine Leistungskontrolle (PS-3.3).")
        allowed = {Function.Code.PLACEMENT, Function.Code.COUNSELLING} | ({Function.Code.BENEFITS} if reason else set())
        for office, _clerks in rng.sample(seeder.regional, rng.randint(5, 8)):
            pool = [m for m in seeder.staff.rows
                    if m["office_id"] == office.pk and codes.get(m["function_id"]) in allowed]
            for member in rng.sample(pool, min(len(pool), rng.choice(COACHING_SIZES))):
                consent = min(today, starts - timedelta(days=rng.randint(10, 60)))
                recorded_by = rng.choice(clerks[office.pk])
                chance = rng.random()
                revoked = chance < 0.08
                signups.add(
                    offer=offer, staff_member=member, consent_on=None if 0.08 <= chance < 0.16 else consent,
                    signed_up_at=_aware(consent, rng.randint(8, 15), rng.randint(0, 59)), recorded_by_id=recorded_by,
                    revoked_on=min(today, consent + timedelta(days=rng.randint(3, 30))) if revoked else None,
                    revoked_by_id=recorded_by if revoked else None)


def _costs(seeder, reports, caps) -> None:
    """PS-6.1, PS-6.2, PS-5.1: for the last quarter ended before the seed's day (the costs page's default) the
    confirmed reports of eight or nine of the ten cities: the snapshot of the office's staff at the quarter's
    end (as `reports.snapshot_rows` writes it, with the days in the quarter) and the actual personnel costs,
    mostly within a few percent of the estimate, some beyond the tolerance, a few without a stated amount;
    and per city the year's cap (a little above four quarters of its estimate, so a few claims exceed the
    cap's quarter). Confirmation and cap times are the database's (append-only triggers, on PostgreSQL)."""
    rng = seeder.rng
    quarter = Quarter.last_ended_before(seeder.today)
    rates = dict(CostRate.objects.values_list("grade", "annual_cost"))
    functions = {f.pk: f for f in seeder.functions.values()}
    seeder.staff.assign_ids()  # the snapshot names each person's id (ids are allocated once, kept by the writer)
    reporting = {office.pk for office, _clerks in rng.sample(seeder.regional, rng.choice([8, 9]))}
    for office, clerk_ids in seeder.regional:
        staff = sorted((m for m in seeder.staff.rows if m["office_id"] == office.pk
                        and m["joined_on"] <= quarter.end), key=lambda m: (m["last_name"], m["first_name"], m["id"]))
        rows = [_snapshot_row(m, functions[m["function_id"]], quarter) for m in staff]
        estimate = snapshot_estimate(rows, quarter, rates).amount
        factor = (None if rng.random() < 0.05 else
                  Decimal(rng.choice(["1.07", "1.09", "0.92"])) if rng.random() < 0.15 else
                  Decimal(rng.randint(970, 1040)) / 1000)
        caps.add(city_id=office.city_id, year=quarter.year, set_by_id=seeder.admin_id,
                 amount=(estimate * 4 * rng.randint(995, 1060) / 1_000_000).quantize(Decimal("1")) * 1000,
                 reason="Festsetzung im Einvernehmen mit den Städten (PS-5.1)")
        if office.pk in reporting:
            reports.add(office_id=office.pk, year=quarter.year, quarter=quarter.quarter, as_of=quarter.end,
                        confirmed_by_id=rng.choice(clerk_ids), rows=rows,
                        personnel_costs=None if factor is None else cents(estimate * factor))


def _snapshot_row(m: dict, function: Function, quarter: Quarter) -> dict:
    """One person in a quarterly report's snapshot, in the keys of `planning.reports.snapshot_rows`."""
    return {
        "staff_id": m["id"], "name": f"{m['last_name']}, {m['first_name']}", "function": function.name,
        "function_code": function.code, "grade": m["grade"], "fte": str(m["fte"]),
        "employment": str(Employment(m["employment"]).label),
        "qualification": str(Qualification(m["qualification"]).label),
        "qualification_detail": m["qualification_detail"], "months_experience": m["months_experience"],
        "area_of_deployment": m["area_of_deployment"], "induction": str(Induction(m["induction"]).label),
        "training_notes": m["training_notes"],
        "days_in_quarter": (quarter.end - max(m["joined_on"], quarter.start)).days + 1,
    }
