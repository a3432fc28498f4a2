"""National-scale data for benchmarks (issue 7, issue 16 point 5): N districts of ten cities each,
every city with 110 positions and 100 staff, and placement notices over ten years in every state with
their audit trail, in the real spread of district sizes: a few large districts, many small ones (other apps
add their own rows per district through `hooks.scale_district_seeding`: planning's training, coaching,
quarterly reports and caps).

District sizes follow a Zipf law over a fixed rank (`notices_in_district`): district 1 is the largest
(40,000 notices), the district of rank r has 40,000 / r^0.572 (rounded to whole tens), and the ranks of
districts 2–300 are a fixed permutation, so large and small districts are mixed among the first ten.
10 districts hold 109,590 notices, 100 districts 479,240, 300 districts 1,002,600 (three with
20,000 or more, the smallest 1,530).
`--scale 0.05` shrinks every district by that factor (for quick runs and the tests).
Idempotent: each district is written in one transaction under a natural key (slug `bench-dNNN`);
a district that exists is skipped, so a second run with the same N changes nothing. The data of a
district is drawn from a random generator seeded with its number, so it does not depend on N.
On PostgreSQL the large tables are written with COPY (psycopg 3); elsewhere with bulk_create.
All accounts are demo accounts (password `bench`): they log in only while DEMO_LOGINS_ENABLED.
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from staffing import hooks
from staffing.models import (
    Candidate,
    City,
    District,
    Employment,
    Function,
    Induction,
    NoticeEvent,
    NoticeState,
    Notification,
    ObjectionKind,
    Office,
    Organisation,
    PlacementNotice,
    Position,
    Qualification,
    StaffMember,
    User,
    Vacancy,
)

from .seed_demo import CAREER, DEGREES, FIRST_NAMES, FUNCTIONS, LAST_NAMES, STAFFING

BERLIN = ZoneInfo("Europe/Berlin")
CITIES_PER_DISTRICT = 10
STAFF_PER_CITY = 100
VACANT_PER_CITY = 10
MIN_NOTICES_PER_CITY = 20  # the open notices of OPEN_MIX and a few closed ones
LARGEST_DISTRICT = 40_000  # notices of district 1
ZIPF_EXPONENT = 0.572  # chosen so that 300 districts hold one million notices (±1 %)
PERMUTED_DISTRICTS = 300  # districts 2..300 get their rank from a fixed permutation; beyond: rank = number
YEARS = 10
PASSWORD = "bench"
# Positions per city by function: 1 head, 6 team leads, 40 placement, 13 counselling, 50 benefits = 110.
POSITION_PLAN = [(Function.Code.OFFICE_HEAD, 1), (Function.Code.TEAM_LEAD, 6), (Function.Code.PLACEMENT, 40),
                 (Function.Code.COUNSELLING, 13), (Function.Code.BENEFITS, 50)]
# The newest notices of each city are still open, one per position (the partial unique constraint);
# every open state appears in every city.
OPEN_MIX = [NoticeState.DRAFT, NoticeState.DRAFT, NoticeState.INFORMED, NoticeState.INFORMED, NoticeState.INFORMED,
            NoticeState.CLEARED, NoticeState.APPROVED_BY_SILENCE, NoticeState.APPROVED_BY_SILENCE,
            NoticeState.CONSULTATION, NoticeState.AGREEMENT_PROPOSED, NoticeState.AGREED, NoticeState.ESCALATED,
            NoticeState.DECIDED]
CITY_NAMES = ["Altstadt", "Neuhausen", "Bergheim", "Talbrück", "Rosenfeld", "Eichwald", "Lindenau", "Steinbach",
              "Mühlental", "Hohenau"]


def district_rank(index: int) -> int:
    """The size rank of a district (1 = largest): district 1 is rank 1; districts 2..300 are spread over
    ranks 2..300 by a fixed permutation ((index - 1) * 100 mod 299, 299 = 13 * 23 is coprime to 100), so
    every prefix of districts mixes large and small ones; beyond 300 the rank is the number."""
    if index == 1 or index > PERMUTED_DISTRICTS:
        return index
    return 2 + ((index - 1) * 100) % (PERMUTED_DISTRICTS - 1)


def notices_per_city(index: int, scale: float = 1.0) -> int:
    """Issue 16, point 5: notices of each of the district's ten cities, Zipf by rank (deterministic)."""
    district = LARGEST_DISTRICT / district_rank(index) ** ZIPF_EXPONENT
    return max(MIN_NOTICES_PER_CITY, round(district * scale / CITIES_PER_DISTRICT))


def notices_in_district(index: int, scale: float = 1.0) -> int:
    return notices_per_city(index, scale) * CITIES_PER_DISTRICT


def planned_notices(districts: int, scale: float = 1.0) -> int:
    """Notices of districts 1..N (fixed for every N: 10, 100, 300 -> 1,002,600)."""
    return sum(notices_in_district(i, scale) for i in range(1, districts + 1))


def district_slug(index: int) -> str:
    return f"bench-d{index:03d}"


def username(district: int, role: str, n: int = 1, city: int | None = None) -> str:
    """Natural keys of the bench accounts, e.g. d001-c01-clerk1, d001-koordination1."""
    prefix = f"d{district:03d}" + (f"-c{city:02d}" if city is not None else "")
    return f"{prefix}-{role}{n}"


class Command(BaseCommand):
    help = "Legt Massendaten für Lasttests an (idempotent): --districts N Kreise mit je zehn Städten."

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, default=10,
                            help="Anzahl der Kreise (je 10 Städte, 1.000 Mitarbeitende; Kreis 1 mit 40.000 "
                                 "Mitteilungen, 300 Kreise mit 1 Mio.)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Faktor für die Zahl der Mitteilungen je Kreis (z. B. 0.05 für einen kurzen Lauf)")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Stichtag der Daten (Vorgabe: heute); die zehn Jahre enden hier")

    def handle(self, *args, districts, today, scale=1.0, **options):
        started = time.monotonic()
        today = date.fromisoformat(today) if isinstance(today, str) else (today or date.today())
        functions = _functions()
        password = make_password(PASSWORD)
        existing = set(District.objects.filter(slug__startswith="bench-d").values_list("slug", flat=True))
        todo = [i for i in range(1, districts + 1) if district_slug(i) not in existing]
        todo_notices = sum(notices_in_district(i, scale) for i in todo)
        self.stdout.write(f"{districts} Kreise, {planned_notices(districts, scale):,} Mitteilungen geplant; "
                          f"{len(todo)} Kreise mit {todo_notices:,} Mitteilungen anzulegen")
        created = notices = rows_total = 0
        for index in todo:
            t0 = time.monotonic()
            with transaction.atomic():
                rows = DistrictSeeder(index, today=today, functions=functions, password=password,
                                      per_city=notices_per_city(index, scale)).run()
            created += 1
            notices += notices_in_district(index, scale)
            rows_total += rows
            elapsed = time.monotonic() - started
            remaining = elapsed / notices * (todo_notices - notices) if notices else 0
            self.stdout.write(f"Kreis {index:3d} ({created}/{len(todo)}): {notices_in_district(index, scale):,} "
                              f"Mitteilungen, {rows:,} Zeilen in {time.monotonic() - t0:.1f} s | gesamt "
                              f"{notices:,}/{todo_notices:,} Mitteilungen, {rows_total / elapsed:,.0f} Zeilen/s, "
                              f"noch etwa {remaining:.0f} s")
            self.stdout.flush()
        if created and connection.vendor == "postgresql":
            self._settle()
        self.stdout.write(self.style.SUCCESS(
            f"{districts} Kreise bereit ({created} neu angelegt) in {time.monotonic() - started:.0f} s. "
            f"Anmeldung z. B. d001-c01-clerk1, d001-koordination1, d001-kreis1, d001-leitung1 – Passwort: {PASSWORD} "
            "(nur solange DEMO_LOGINS_ENABLED)"))

    def _settle(self) -> None:
        """Issue 16, point 8: leave the database as autovacuum would, before anything measures it. A bulk load
        leaves the visibility map empty (index-only scans read the heap) and the rows without hint bits (the
        first readers write them): autovacuum catches up later, on its own schedule, in the middle of a
        measurement. `VACUUM (ANALYZE)` does that work now (and refreshes the planner's statistics); inside a
        transaction (a test) VACUUM is not allowed and only ANALYZE runs."""
        t0 = time.monotonic()
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        self.stdout.write(f"{statement} (Datenbank wie nach autovacuum) in {time.monotonic() - t0:.0f} s")


def _functions() -> dict[str, Function]:
    result = {}
    for code, name, leadership, notice, order in FUNCTIONS:
        result[code], _ = Function.objects.get_or_create(code=code, defaults={
            "name": name, "is_leadership": leadership, "requires_notice": notice, "sort_order": order})
    return result


class Table:
    """Rows of one model, written at the end with COPY (PostgreSQL; JSON columns as jsonb) or bulk_create; ids
    allocated up front."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField):
                self.defaults[f.attname] = ""
        self.rows: list[dict] = []

    def add(self, **values) -> dict:
        row = {**self.defaults, **values}
        self.rows.append(row)
        return row

    def assign_ids(self) -> None:
        todo = [row for row in self.rows if row.get("id") is None]
        for row, pk in zip(todo, _allocate_ids(self.model, len(todo)), strict=True):
            row["id"] = pk

    def write(self) -> int:
        if not self.rows:
            return 0
        self.assign_ids()
        columns = [f.column for f in self.fields]
        attnames = [f.attname for f in self.fields]
        if connection.vendor == "postgresql":
            from psycopg import sql
            from psycopg.types.json import Jsonb

            json = {a for f, a in zip(self.fields, attnames, strict=True) if isinstance(f, models.JSONField)}
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(self.model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns)))
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in self.rows:
                    copy.write_row([Jsonb(row[a]) if a in json and row[a] is not None else row[a]
                                    for a in attnames])
        else:
            self.model.objects.bulk_create([self.model(**{a: row[a] for a in attnames}) for row in self.rows],
                                           batch_size=500)
        count = len(self.rows)
        self.rows = []
        return count


def _allocate_ids(model, n: int) -> list[int]:
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - a model's own table name
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))


def _aware(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), BERLIN)


def _period_end(received: datetime) -> tuple[datetime, date]:
    """The end of a one-week period, simplified: weekends move it to Monday (no holiday table here)."""
    last = received.date() + timedelta(days=7)
    while last.weekday() >= 5:
        last += timedelta(days=1)
    return datetime.combine(last + timedelta(days=1), dtime.min, BERLIN), last


class DistrictSeeder:
    """One district: deterministic, drawn from Random(index)."""

    def __init__(self, index: int, *, today: date, functions: dict[str, Function], password: str,
                 per_city: int | None = None):
        self.i = index
        self.per_city = per_city or notices_per_city(index)
        self.today = today
        self.functions = functions
        self.password = password
        self.now = _aware(today, 8)
        self.rng = random.Random(f"seed_scale-{index}")
        # benchmark rows in bulk (COPY), not through staffing.records: no user's write, no rules of their own
        self.positions = Table(Position)
        self.staff = Table(StaffMember)
        self.vacancies = Table(Vacancy)
        self.notices = Table(PlacementNotice)
        self.candidates = Table(Candidate)
        self.events = Table(NoticeEvent)
        self.notifications = Table(Notification)
        self.regional = []  # (office, clerk ids) of the cities, for the other apps' rows (hooks)
        self.extra_links: list[tuple[Table, dict]] = []

    def run(self) -> int:
        i = self.i
        district = District.objects.create(name=f"Kreis {i:03d} (Lasttest)", slug=district_slug(i))
        coordination_office = Office.objects.create(kind=Office.Kind.COORDINATION, district=district,
                                                    name=f"Koordinierungsstelle Kreis {i:03d}")
        organisations = {kind: Organisation.objects.create(kind=kind, district=district, name=f"{label} {i:03d}")
                         for kind, label in [(Organisation.Kind.COORDINATION, "Koordinierungsstelle Kreis"),
                                             (Organisation.Kind.DISTRICT_ADMIN, "Kreisverwaltung Kreis"),
                                             (Organisation.Kind.MANAGEMENT, "Leitung der JobAgentur Kreis")]}
        users = [self._user(username(i, "koordination", n), organisations[Organisation.Kind.COORDINATION])
                 for n in (1, 2, 3)]
        users.append(self._user(username(i, "kreis"), organisations[Organisation.Kind.DISTRICT_ADMIN]))
        users.append(self._user(username(i, "leitung"), organisations[Organisation.Kind.MANAGEMENT]))
        self.coordinators, self.admin, self.head = users[:3], users[3], users[4]
        cities = []
        for c in range(1, CITIES_PER_DISTRICT + 1):
            name = f"{CITY_NAMES[c - 1]} ({i:03d})"
            city = City.objects.create(district=district, name=name, slug=f"d{i:03d}-c{c:02d}")
            org = Organisation.objects.create(kind=Organisation.Kind.CITY, district=district, city=city,
                                              name=f"Stadt {name} – Personalamt")
            office = Office.objects.create(kind=Office.Kind.REGIONAL, district=district, city=city,
                                           name=f"Regionalstelle {name}")
            clerks = [self._user(username(i, "clerk", n, city=c), org) for n in (1, 2)]
            users.extend(clerks)
            cities.append((c, office, clerks))
        User.objects.bulk_create(users)
        users = {u.username: u for u in User.objects.filter(username__startswith=f"d{i:03d}-")}
        self.coordinator_ids = [users[u.username].pk for u in self.coordinators]
        self.admin_id, self.head_id = users[self.admin.username].pk, users[self.head.username].pk
        self.coordinators_and_head = [*self.coordinator_ids, self.head_id]
        for c, office, clerks in cities:
            self._city(c, office, coordination_office, [users[u.username].pk for u in clerks])
        self._staff(coordination_office, "KOO", [(Function.Code.TEAM_LEAD, 1), (Function.Code.PLACEMENT, 2),
                                                 (Function.Code.COUNSELLING, 2)], staffed=5)
        tables = [self.positions, self.staff, self.vacancies, self.notices, self.candidates, self.events,
                  self.notifications]
        # the other apps' rows (e.g. planning's training), drawn after the core's from the same stream
        for _receiver, extra in hooks.scale_district_seeding.send(sender=DistrictSeeder, seeder=self,
                                                                  district=district):
            for table, links in extra or []:
                tables.append(table)
                self.extra_links.append((table, links))
        for table in tables:  # notices before their events: ids are needed by the children
            table.assign_ids()
        self._link_children()
        return (len(users) + 3 + 3 * CITIES_PER_DISTRICT + 1) + sum(t.write() for t in tables)

    def _user(self, name: str, organisation: Organisation) -> User:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return User(username=name, first_name=first, last_name=last, email=f"{name}@bench.jobagentur.example",
                    organisation=organisation, is_demo=True, password=self.password)

    # -- positions, staff, vacancies ------------------------------------------------------------
    def _staff(self, office: Office, code: str, plan, *, staffed: int) -> list[dict]:
        rng = self.rng
        positions = []
        number = 0
        for function_code, count in plan:
            title, grade_cs, grade_emp, _unit = STAFFING[function_code]
            for _ in range(count):
                number += 1
                civil_servant = rng.random() < 0.4
                fte = Decimal("1.000") if rng.random() < 0.75 else Decimal(rng.choice(["0.500", "0.750", "0.800"]))
                positions.append(self.positions.add(
                    office_id=office.pk, function_id=self.functions[function_code].pk, number=f"{code}-{number:03d}",
                    title=title, grade=grade_cs if civil_servant else grade_emp, fte=fte, is_active=True,
                    _civil=civil_servant, _code=function_code))
        order = list(range(len(positions)))
        rng.shuffle(order)
        for k, p in enumerate(order):
            position = positions[p]
            if k >= staffed:
                position["_vacant"] = True
                continue
            self._staff_member(office, position)
        return positions

    def _staff_member(self, office: Office, position: dict) -> None:
        rng = self.rng
        benefits = position["_code"] == Function.Code.BENEFITS
        civil = position["_civil"]
        qualification = (Qualification.CAREER_TRAINING if benefits and civil else
                         Qualification.EQUIVALENT if benefits else
                         rng.choice([Qualification.DEGREE] * 4 + [Qualification.EQUIVALENT]))
        months = rng.choice([0, 3, 6, 12, 24, 36, 60, 120])
        joined = date(self.today.year - rng.randint(0, 20), rng.randint(1, 12), 1)
        self.staff.add(
            office_id=office.pk, position=position, function_id=position["function_id"],
            first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES),
            employment=Employment.CIVIL_SERVANT if civil else Employment.EMPLOYEE, grade=position["grade"],
            fte=position["fte"], qualification=qualification,
            qualification_detail=rng.choice(CAREER) if benefits else rng.choice(DEGREES), months_experience=months,
            induction=Induction.COMPLETED if months < 6 else Induction.NOT_NEEDED,
            area_of_deployment=rng.choice(["U25", "Ü25", "Selbstständige", "Reha/SB", "Eingangszone", ""]),
            training_notes=rng.choice(["", "Grundlagen SGB II", "Gesprächsführung", "Fallmanagement-Zertifikat"]),
            joined_on=min(joined, self.today))

    def _city(self, c: int, office: Office, coordination_office: Office, clerk_ids: list[int]) -> None:
        self.regional.append((office, clerk_ids))
        positions = self._staff(office, f"C{c:02d}", POSITION_PLAN, staffed=STAFF_PER_CITY)
        vacant = [p for p in positions if p.get("_vacant")]
        for p in vacant:
            vacated = self.today - timedelta(days=self.rng.randint(5, 200))
            p["_vacancy"] = self.vacancies.add(position=p, vacated_on=vacated, refilled_on=None,
                                               reason=self.rng.choice(["Ruhestand", "Elternzeit", "Kündigung",
                                                                       "Wechsel in andere Dienststelle"]))
        self._notices(office, positions, vacant, clerk_ids)

    # -- notices and their audit trail ----------------------------------------------------------
    def _notices(self, office: Office, positions: list[dict], vacant: list[dict], clerk_ids: list[int]) -> None:
        rng = self.rng
        notice_positions = [p for p in positions if p["_code"] != Function.Code.BENEFITS]
        start = self.today - timedelta(days=365 * YEARS)
        closed = self.per_city - len(OPEN_MIX)
        # closed notices spread over ten years (up to 60 days ago), then the open ones in the last weeks
        days = sorted(rng.randint(0, 365 * YEARS - 60) for _ in range(closed))
        open_positions = ([p for p in vacant if p["_code"] != Function.Code.BENEFITS]
                          + [p for p in notice_positions if not p.get("_vacant")])[:len(OPEN_MIX)]
        plan = [(start + timedelta(days=d), rng.choices(
            [NoticeState.PLACED, NoticeState.WITHDRAWN], weights=[88, 12])[0], rng.choice(notice_positions))
            for d in days]
        for k, state in enumerate(OPEN_MIX):
            age = {NoticeState.DRAFT: 2, NoticeState.INFORMED: 3}.get(state, 20)
            plan.append((self.today - timedelta(days=age + k % 3), state, open_positions[k]))
        for number, (created_on, state, position) in enumerate(plan, start=1):
            self._notice(office, position, number, created_on, state, clerk_ids)

    def _notice(self, office, position, number, created_on, state, clerk_ids) -> None:
        rng = self.rng
        clerk = rng.choice(clerk_ids)
        created = _aware(created_on, rng.randint(7, 15), rng.randint(0, 59))
        leadership = position["_code"] in (Function.Code.OFFICE_HEAD, Function.Code.TEAM_LEAD)
        head_involved = leadership and rng.random() < 0.3
        vacancy = position.get("_vacancy") if state not in (NoticeState.PLACED, NoticeState.WITHDRAWN) else None
        notice = self.notices.add(  # bulk: the district as PlacementNotice.save() sets it (issue 16)
            office_id=office.pk, district_id=office.district_id, position=position,
            function_id=position["function_id"], vacancy=vacancy,
            reference=f"{created_on.year}/{number:04d}", planned_start=created_on + timedelta(days=rng.randint(30, 90)),
            reason=rng.choice(["Nachbesetzung nach Ruhestand", "Nachbesetzung nach Wechsel", "Stellenmehrung",
                               "Rückkehr aus Elternzeit"]),
            goals_statement="Die Besetzung sichert die Beratung und Vermittlung nach den Zielen der JobAgentur EN.",
            head_involved=head_involved, state=state, created_by_id=clerk, created_at=created, updated_at=created)
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            self.candidates.add(
                notice=notice, full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                employment=rng.choice(Employment.values), grade=position["grade"],
                qualification=rng.choice([Qualification.DEGREE] * 3 + [Qualification.CAREER_TRAINING]),
                qualification_detail=rng.choice(DEGREES), months_experience=rng.choice([6, 12, 24, 60]),
                professional_background="Beratung und Vermittlung im SGB II", is_selected=False,
                induction_planned=False)
        if state == NoticeState.DRAFT:
            return
        received = created + timedelta(hours=2)
        ends_at, last_day = _period_end(received)
        notice.update(received_at=received, period_ends_at=ends_at, period_last_day=last_day,
                      reminder_due_at=ends_at - timedelta(days=2),
                      reminder_sent_at=ends_at - timedelta(days=2) if ends_at < _aware(self.today) else None)
        at = self._event(notice, clerk, "submit", NoticeState.DRAFT, NoticeState.INFORMED, received)
        if state == NoticeState.INFORMED:
            return
        coordinator = rng.choice(self.coordinator_ids)
        if state == NoticeState.WITHDRAWN:
            self._event(notice, clerk, "withdraw", NoticeState.INFORMED, state, at + timedelta(days=2))
            return
        path = {NoticeState.CLEARED: "clear", NoticeState.APPROVED_BY_SILENCE: "silence",
                NoticeState.CONSULTATION: "object", NoticeState.AGREEMENT_PROPOSED: "object",
                NoticeState.AGREED: "object", NoticeState.ESCALATED: "object",
                NoticeState.DECIDED: "object"}.get(state)
        path = path or rng.choices(["clear", "silence", "object"], [40, 45, 15])[0]
        if path == "clear":
            at = self._event(notice, coordinator, "clear", NoticeState.INFORMED, NoticeState.CLEARED,
                             at + timedelta(days=rng.randint(1, 5)))
            before_place = NoticeState.CLEARED
        elif path == "silence":
            at = self._event(notice, None, "approve_by_silence", NoticeState.INFORMED, NoticeState.APPROVED_BY_SILENCE,
                             ends_at + timedelta(minutes=1),
                             reason=f"Keine Reaktion innerhalb der Wochenfrist bis {last_day:%d.%m.%Y}: die "
                                    "Stellenbesetzung kann vollzogen werden (PS-2.3).")
            before_place = NoticeState.APPROVED_BY_SILENCE
        else:
            kind = rng.choice(ObjectionKind.values)
            text = "Qualifikation nach PS-1.1 nicht nachgewiesen" if kind == "concerns" else "Bitte Werdegang ergänzen"
            notice.update(objection_kind=kind, objection_reason=text)
            at = self._event(notice, coordinator, "raise_objection", NoticeState.INFORMED, NoticeState.CONSULTATION,
                             at + timedelta(days=rng.randint(1, 5)), reason=text)
            if state == NoticeState.CONSULTATION:
                return
            if state == NoticeState.AGREEMENT_PROPOSED:  # PS-2.4: proposed by the district side, awaiting the city
                notice.update(agreed_solution="Praxiseinweisung von sechs Monaten", agreement_proposed_side="district",
                              consultation_participants="Koordinierungsstelle, Personalamt")
                self._event(notice, coordinator, "propose_agreement", NoticeState.CONSULTATION, state,
                            at + timedelta(days=rng.randint(3, 14)), reason="Praxiseinweisung von sechs Monaten")
                return
            escalate = state in (NoticeState.ESCALATED, NoticeState.DECIDED) or (
                state == NoticeState.PLACED and rng.random() < 0.2)
            if not escalate:
                notice.update(agreed_solution="Praxiseinweisung von sechs Monaten", consultation_participants=(
                    "Koordinierungsstelle, Personalamt"))
                at = self._event(notice, coordinator, "agree", NoticeState.CONSULTATION, NoticeState.AGREED,
                                 at + timedelta(days=rng.randint(3, 14)), reason="Praxiseinweisung von sechs Monaten")
                before_place = NoticeState.AGREED
            else:
                notice.update(escalation_reason="Keine Einigung über die Qualifikation")
                at = self._event(notice, coordinator, "escalate", NoticeState.CONSULTATION, NoticeState.ESCALATED,
                                 at + timedelta(days=rng.randint(3, 14)), reason="Keine Einigung")
                if state == NoticeState.ESCALATED:
                    return
                notice.update(decision_kind="conditions", directive="Besetzung nur mit Praxiseinweisung",
                              placement_permitted=True)
                at = self._event(notice, self.admin_id, "decide", NoticeState.ESCALATED, NoticeState.DECIDED,
                                 at + timedelta(days=rng.randint(3, 20)), reason="Besetzung nur mit Praxiseinweisung")
                before_place = NoticeState.DECIDED
        if state != NoticeState.PLACED:
            return
        placed = at + timedelta(days=rng.randint(5, 40))
        notice["placed_on"] = placed.date()
        self._event(notice, clerk, "place", before_place, NoticeState.PLACED, placed,
                    reason=f"besetzt zum {placed:%d.%m.%Y}")

    def _event(self, notice, actor, transition, from_state, to_state, at, reason="") -> datetime:
        at = min(at, self.now)
        event = self.events.add(notice=notice, actor_id=actor, transition=transition, from_state=from_state,
                                to_state=to_state, at=at, reason=reason, notifications_sent_at=at)
        notice["updated_at"] = max(notice["updated_at"], at)
        # recent events carry in-app notifications for the district side (the unread count in the frame)
        if at.date() >= self.today - timedelta(days=90) and to_state in (NoticeState.INFORMED,
                                                                          NoticeState.APPROVED_BY_SILENCE):
            for recipient in self.coordinators_and_head[:3]:
                self.notifications.add(
                    recipient_id=recipient, notice=notice, event=event, kind=to_state if to_state != "informed"
                    else Notification.Kind.SUBMITTED, subject=f"Mitteilung {notice['reference']}",
                    body="Bitte prüfen Sie die Mitteilung.", created_at=at,
                    read_at=at + timedelta(days=1) if self.rng.random() < 0.7 else None, emailed_at=at)
        return at

    def _link_children(self) -> None:
        """Replace row references (dicts) by the ids allocated for them."""
        for table, links in [(self.staff, {"position": "position_id"}),
                             (self.vacancies, {"position": "position_id"}),
                             (self.notices, {"position": "position_id", "vacancy": "vacancy_id"}),
                             (self.candidates, {"notice": "notice_id"}),
                             (self.events, {"notice": "notice_id"}),
                             (self.notifications, {"notice": "notice_id", "event": "event_id"}),
                             *self.extra_links]:
            for row in table.rows:
                for key, attname in links.items():
                    ref = row.pop(key, None)
                    row[attname] = ref["id"] if ref is not None else None
