"""Demo data: the Ennepe-Ruhr-Kreis, its nine cities, offices, positions, staff, vacancies and
one demo login per role (password "demo", refused unless DEMO_LOGINS_ENABLED). Idempotent.

Issue 17: a second district in another Land, the Landkreis Augsburg (Bavaria) with three cities, its own
logins for the three roles, a few notices and its own agreement settings (Bavaria's holidays with
Mariä Himmelfahrt); the Ennepe-Ruhr-Kreis keeps the settings of the environment (NRW).

The other apps add theirs after the core's: `staffing.hooks.demo_seeded` (planning connects to it)."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from staffing import services
from staffing.demo_careers import seed_career_tracks
from staffing.hooks import demo_seeded
from staffing.models import (
    INITIAL_VALID_FROM,
    OPEN_STATES,
    AgreementRuleSet,
    City,
    District,
    Employment,
    Function,
    Induction,
    JobAgenturGoal,
    Office,
    Organisation,
    PlacementNotice,
    Position,
    PositionChange,
    Qualification,
    StaffMember,
    User,
    Vacancy,
)
from staffing.records import _snapshot
from staffing.tasks import run_sweep

# City -> (short code, size factor: rough share of SGB II caseload)
CITIES = {
    "Breckerfeld": ("BRE", 1),
    "Ennepetal": ("ENN", 3),
    "Gevelsberg": ("GEV", 3),
    "Hattingen": ("HAT", 5),
    "Herdecke": ("HER", 2),
    "Schwelm": ("SCH", 3),
    "Sprockhövel": ("SPR", 2),
    "Wetter (Ruhr)": ("WET", 3),
    "Witten": ("WIT", 8),
}

FUNCTIONS = [
    # code, name, leadership, requires notice (PS-2), order
    (Function.Code.OFFICE_HEAD, "Regionalstellenleitung", True, True, 1),
    (Function.Code.TEAM_LEAD, "Teamleitung / Koordination", True, True, 2),
    (Function.Code.PLACEMENT, "Arbeitsvermittlung", False, True, 3),
    (Function.Code.COUNSELLING, "Fachberatung", False, True, 4),
    (Function.Code.BENEFITS, "Leistungssachbearbeitung", False, False, 5),
]

# function -> (title, grade civil servant, grade employee, number per size unit)
STAFFING = {
    Function.Code.OFFICE_HEAD: ("Leitung der Regionalstelle", "A 13", "EG 12", 0),
    Function.Code.TEAM_LEAD: ("Teamleitung", "A 11", "EG 10", 0.34),
    Function.Code.PLACEMENT: ("Arbeitsvermittler/in", "A 10", "EG 9c", 2),
    Function.Code.COUNSELLING: ("Fachberater/in", "A 10", "EG 10", 0.67),
    Function.Code.BENEFITS: ("Sachbearbeiter/in Leistung", "A 9", "EG 9a", 3),
}

FIRST_NAMES = ["Anna", "Jonas", "Lea", "Lukas", "Marie", "Felix", "Sophie", "Paul", "Laura", "Tim",
               "Julia", "Jan", "Sarah", "Niklas", "Katharina", "David", "Hannah", "Tobias", "Lena",
               "Michael", "Sabine", "Thomas", "Petra", "Andreas", "Claudia", "Stefan", "Ayşe", "Mehmet",
               "Elif", "Dariusz"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
              "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
              "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Yılmaz",
              "Kowalski", "Özdemir", "Lehmann"]
DEGREES = ["B.A. Soziale Arbeit", "Diplom-Sozialpädagogik (FH)", "B.A. Arbeitsmarktmanagement (HdBA)",
           "M.A. Erziehungswissenschaft", "Diplom-Verwaltungswirt/in (FH)"]
CAREER = ["Verwaltungsfachangestellte/r", "Verwaltungslehrgang II", "Laufbahnausbildung mittlerer Dienst",
          "Bachelor of Laws (Verwaltungsdienst), gehobener Dienst"]

DEMO_USERS = [
    # username, first, last, organisation kind, city name or None
    ("clerk-witten", "Petra", "Schulte", Organisation.Kind.CITY, "Witten"),
    ("clerk-hattingen", "Markus", "Brandt", Organisation.Kind.CITY, "Hattingen"),
    ("koordination", "Claudia", "Heimann", Organisation.Kind.COORDINATION, None),
    ("kreis", "Dr. Stefan", "Korte", Organisation.Kind.DISTRICT_ADMIN, None),
    ("leitung", "Birgit", "Albrecht", Organisation.Kind.MANAGEMENT, None),
]

# Positions, staff and vacancies are read-only in the admin (written through staffing.records): view only.
GROUP_PERMISSIONS = {
    "Stadt – Personalsachbearbeitung": [
        ("view", "position"), ("view", "staffmember"), ("view", "vacancy"), ("view", "placementnotice"),
    ],
    "Kreis – Koordinierungsstelle": [
        ("view", "office"), ("view", "position"), ("view", "staffmember"), ("view", "vacancy"),
        ("view", "placementnotice"), ("view", "city"),
    ],
    "Kreis – Verwaltung": [
        ("view", "office"), ("view", "position"), ("view", "staffmember"), ("view", "vacancy"),
        ("view", "placementnotice"), ("view", "city"),
    ],
}
ROLE_GROUP = {
    Organisation.Kind.CITY: "Stadt – Personalsachbearbeitung",
    Organisation.Kind.COORDINATION: "Kreis – Koordinierungsstelle",
    Organisation.Kind.DISTRICT_ADMIN: "Kreis – Verwaltung",
}


class Command(BaseCommand):
    help = "Legt die Demodaten des Ennepe-Ruhr-Kreises an (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = seed()
        # notices whose period already ended are approved by silence, as beat would do; after the commit,
        # as the sweep mails outside any open transaction
        run_sweep()
        self.stdout.write(self.style.SUCCESS(
            f"Demodaten bereit ({created} neue Datensätze). Anmeldung: clerk-witten, clerk-hattingen, "
            "koordination, kreis, leitung; Landkreis Augsburg: clerk-gersthofen, koordination-lka, kreis-lka "
            "– Passwort: demo"))


def _get(model, lookup, defaults, counter):
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    counter[0] += created
    return obj


def seed() -> int:
    """Create or complete the demo data; returns how many rows were created."""
    counter = [0]
    rng = random.Random(20070418)  # the date of the Heranziehungssatzung: stable demo data
    district = _get(District, {"slug": "en-kreis"}, {"name": "Ennepe-Ruhr-Kreis"}, counter)
    functions = {}
    for code, name, leadership, notice, order in FUNCTIONS:
        functions[code] = _get(Function, {"code": code}, {
            "name": name, "is_leadership": leadership, "requires_notice": notice, "sort_order": order,
        }, counter)
    coordination_office = _get(Office, {"district": district, "kind": Office.Kind.COORDINATION},
                               {"name": "Koordinierungsstelle der JobAgentur EN"}, counter)
    _seed_organisations_and_offices(district, coordination_office, "KOO", [
        (Organisation.Kind.COORDINATION, "Koordinierungsstelle beim Ennepe-Ruhr-Kreis"),
        (Organisation.Kind.DISTRICT_ADMIN, "Kreisverwaltung Ennepe-Ruhr-Kreis"),
        (Organisation.Kind.MANAGEMENT, "Leitung der JobAgentur EN"),
    ], CITIES, functions, rng, counter)
    _seed_groups()
    _seed_users(district)
    _seed_goals(district, counter)
    _seed_notices(district)
    counter[0] += seed_career_tracks(district)  # PS-1.1: the career-track table, staff tracks, DEMO-SPR-1
    services.rule_set_initial(district_id=district.pk)  # issue 17: the environment's settings (NRW)
    for _receiver, created in demo_seeded.send(sender=Command, district=district):
        counter[0] += created or 0
    _seed_second_district(functions, counter)
    return counter[0]


def _seed_organisations_and_offices(district, coordination_office, coordination_code, organisations, cities,
                                    functions, rng, counter):
    """A district's organisations (one per role of the district side, one personnel office per city) and its
    regional offices with positions and staff, then the coordination office's staff (PS-1.1, PS-4.2)."""
    for kind, name in organisations:
        _get(Organisation, {"district": district, "kind": kind}, {"name": name}, counter)
    for city_name, (code, size) in cities.items():
        city = _get(City, {"district": district, "name": city_name}, {"slug": slugify(city_name)}, counter)
        _get(Organisation, {"district": district, "kind": Organisation.Kind.CITY, "city": city},
             {"name": f"Stadt {city_name} – Personalamt"}, counter)
        office = _get(Office, {"district": district, "kind": Office.Kind.REGIONAL, "city": city},
                      {"name": f"Regionalstelle {city_name}"}, counter)
        _seed_office(office, code, size, functions, rng, counter)
    _seed_office(coordination_office, coordination_code, 0, functions, rng, counter, coordination=True)


# --- issue 17: a second district in another Land -----------------------------------------------------

SECOND_DISTRICT = ("lk-augsburg", "Landkreis Augsburg")
SECOND_CITIES = {"Gersthofen": ("GER", 2), "Königsbrunn": ("KBR", 2), "Neusäß": ("NEU", 1)}
SECOND_USERS = [
    ("clerk-gersthofen", "Josef", "Huber", Organisation.Kind.CITY, "Gersthofen"),
    ("koordination-lka", "Theresa", "Maier", Organisation.Kind.COORDINATION, None),
    ("kreis-lka", "Franz", "Bauer", Organisation.Kind.DISTRICT_ADMIN, None),
]
SECOND_NOTICES = [
    ("DEMO-GER-1", "Gersthofen", Function.Code.PLACEMENT, 2, []),
    ("DEMO-GER-2", "Gersthofen", Function.Code.COUNSELLING, 4, ["clarification"]),
    ("DEMO-KBR-1", "Königsbrunn", Function.Code.PLACEMENT, 10, []),
]
SECOND_RULES = {
    "holiday_region": "BY", "catholic_holidays": True, "period_weeks": 1, "reminder_working_days": 2,
    "vacancy_flag_days": 60, "qualification_min_months": 12, "statute_date": date(2012, 7, 1),
    "statute_reference": "§ 5 Abs. 2 der Heranziehungssatzung des Landkreises Augsburg",
}


def _seed_second_district(functions, counter):
    """Issue 17: the Landkreis Augsburg: three cities with their regional offices, staff, logins for the three
    roles, its own agreement settings (Bavaria, with Mariä Himmelfahrt) and a few notices."""
    rng = random.Random(20120701)  # its own stream: the Ennepe-Ruhr-Kreis's demo data stays as it was
    slug, name = SECOND_DISTRICT
    district = _get(District, {"slug": slug}, {"name": name}, counter)
    coordination_office = _get(Office, {"district": district, "kind": Office.Kind.COORDINATION},
                               {"name": "Koordinierungsstelle Jobcenter Augsburger Land"}, counter)
    _seed_organisations_and_offices(district, coordination_office, "LKA-KOO", [
        (Organisation.Kind.COORDINATION, "Koordinierungsstelle beim Landkreis Augsburg"),
        (Organisation.Kind.DISTRICT_ADMIN, "Landratsamt Augsburg"),
    ], SECOND_CITIES, functions, rng, counter)
    _seed_users(district, SECOND_USERS)
    admin = User.objects.get(username="kreis-lka")
    if not AgreementRuleSet.objects.filter(district=district).exists():
        AgreementRuleSet.objects.create(
            district=district, version=1, valid_from=INITIAL_VALID_FROM, created_by=admin,
            reason="Heranziehungssatzung des Landkreises; Feiertage in Bayern einschließlich Mariä Himmelfahrt",
            **SECOND_RULES)
        counter[0] += 1
    # the staff plan of every office, taken over by the district (as planning does for the first district)
    audited = set(PositionChange.objects.filter(office__district=district, action=PositionChange.Action.CREATED)
                  .values_list("position_id", flat=True))
    rows = [PositionChange(office_id=p.office_id, position=p, action=PositionChange.Action.CREATED, actor=admin,
                           at=timezone.now() - timedelta(days=330), before={}, after=_snapshot(p),
                           reason="Stellenplan laut Haushaltsplan des Landkreises", source="import")
            for p in Position.objects.filter(office__district=district).order_by("pk") if p.pk not in audited]
    PositionChange.objects.bulk_create(rows)
    counter[0] += len(rows)
    _seed_goals(district, counter)
    counter[0] += seed_career_tracks(district, with_notice=False)  # PS-1.1: its table and the staff's tracks
    _seed_notices(district, SECOND_NOTICES, coordinator="koordination-lka")


def _seed_office(office, code, size, functions, rng, counter, coordination=False):
    """Positions, staff and vacancies of one office. Demo data is written directly (idempotent get-or-create),
    not through `staffing.records`: it is no user's write and has no rules of its own; a position is
    either filled or vacant, as the records' services keep it."""
    plan = []
    if coordination:
        plan = [(Function.Code.TEAM_LEAD, 1), (Function.Code.PLACEMENT, 2), (Function.Code.COUNSELLING, 2)]
    else:
        plan = [(Function.Code.OFFICE_HEAD, 1)] + [
            (fc, max(1, round(STAFFING[fc][3] * size))) for fc in
            (Function.Code.TEAM_LEAD, Function.Code.PLACEMENT, Function.Code.COUNSELLING, Function.Code.BENEFITS)
        ]
    number = 0
    for function_code, count in plan:
        title, grade_cs, grade_emp, _unit = STAFFING[function_code]
        for _i in range(count):
            number += 1
            civil_servant = rng.random() < 0.4
            fte = Decimal("1.000") if rng.random() < 0.75 else Decimal(rng.choice(["0.500", "0.750", "0.800"]))
            position = _get(Position, {"office": office, "number": f"{code}-{number:03d}"}, {
                "function": functions[function_code], "title": title,
                "grade": grade_cs if civil_servant else grade_emp, "fte": fte,
            }, counter)
            # about one position in eight is vacant
            if rng.random() < 0.125 and function_code != Function.Code.OFFICE_HEAD:
                # draw every random value before looking at the database, so reruns draw the same
                vacated = date(2026, rng.randint(5, 11), rng.randint(1, 28))
                reason = rng.choice(["Ruhestand", "Wechsel in andere Dienststelle", "Elternzeit", "Kündigung"])
                _get(Vacancy, {"position": position, "vacated_on": vacated},
                     {"reason": reason}, counter)
                continue
            _seed_staff(office, position, function_code, civil_servant, fte, rng, counter)


def _seed_staff(office, position, function_code, civil_servant, fte, rng, counter):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    benefits = function_code == Function.Code.BENEFITS
    qualification = (Qualification.CAREER_TRAINING if benefits and civil_servant else
                     Qualification.EQUIVALENT if benefits else
                     rng.choice([Qualification.DEGREE] * 4 + [Qualification.EQUIVALENT]))
    detail = rng.choice(CAREER) if benefits else rng.choice(DEGREES)
    months = rng.choice([0, 3, 6, 12, 24, 36, 60, 120])
    # the position's current holder (its former holders, PS-4.1 demo data, have left)
    _get(StaffMember, {"office": office, "position": position, "left_on": None}, {
        "function": position.function, "first_name": first, "last_name": last,
        "employment": Employment.CIVIL_SERVANT if civil_servant else Employment.EMPLOYEE,
        "grade": position.grade, "fte": fte, "qualification": qualification, "qualification_detail": detail,
        "months_experience": months,
        "induction": Induction.COMPLETED if months < 6 else Induction.NOT_NEEDED,
        "area_of_deployment": rng.choice(["U25", "Ü25", "Selbstständige", "Reha/SB", "Eingangszone", ""]),
        "training_notes": rng.choice(["", "Grundlagen SGB II (2025)", "Gesprächsführung (2026)",
                                      "Fallmanagement-Zertifikat (DGCC)"]),
        "joined_on": date(rng.randint(2005, 2026), rng.randint(1, 12), 1),
    }, counter)


def _seed_groups():
    for group_name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = [Permission.objects.get(codename=f"{action}_{model}", content_type__app_label="staffing")
                  for action, model in perms]
        group.permissions.set(wanted)


def _seed_users(district, users=DEMO_USERS):
    for username, first, last, kind, city_name in users:
        lookup = {"district": district, "kind": kind}
        if city_name:
            lookup["city__name"] = city_name
        organisation = Organisation.objects.get(**lookup)
        user, _ = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "organisation": organisation, "is_demo": True,
            "email": f"{username}@demo.jobagentur-en.example",
            "is_staff": kind in ROLE_GROUP,
        })
        if not user.check_password("demo"):
            user.set_password("demo")
            user.save(update_fields=["password"])
        if kind in ROLE_GROUP:
            user.groups.add(Group.objects.get(name=ROLE_GROUP[kind]))


DEMO_NOTICES = [
    # reference, city, function code, days since receipt (None: draft), steps after submission
    ("DEMO-WIT-1", "Witten", Function.Code.PLACEMENT, None, []),
    ("DEMO-WIT-2", "Witten", Function.Code.COUNSELLING, 2, []),
    ("DEMO-WIT-3", "Witten", Function.Code.TEAM_LEAD, 5, ["clarification"]),
    ("DEMO-WIT-4", "Witten", Function.Code.PLACEMENT, 6, ["concerns", "escalate"]),
    ("DEMO-HAT-1", "Hattingen", Function.Code.PLACEMENT, 1, []),
    ("DEMO-HAT-2", "Hattingen", Function.Code.COUNSELLING, 12, []),
    ("DEMO-HAT-3", "Hattingen", Function.Code.PLACEMENT, 3, ["clear", "place"]),
    ("DEMO-GEV-1", "Gevelsberg", Function.Code.PLACEMENT, 4, []),
    # PS-2.4: the coordination office proposed an agreed solution; the city confirms or rejects it
    ("DEMO-HAT-4", "Hattingen", Function.Code.PLACEMENT, 6, ["clarification", "propose"]),
]


DEMO_GOALS = [
    "Integration in Arbeit: Hilfebedürftigkeit verringern",
    "Langzeitleistungsbezug vermeiden und abbauen",
    "Junge Menschen unter 25 Jahren in Ausbildung und Arbeit bringen",
    "Qualität der Beratung und Leistungsgewährung sichern",
]


def _seed_goals(district, counter):
    """PS-2.1: the overall goals of the JobAgentur EN that notices can name."""
    for title in DEMO_GOALS:
        _get(JobAgenturGoal, {"district": district, "title": title}, {}, counter)


def _seed_notices(district, notices=DEMO_NOTICES, *, coordinator="koordination"):
    """Notices in several states, made through the services so each has its audit trail."""
    coordinator = User.objects.get(username=coordinator)
    for reference, city_name, function_code, days_ago, steps in notices:
        if PlacementNotice.objects.filter(reference=reference).exists():
            continue
        clerk = User.objects.filter(organisation__city__name=city_name, organisation__kind="city").first()
        if clerk is None:
            organisation = Organisation.objects.get(kind=Organisation.Kind.CITY, city__name=city_name)
            clerk = User.objects.create(username=f"clerk-{slugify(city_name)}", organisation=organisation,
                                        is_demo=True, first_name="Demo", last_name=city_name)
        position = (Position.objects.filter(office__city__name=city_name, function__code=function_code)
                    .exclude(notices__state__in=OPEN_STATES)
                    .order_by(F("vacancies__vacated_on").desc(nulls_last=True), "number")  # a vacant one first, on
                    .first())  # every database (PostgreSQL sorts NULL first when descending)
        candidate = {
            "full_name": f"{FIRST_NAMES[len(reference) % 30]} Beispiel-{reference[-1]}",
            "employment": Employment.EMPLOYEE, "grade": position.grade,
            "qualification": Qualification.DEGREE if reference[-1] != "3" else Qualification.EQUIVALENT,
            "qualification_detail": "B.A. Soziale Arbeit" if reference[-1] != "3" else "Verwaltungslehrgang II",
            "professional_background": "Mehrjährige Beratungserfahrung bei einem Bildungsträger; "
                                       "Kenntnisse des regionalen Arbeitsmarkts.",
            "months_experience": 36 if reference[-1] != "3" else 2,
            "induction_planned": reference[-1] == "3",
        }
        notice = services.notice_create(
            by=clerk, position=position, function=position.function, reference=reference,
            planned_start=max(date(2027, 2, 1), timezone.localdate() + timedelta(days=60)),  # PS-2.2: not past
            reason="Nachbesetzung der frei gewordenen Stelle",
            goals_statement="Die Stelle sichert die Vermittlung in Arbeit und die Qualität der Beratung in der "
                            + ("Regionalstelle (Gesamtziele der JobAgentur EN)." if district.slug == "en-kreis"
                               else "Regionalstelle (Ziele des Jobcenters)."),
            goals=list(JobAgenturGoal.objects.filter(district=district, active=True).order_by("pk")[:2]),
            head_involved=position.function.is_leadership,  # PS-2.6: the head joins leadership placements
            candidates=[candidate])
        if days_ago is None:
            continue
        services.notice_submit(notice_id=notice.pk, by=clerk,
                               received_at=timezone.now() - timedelta(days=days_ago))
        for step in steps:
            if step in ("concerns", "clarification"):
                services.notice_raise_objection(
                    notice_id=notice.pk, by=coordinator, kind=step,
                    reason="Die Berufserfahrung ist nicht belegt; bitte Nachweise ergänzen."
                    if step == "clarification" else "Die Qualifikation entspricht nicht PS-1.2.")
            elif step == "escalate":
                services.notice_escalate(notice_id=notice.pk, by=coordinator,
                                         reason="In der Erörterung wurde keine Einigung erzielt.",
                                         participants="Koordinierungsstelle, Personalamt Witten")
            elif step == "propose":
                services.notice_propose_agreement(
                    notice_id=notice.pk, by=coordinator, solution="Besetzung mit Praxiseinweisung vor dem Einsatz.",
                    participants="Koordinierungsstelle, Personalamt Hattingen")
            elif step == "clear":
                services.notice_clear(notice_id=notice.pk, by=coordinator)
            elif step == "place":
                services.notice_place(notice_id=notice.pk, by=clerk, placed_on=timezone.localdate())
