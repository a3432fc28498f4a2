"""Issue 15, point 4: two database roles. The application role (made by `grant_app_role`, neither superuser
nor owner) reads and appends on the append-only tables but cannot UPDATE, DELETE, TRUNCATE, disable their
triggers or switch replication mode; the rows' times come from the database; the application runs under it.

PostgreSQL only (`services`). The test database is created and migrated by the suite's superuser, who owns
the tables here (in production the owner role does): the tests create a uniquely named login role in the
cluster, grant it its rights in the test database, connect as it, and drop it afterwards (also on failure).
"""
import contextlib
import datetime
import secrets
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from psycopg import errors

from ops.dbroles import APPEND_ONLY_TABLES, grant_statements
from planning import services as planning_services
from planning.models import CapConsultation, CapProposal, CapStatement, QuarterlyReport, ReimbursementCap
from planning.quarters import Quarter
from privacy.models import CandidateDataAccess
from privacy.services import record_candidate_access
from reports.models import ExportLog
from staffing import services
from staffing.models import (
    GradeCareerTrackChange,
    NoticeEvent,
    NoticeState,
    PlacementNotice,
    Position,
    PositionChange,
)
from staffing.tasks import run_sweep

from ..factories import cap_consultation
from ..workflow.helpers import complete_draft

PAST = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def _ident(name: str) -> str:
    return connection.ops.quote_name(name)


@contextlib.contextmanager
def _reconnect(conn, **settings):
    """Django's connection with other settings (user, password) for the block; pool and connection renewed."""
    saved = {key: conn.settings_dict.get(key) for key in settings}

    def renew():
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()

    renew()
    conn.settings_dict.update(settings)
    try:
        yield
    finally:
        renew()
        conn.settings_dict.update(saved)


class AppRole:
    def __init__(self, name: str, password: str):
        self.name, self.password = name, password

    def connect(self) -> psycopg.Connection:
        """A real login as the application role (not SET ROLE), autocommit: one statement, one transaction."""
        s = connection.settings_dict
        return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"],
                               user=self.name, password=self.password, autocommit=True)

    def django(self):
        """The application itself (ORM, services) connected as the application role."""
        return _reconnect(connections["default"], USER=self.name, PASSWORD=self.password)


@pytest.fixture
def app_role(transactional_db):
    """A login role unique in the cluster (named after the test database), with the application's rights."""
    name = f"{connection.settings_dict['NAME']}_app_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {_ident(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD "
                       f"'{password}'")
    try:
        call_command("grant_app_role", name, verbosity=0)
        yield AppRole(name, password)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {_ident(name)}")  # its grants and default privileges here
            cursor.execute(f"DROP ROLE {_ident(name)}")


@pytest.fixture
def append_only_rows(witten_office, clerk_witten, coordinator, district_admin, witten, district):
    """One committed row in every append-only table (written by the owner), and a submitted notice."""
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    position = Position.objects.get(pk=notice.position_id)
    PositionChange.objects.create(office=witten_office, position=position, action="created", actor=district_admin)
    GradeCareerTrackChange.objects.create(district=district, grade="A 9", action="created", to_track="gd")
    CandidateDataAccess.objects.create(user=coordinator, notice=notice, candidate_ids=[1], view="test")
    ExportLog.objects.create(user=coordinator, kind=ExportLog.Kind.values[0], file_format="csv", notice=notice)
    QuarterlyReport.objects.create(office=witten_office, year=2025, quarter=4, as_of=datetime.date(2025, 12, 31),
                                   confirmed_by=clerk_witten)
    ReimbursementCap.objects.create(city=witten, year=2026, amount=Decimal("1000"), set_by=district_admin)
    cap_consultation(district, by=district_admin, year=2027, period_ends_on=datetime.date(2026, 12, 31),
                     statements={witten: ("agree", "", clerk_witten)})
    return notice


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for spec in APPEND_ONLY_TABLES:
            cursor.execute(f"SELECT count(*) FROM {_ident(spec.table)}")
            result[spec.table] = cursor.fetchone()[0]
        return result


# --- the grant command ---------------------------------------------------------------------------------

def test_grant_statements_give_append_only_tables_select_and_insert_only():
    sql = grant_statements("app", database="jobagentur")
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" TO \"app\"" in sql
    assert any(s.startswith("ALTER DEFAULT PRIVILEGES") and "ON TABLES" in s for s in sql)
    for spec in APPEND_ONLY_TABLES:
        revoke = f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "public"."{spec.table}" FROM "app"'
        grant = f'GRANT SELECT, INSERT ON "public"."{spec.table}" TO "app"'
        assert sql.index(revoke) < sql.index(grant)  # the narrowing comes after the ordinary grant
    assert 'GRANT UPDATE ("notifications_sent_at") ON "public"."staffing_noticeevent" TO "app"' in sql
    assert grant_statements('a"b', database="d")[1] == 'GRANT USAGE ON SCHEMA "public" TO "a""b"'


@pytest.mark.django_db
def test_grant_command_needs_postgresql_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite answer")
    with pytest.raises(CommandError, match="nur mit PostgreSQL"):
        call_command("grant_app_role", "app")


@pytest.mark.services
@pytest.mark.django_db
def test_grant_command_refuses_a_superuser_an_unknown_role_and_prints_sql(capsys):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        superuser = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="Superuser"):
        call_command("grant_app_role", superuser)
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("grant_app_role", f"no_such_role_{secrets.token_hex(4)}")
    call_command("grant_app_role", "jobagentur_app", "--sql")
    out = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "public"."staffing_noticeevent"' in out
    assert 'GRANT SELECT, INSERT ON "public"."planning_quarterlyreport" TO "jobagentur_app";' in out


# --- what the application role cannot do ---------------------------------------------------------------

@pytest.mark.parametrize("spec", APPEND_ONLY_TABLES, ids=[s.table for s in APPEND_ONLY_TABLES])
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_app_role_cannot_rewrite_an_append_only_table(app_role, append_only_rows, spec):
    before = _counts()
    assert before[spec.table] >= 1
    table = _ident(spec.table)
    refused = [
        f"UPDATE {table} SET id = id",
        f"DELETE FROM {table}",
        f"TRUNCATE {table}",
        f"TRUNCATE {table} CASCADE",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER USER",
        f"DROP TRIGGER IF EXISTS {spec.table}_append_only ON {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE {table} OWNER TO CURRENT_USER",
        f"CREATE TRIGGER x BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION jobagentur_append_only()",
    ]
    if spec.time_column:
        refused.append(f"UPDATE {table} SET {_ident(spec.time_column)} = '2001-01-01'")
    with app_role.connect() as conn:
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = replica")
        assert conn.execute("SHOW session_replication_role").fetchone()[0] == "origin"
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before[spec.table]
    assert _counts() == before
    with connection.cursor() as cursor:  # every trigger still enabled
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                       "AND tgenabled <> 'D'", [spec.table])
        assert cursor.fetchone()[0] == (1 if spec.time_column else 0) + 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_app_role_is_no_superuser_no_owner_and_cannot_become_one(app_role, append_only_rows):
    with app_role.connect() as conn:
        assert conn.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
                            "WHERE rolname = current_user").fetchone() == (False, False, False)
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relowner = "
                            "(SELECT oid FROM pg_roles WHERE rolname = current_user)").fetchone()[0] == 0
        owner = conn.execute("SELECT pg_get_userbyid(relowner) FROM pg_class "
                             "WHERE relname = 'staffing_noticeevent'").fetchone()[0]
        for statement in (f"SET ROLE {_ident(owner)}", f"SET SESSION AUTHORIZATION {_ident(owner)}",
                          "CREATE TABLE forged (id int)", "ALTER SYSTEM SET fsync = off"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_app_role_cannot_change_an_audit_row_beyond_the_outbox_stamp(app_role, append_only_rows):
    event = NoticeEvent.objects.filter(notice=append_only_rows).latest("pk")
    with app_role.connect() as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE staffing_noticeevent SET reason = 'forged' WHERE id = %s", [event.pk])
        # the one column it may write, once (the notifications went out with the submission already)
        assert event.notifications_sent_at is not None
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE staffing_noticeevent SET notifications_sent_at = NULL WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.notifications_sent_at is not None and event.reason == ""


# --- the database's clock ----------------------------------------------------------------------------

@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_app_role_rows_take_the_database_time_whatever_the_insert_says(app_role, append_only_rows, coordinator,
                                                                         district_admin, witten, witten_office,
                                                                         district, clerk_witten):
    notice = append_only_rows
    with app_role.connect() as conn:
        at = conn.execute(
            "INSERT INTO staffing_noticeevent (notice_id, transition, from_state, to_state, at, reason) "
            "VALUES (%s, 'forged', 'informed', 'approved_by_silence', '2001-01-01 00:00+00', 'forged') "
            "RETURNING at", [notice.pk]).fetchone()[0]
        now = conn.execute("SELECT clock_timestamp()").fetchone()[0]
    assert now - datetime.timedelta(seconds=30) < at <= now

    consultation = CapConsultation.objects.create(district=district, year=2028, proposed_by=district_admin,
                                                  period_ends_on=datetime.date(2027, 12, 31))
    with app_role.django():
        start = _database_now()
        rows = [
            NoticeEvent.objects.create(notice=notice, transition="forged", from_state="informed",
                                       to_state="cleared", at=PAST),
            PositionChange.objects.create(office=witten_office, action="created", actor=district_admin, at=PAST),
            GradeCareerTrackChange.objects.create(district=district, grade="A 10", action="created", at=PAST),
            CandidateDataAccess.objects.create(user=coordinator, notice=notice, view="forged", at=PAST),
            QuarterlyReport.objects.create(office=witten_office, year=2024, quarter=1, confirmed_by=clerk_witten,
                                           as_of=datetime.date(2024, 3, 31), confirmed_at=PAST),
            ReimbursementCap.objects.create(city=witten, year=2001, amount=Decimal("1"), set_by=district_admin,
                                            set_at=PAST),
            CapStatement.objects.create(
                proposal=CapProposal.objects.create(consultation=consultation, city=witten, amount=Decimal("2")),
                verdict="agree", stated_by=clerk_witten, stated_at=PAST),
        ]
        end = _database_now()
    for row in rows:
        field = {"QuarterlyReport": "confirmed_at", "ReimbursementCap": "set_at",
                 "CapStatement": "stated_at"}.get(type(row).__name__, "at")
        returned = getattr(row, field)  # the instance holds the stored value (RETURNING), not the forged one
        stored = getattr(type(row).objects.get(pk=row.pk), field)
        assert returned == stored, type(row).__name__
        assert start <= stored <= end, type(row).__name__


def _database_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@pytest.mark.services
@pytest.mark.django_db
def test_owner_keeps_its_times_but_no_role_updates_or_deletes_append_only_rows(append_only_rows, witten,
                                                                               district_admin):
    """The owner (here the suite's superuser) may write a time (seed commands, time-travelling tests); it could
    drop the triggers anyway. Row changes are refused for it too, by the triggers (defence in depth)."""
    cap = ReimbursementCap.objects.create(city=witten, year=2030, amount=Decimal("5"), set_by=district_admin,
                                          set_at=PAST)
    assert ReimbursementCap.objects.get(pk=cap.pk).set_at == PAST
    before = _counts()
    for spec in APPEND_ONLY_TABLES:
        assert before[spec.table] >= 1, spec.table
        table = _ident(spec.table)
        update = "reason = 'forged'" if spec.table == "staffing_noticeevent" else "id = id"
        for statement in (f"UPDATE {table} SET {update}", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(statement)
    assert _counts() == before


# --- the application under the application role ------------------------------------------------------

@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_application_runs_as_the_app_role(app_role, witten_office, clerk_witten, coordinator,
                                              district_admin, witten, district, client):
    consultation = cap_consultation(district, by=district_admin, year=2027,
                                    period_ends_on=timezone.localdate() + datetime.timedelta(days=10))
    proposal = consultation.proposals.get(city=witten)
    with app_role.django():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role.name
        # the workflow: submit, an objection, and a second notice approved by silence by the sweep
        notice = complete_draft(witten_office, clerk_witten)
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
        services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="concerns", reason="PS-1.2")
        silent = complete_draft(witten_office, clerk_witten)
        services.notice_submit(notice_id=silent.pk, by=clerk_witten)
        PlacementNotice.objects.filter(pk=silent.pk).update(period_ends_at=timezone.now() - datetime.timedelta(1))
        result = run_sweep()
        call_command("process_deadlines", verbosity=0)
        # a page through the whole middleware stack (session, throttling, the record of access)
        client.force_login(coordinator)
        page = client.get(reverse("staffing:notice_detail", args=[notice.pk]), secure=True)
        record_candidate_access(user=coordinator, notice_id=notice.pk, view="notice_detail")
        planning_services.report_confirm(by=clerk_witten, quarter=Quarter.last_ended_before(timezone.localdate()))
        planning_services.cap_set(city_id=witten.pk, by=district_admin, year=timezone.localdate().year + 2,
                                  amount=Decimal("240000"), reason="Korrektur")
        planning_services.cap_statement_record(proposal_id=proposal.pk, by=clerk_witten, verdict="agree")
    assert page.status_code == 200
    assert result["approved"] == 1
    assert PlacementNotice.objects.get(pk=silent.pk).state == NoticeState.APPROVED_BY_SILENCE
    assert PlacementNotice.objects.get(pk=notice.pk).state == NoticeState.CONSULTATION
    assert NoticeEvent.objects.filter(notice__in=[notice, silent]).count() == 4
    assert not NoticeEvent.objects.filter(notice__in=[notice, silent], notifications_sent_at__isnull=True).exists()
    assert CandidateDataAccess.objects.filter(notice=notice).count() == 2  # the page's and the service's
    assert QuarterlyReport.objects.filter(office=witten_office).count() == 1
    assert ReimbursementCap.objects.filter(city=witten).count() == 1
    assert CapStatement.objects.filter(proposal=proposal).count() == 1
