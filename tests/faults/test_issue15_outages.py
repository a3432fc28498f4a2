"""Issue 15, point 9: Redis stopped (not flushed) for a while as users submit, object and deadlines pass;
PostgreSQL restarted under the running application. Nothing lost, nothing approved twice, a German page
answers during the outage and users go on afterwards.

Every service stopped here is a private instance on a spare port started by the test (a redis-server;
a PostgreSQL cluster made by initdb in a temporary folder); the shared 5432/6379 are never touched.
The measured outcomes are printed (run with -s to see them) for the issue's closing note.
"""
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobagentur.celery import app as celery_app
from ops.services import SWEEP_HEARTBEAT
from staffing import notifications, services
from staffing.models import NoticeEvent, NoticeState, Notification, PlacementNotice
from tests.factories import CandidateFactory, PlacementNoticeFactory, PositionFactory

from .helpers import Beat, PrivateRedis, Worker, broker, free_port, wait_until

pytestmark = [pytest.mark.services]

# the outage lasts this long in wall time (issue: "several minutes", compressed: it spans a sweep that
# beat could not hand out, deadlines passing, a cron sweep, and submissions and objections)
REDIS_OUTAGE_SECONDS = 65


def complete_draft(office):
    notice = PlacementNoticeFactory(position=PositionFactory(office=office))
    CandidateFactory(notice=notice)
    return notice


def timed(client, method, url, data=None):
    started = time.monotonic()
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    return response, round(time.monotonic() - started, 2)


def mails_in(folder: Path) -> int:
    """Messages the file-based mail backend of the worker wrote (one Message-ID header each)."""
    return sum(len(re.findall(r"^Message-ID: ", f.read_text(errors="replace"), flags=re.M))
               for f in folder.glob("*") if f.is_file())


@pytest.fixture
def outage_redis():
    server = PrivateRedis(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_transport_options():
    """The Redis transport options of the settings (socket timeouts), also when this test process was started
    with the embedded broker's settings."""
    previous = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {"socket_timeout": settings.BROKER_SOCKET_TIMEOUT,
                                                "socket_connect_timeout": settings.BROKER_SOCKET_TIMEOUT}
    notifications.reset_broker_state()
    try:
        yield
    finally:
        celery_app.conf.broker_transport_options = previous
        notifications.reset_broker_state()


# --- 1. Redis stopped (SIGSTOP: hung, nothing flushed) during submissions, objections and deadlines ------

@pytest.mark.django_db(transaction=True)
def test_redis_stopped_for_a_minute_loses_nothing_and_approves_each_due_notice_once(
        outage_redis, redis_transport_options, witten_office, clerk_witten, coordinator, mailoutbox, tmp_path):
    report = {}
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    processes = []
    with broker(outage_redis.url):
        # notices in their period: A ends during the outage without reaction (approved later, once; A1 by an
        # operator's `process_deadlines` during the outage, A2 by beat and the worker afterwards), B gets
        # "Bedenken" during the outage (never approved), C are drafts submitted during the outage
        informed = [complete_draft(witten_office) for _ in range(11)]
        for notice in informed:
            services.notice_submit(notice_id=notice.pk, by=clerk_witten)
        group_a1, group_a2, group_b = informed[:4], informed[4:8], informed[8:]
        group_c = [complete_draft(witten_office) for _ in range(4)]
        worker_env = {"EMAIL_URL": f"filemail:///{mail_dir}"}
        try:
            worker = Worker(outage_redis.url, extra_env=worker_env, stderr=subprocess.DEVNULL)
            processes.append(worker)
            beat = Beat(outage_redis.url, tmp_path / "beat-schedule", extra_env=worker_env,
                        stderr=subprocess.DEVNULL)
            processes.append(beat)
            # the pipeline is live: beat handed out a sweep and the worker ran it
            from ops.models import Heartbeat
            wait_until(lambda: Heartbeat.objects.filter(name=SWEEP_HEARTBEAT).exists(), timeout=90, interval=0.5,
                       message="beat and worker did not run a sweep before the outage")
            wait_until(lambda: not NoticeEvent.objects.filter(notifications_sent_at__isnull=True).exists(),
                       timeout=60, interval=0.5, message="submissions before the outage were not delivered")

            clerk, coord = Client(), Client()
            clerk.force_login(clerk_witten)
            coord.force_login(coordinator)
            start = timezone.now()
            PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a1]).update(
                period_ends_at=start + datetime.timedelta(seconds=15))
            PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a2 + group_b]).update(
                period_ends_at=start + datetime.timedelta(seconds=45))

            outage_started = time.monotonic()
            outage_redis.pause()
            answers = Counter()
            durations = []
            for notice in group_c:
                response, took = timed(clerk, "post", reverse("staffing:notice_action", args=[notice.pk, "submit"]),
                                       {"submit-seen_state": "draft", "submit-confirm": "on"})
                answers[f"submit {response.status_code}"] += 1
                durations.append(took)
                assert response.status_code == 302, response.content.decode()[:500]
            for notice in group_b:
                response, took = timed(coord, "post",
                                       reverse("staffing:notice_action", args=[notice.pk, "raise_concerns"]),
                                       {"raise_concerns-seen_state": "informed",
                                        "raise_concerns-reason": "Qualifikation fehlt"})
                answers[f"Bedenken {response.status_code}"] += 1
                durations.append(took)
                assert response.status_code == 302, response.content.decode()[:500]
            pages = [reverse("staffing:home"), reverse("staffing:notice_list"),
                     reverse("staffing:notice_detail", args=[group_c[0].pk]), reverse("staffing:notification_list")]
            for url in pages:
                for client in (clerk, coord):
                    response, took = timed(client, "get", url)
                    answers[f"page {response.status_code}"] += 1
                    durations.append(took)
                    assert response.status_code == 200, url
            health, took = timed(Client(), "get", "/health/")
            report["health during outage"] = (health.status_code, health.json()["checks"]["broker"]["ok"], took)
            assert health.status_code == 503 and health.json()["checks"]["broker"]["ok"] is False

            # the deadline of A1 has passed; an operator runs the sweep by hand (cron fallback): no broker needed
            wait_until(lambda: timezone.now() > start + datetime.timedelta(seconds=16), timeout=30, interval=0.2)
            assert PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a1],
                                                  state=NoticeState.INFORMED).count() == 4, \
                "nothing sweeps during the outage: beat cannot hand out the sweep"
            sweep_started = time.monotonic()
            call_command("process_deadlines", stdout=io.StringIO())
            report["process_deadlines during outage (s)"] = round(time.monotonic() - sweep_started, 2)
            assert PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a1],
                                                  state=NoticeState.APPROVED_BY_SILENCE).count() == 4
            # the deadline of A2 passes during the outage too; nobody sweeps it until Redis is back
            wait_until(lambda: time.monotonic() - outage_started >= REDIS_OUTAGE_SECONDS,
                       timeout=REDIS_OUTAGE_SECONDS + 5, interval=0.5)
            a2_waiting = PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a2],
                                                        state=NoticeState.INFORMED).count()
            report["A2 due and still waiting at the end of the outage"] = a2_waiting
            outage_redis.resume()
            report["outage (s)"] = round(time.monotonic() - outage_started, 1)
            recovered = time.monotonic()

            # beat's next sweep (or the worker's outbox) approves A2 and delivers what waited
            wait_until(lambda: PlacementNotice.objects.filter(pk__in=[n.pk for n in group_a2],
                                                              state=NoticeState.APPROVED_BY_SILENCE).count() == 4,
                       timeout=150, interval=0.5, message="A2 was not approved after Redis came back")
            report["A2 approved after Redis is back (s)"] = round(time.monotonic() - recovered, 1)
            wait_until(lambda: not NoticeEvent.objects.filter(notifications_sent_at__isnull=True).exists()
                       and not Notification.objects.filter(emailed_at__isnull=True).exclude(recipient__email="")
                       .exists(), timeout=150, interval=0.5, message="notifications were not all delivered")
            report["everything delivered after Redis is back (s)"] = round(time.monotonic() - recovered, 1)
            time.sleep(3)  # late copies of publishes that timed out during the outage land now: they add nothing
        finally:
            for process in processes:
                process.stop()

    report["answers during outage"] = dict(answers)
    report["slowest request during outage (s)"] = max(durations)
    # users were answered quickly: at most one request per process waited for the broker's socket timeout
    assert max(durations) < 4 * settings.BROKER_SOCKET_TIMEOUT + 5
    events = NoticeEvent.objects.all()
    approvals = Counter(events.filter(transition="approve_by_silence").values_list("notice_id", flat=True))
    assert approvals == Counter({n.pk: 1 for n in group_a1 + group_a2}), "each due notice approved exactly once"
    for notice in group_b:
        notice.refresh_from_db()
        assert notice.state == NoticeState.CONSULTATION
    for notice in group_c:
        notice.refresh_from_db()
        assert notice.state == NoticeState.INFORMED and events.filter(notice=notice, transition="submit").count() == 1
    # every event's notifications exist once per recipient and each was mailed exactly once
    expected = sum(len(notifications.recipients_for_event(e)) for e in events)
    notes = Notification.objects.filter(event__isnull=False)
    assert notes.count() == expected
    mailed = Notification.objects.exclude(emailed_at=None).count()
    sent = mails_in(mail_dir) + len(mailoutbox)
    report["events"] = events.count()
    report["notifications"] = notes.count()
    report["mails sent (worker + in-process)"] = (mails_in(mail_dir), len(mailoutbox))
    assert sent == mailed == Notification.objects.exclude(recipient__email="").count(), \
        f"mails {sent}, notifications mailed {mailed}: a mail was lost or sent twice"
    print("\nissue 15, point 9, Redis outage:", report)


# --- 2. PostgreSQL restarted under the running application (a private cluster) ---------------------------

def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster made by initdb in a temporary folder, on a spare port, trust authentication.
    initdb refuses to run as root: then the cluster belongs to the user postgres (runuser)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="wt15-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()
        subprocess.run([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "jobagentur"], check=True, timeout=60)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                 f"-p {self.port} -k {self.root} -h 127.0.0.1 -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "immediate") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "-t", "60", "-o",
                 f"-p {self.port} -k {self.root} -h 127.0.0.1 -c fsync=off", "restart")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/jobagentur"

    def sql(self, query: str) -> str:
        result = subprocess.run([str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                 "postgres", "-d", "jobagentur", "-At", "-c", query],
                                check=True, capture_output=True, text=True, timeout=60)
        return result.stdout.strip()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


PASSWORD = "Ausfall-Test-2026-sicher"
SETUP_SCRIPT = '''
import datetime, json
from django.utils import timezone
from staffing.models import User, Office
from tests.factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory
users = {}
for name in ("clerk-witten", "koordination"):
    user = User.objects.get(username=name)
    user.is_demo = False
    user.set_password("%(password)s")
    user.save()
office = Office.objects.filter(city__name="Witten", kind=Office.Kind.REGIONAL).first()
drafts = []
for _ in range(2):
    notice = PlacementNoticeFactory(position=PositionFactory(office=office))
    CandidateFactory(notice=notice)
    drafts.append(notice.pk)
print("IDS=" + json.dumps({"drafts": drafts, "office": office.pk}))
'''
DUE_SCRIPT = '''
import datetime
from django.utils import timezone
from staffing.models import PlacementNotice, Position, NoticeState, Office
from tests.factories import FunctionFactory
office = Office.objects.get(pk=%(office)d)
function = FunctionFactory()
positions = Position.objects.bulk_create([Position(office=office, function=function, number="R%(tag)s-%%04d" %% i,
    title="Arbeitsvermittler/in", grade="EG 9c", fte=1) for i in range(%(count)d)])
notices = PlacementNotice.objects.bulk_create([PlacementNotice(office=office, district_id=office.district_id,
    position=p, function=function, planned_start=datetime.date(2027, 2, 1), reason="Nachbesetzung") for p in positions])
now = timezone.now()
PlacementNotice.objects.filter(pk__in=[n.pk for n in notices]).update(state=NoticeState.INFORMED,
    received_at=now - datetime.timedelta(days=10), period_ends_at=now - datetime.timedelta(days=1),
    period_last_day=(now - datetime.timedelta(days=2)).date())
'''


@pytest.fixture
def private_postgres():
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed (/usr/lib/postgresql/*/bin)")
    server = PrivatePostgres(bindir)
    try:
        server.init()
        yield server
    finally:
        server.destroy()


class App:
    """The application in production settings (DEBUG off, gunicorn, the psycopg pool on) against a database."""

    def __init__(self, database_url: str, tmp: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DJANGO_", "PYTEST", "CELERY_", "EMAIL_", "DATABASE_"))}
        (tmp / "broker").mkdir()
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "jobagentur.settings", "DATABASE_URL": database_url, "DEBUG": "false",
            "SECRET_KEY": "issue15-outage-" + "k7Qz" * 16, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "BEHIND_TLS_PROXY": "false", "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false", "SECURE_HSTS_SECONDS": "0", "STATIC_MANIFEST": "false",
            "CELERY_BROKER_DIR": str(tmp / "broker"), "EMAIL_URL": f"filemail:///{tmp}", "DB_POOL": "true",
            "LOG_LEVEL": "WARNING", "SITE_URL": self.base})
        self.log = tmp / "gunicorn.log"
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        assert not check or result.returncode == 0, f"manage.py {args[0]} failed: {result.stderr[-3000:]}"
        return result

    def serve(self) -> None:
        self.log_file = self.log.open("w")  # noqa: SIM115 - open while gunicorn runs, closed in stop()
        self.server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "jobagentur.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", "2", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=settings.BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log_file,
            start_new_session=True)
        import requests

        def up():
            try:
                return requests.get(self.base + "/anmelden/", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        wait_until(up, timeout=60, interval=0.3, message="gunicorn did not answer")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            import signal
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=10)
        if self.server:
            self.log_file.close()


def login(base: str, username: str):
    import requests

    session = requests.Session()
    session.get(base + "/anmelden/", timeout=30)
    response = session.post(base + "/anmelden/", data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": base + "/anmelden/"}, timeout=30, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return session


def post(session, base: str, path: str, data: dict):
    return session.post(base + path, data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                        headers={"Referer": base + path}, timeout=90, allow_redirects=False)


def submit_path(pk: int) -> str:
    return f"/mitteilungen/{pk}/schritt/submit/"


SUBMIT = {"submit-seen_state": "draft", "submit-confirm": "on"}


def test_postgresql_restarted_under_gunicorn_answers_the_german_503_page_and_users_go_on(
        private_postgres, tmp_path):
    import requests

    pg = private_postgres
    app = App(pg.url, tmp_path)
    report = {}
    started = time.monotonic()
    app.manage("migrate", "--noinput")
    app.manage("seed_demo")
    out = app.manage("shell", "-c", SETUP_SCRIPT % {"password": PASSWORD}).stdout
    ids = __import__("json").loads(re.search(r"IDS=(.*)", out).group(1))
    first, second = ids["drafts"]
    report["setup: migrate, seed_demo (s)"] = round(time.monotonic() - started, 1)
    app.manage("shell", "-c", DUE_SCRIPT % {"office": ids["office"], "count": 50, "tag": "A"})
    try:
        app.serve()
        clerk = login(app.base, "clerk-witten")
        assert clerk.get(app.base + "/mitteilungen/", timeout=30).status_code == 200

        # PostgreSQL goes down (fast shutdown: every connection of the pool is cut)
        stopped = time.monotonic()
        pg.stop("fast")
        answers = Counter()
        durations = []
        for path in ("/", "/mitteilungen/", f"/mitteilungen/{first}/", "/benachrichtigungen/"):
            started = time.monotonic()
            response = clerk.get(app.base + path, timeout=90)
            durations.append(round(time.monotonic() - started, 2))
            answers[f"GET {response.status_code}"] += 1
            assert response.status_code == 503, (path, response.status_code, response.text[:300])
            assert "Die Verbindung zur Datenbank ist unterbrochen" in response.text and 'lang="de"' in response.text
            assert response.headers.get("Retry-After")
        started = time.monotonic()
        response = post(clerk, app.base, submit_path(first), SUBMIT)
        durations.append(round(time.monotonic() - started, 2))
        answers[f"POST {response.status_code}"] += 1
        assert response.status_code == 503 and "nicht gespeichert" in response.text, response.text[:300]
        # the login form needs no database (200); signing in does (503, German)
        anonymous = requests.Session()
        form = anonymous.get(app.base + "/anmelden/", timeout=90)
        answers[f"login page {form.status_code}"] += 1
        assert form.status_code == 200
        signing_in = anonymous.post(app.base + "/anmelden/", data={
            "username": "koordination", "password": PASSWORD, "csrfmiddlewaretoken": anonymous.cookies["csrftoken"]},
            headers={"Referer": app.base + "/anmelden/"}, timeout=90, allow_redirects=False)
        answers[f"login POST {signing_in.status_code}"] += 1
        assert signing_in.status_code == 503 and "Datenbank" in signing_in.text
        health = requests.get(app.base + "/health/", timeout=90)
        answers[f"health {health.status_code}"] += 1
        assert health.status_code == 503
        report["answers while PostgreSQL is down"] = dict(answers)
        report["slowest answer while down (s)"] = max(durations)
        # below gunicorn's worker timeout (30 s), which would kill the worker instead of answering
        assert max(durations) < 15

        pg.start()
        report["PostgreSQL down (s)"] = round(time.monotonic() - stopped, 1)
        # nothing of the refused POST was saved
        assert pg.sql(f"SELECT state FROM staffing_placementnotice WHERE id = {first}") == "draft"
        assert pg.sql(f"SELECT count(*) FROM staffing_noticeevent WHERE notice_id = {first}") == "0"
        # the same session goes on: pages answer, the step is repeated and saved once. A gunicorn worker whose
        # pool has not seen the outage yet answers 503 once (its pool waits in psycopg's back-off) and resets it
        back = time.monotonic()
        first_codes = []
        while not first_codes or first_codes[-1] != 200:
            first_codes.append(clerk.get(app.base + "/", timeout=60).status_code)
            assert len(first_codes) <= 3 and 500 not in first_codes, first_codes
        report["first requests after the restart"] = first_codes
        report["first 200 after the restart (s)"] = round(time.monotonic() - back, 1)
        after = Counter()
        for path in ("/", "/mitteilungen/", f"/mitteilungen/{first}/"):
            response = clerk.get(app.base + path, timeout=30)
            after[f"GET {response.status_code}"] += 1
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
        response = post(clerk, app.base, submit_path(first), SUBMIT)
        after[f"POST {response.status_code}"] += 1
        assert response.status_code == 302, response.text[:500]
        report["answers after the restart (same session)"] = dict(after)
        assert pg.sql(f"SELECT state FROM staffing_placementnotice WHERE id = {first}") == "informed"
        assert pg.sql(f"SELECT count(*) FROM staffing_noticeevent WHERE notice_id = {first}") == "1"

        # an immediate restart (a crash) between two requests: the pool's connections are dead
        pg.restart("immediate")
        codes = [clerk.get(app.base + "/mitteilungen/", timeout=60).status_code for _ in range(4)]
        report["GET after an immediate restart"] = codes
        assert 500 not in codes and codes[-2:] == [200, 200]
        response = post(clerk, app.base, submit_path(second), SUBMIT)
        assert response.status_code in (302, 503)
        if response.status_code == 503:
            response = post(clerk, app.base, submit_path(second), SUBMIT)
        assert response.status_code == 302
        assert pg.sql(f"SELECT count(*) FROM staffing_noticeevent WHERE notice_id = {second}") == "1"

        # the sweep after the restart approves each due notice exactly once
        out = app.manage("process_deadlines").stdout
        report["process_deadlines after the restart"] = out.strip()
        again = app.manage("process_deadlines").stdout
        assert "Fristablauf" in out or "abgelaufen" in out
        report["process_deadlines again"] = again.strip()
    finally:
        app.stop()
        server_log = app.log.read_text(errors="replace") if app.log.exists() else ""
    print("\nissue 15, point 9, PostgreSQL restart under gunicorn:", report)
    assert "Internal Server Error" not in server_log
    # every due notice (ours and the demo data's) approved, each exactly once
    assert pg.sql("SELECT count(*) FROM staffing_placementnotice WHERE state = 'informed' "
                  "AND period_ends_at <= now()") == "0"
    assert int(pg.sql("SELECT count(*) FROM staffing_placementnotice WHERE state = 'approved_by_silence'")) >= 50
    assert pg.sql("SELECT count(*) FROM (SELECT notice_id FROM staffing_noticeevent WHERE transition = "
                  "'approve_by_silence' GROUP BY notice_id HAVING count(*) <> 1) AS twice") == "0"


def test_postgresql_crashing_in_the_middle_of_the_sweep_approves_each_notice_exactly_once(
        private_postgres, tmp_path):
    pg = private_postgres
    app = App(pg.url, tmp_path)
    report = {}
    total = 3000
    app.manage("migrate", "--noinput")
    app.manage("seed_demo")
    out = app.manage("shell", "-c", SETUP_SCRIPT % {"password": PASSWORD}).stdout
    ids = __import__("json").loads(re.search(r"IDS=(.*)", out).group(1))
    app.manage("shell", "-c", DUE_SCRIPT % {"office": ids["office"], "count": total, "tag": "S"})
    total = int(pg.sql("SELECT count(*) FROM staffing_placementnotice WHERE state = 'informed' "
                       "AND period_ends_at <= now()"))  # ours and the demo data's due notices
    approved_sql = "SELECT count(*) FROM staffing_placementnotice WHERE state = 'approved_by_silence'"
    base = int(pg.sql(approved_sql))  # the demo data's notices approved earlier

    def approved() -> int:
        return int(pg.sql(approved_sql)) - base
    sweep = subprocess.Popen([sys.executable, "manage.py", "process_deadlines"], cwd=settings.BASE_DIR, env=app.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: approved() >= 20, timeout=120, interval=0.02,
                   message="the sweep did not start")
        pg.restart("immediate")  # a crash of PostgreSQL in the middle of the sweep
        at_crash = approved()  # committed before the crash (the server is back now)
        stdout, stderr = sweep.communicate(timeout=300)
    finally:
        if sweep.poll() is None:
            sweep.kill()
            sweep.wait()
    report["approved (committed) when PostgreSQL was back"] = at_crash
    assert 0 < at_crash < total, f"the crash came too late ({at_crash} of {total}): nothing was tested"
    report["first sweep: exit code"] = sweep.returncode
    report["first sweep: last line"] = ((stdout.strip() or stderr.strip()).splitlines() or [""])[-1][:200]
    report["first sweep: notices that failed in the crash"] = stderr.count("failed; the next sweep tries again")
    report["approved after the first sweep ended"] = approved()
    # point 8: the sweep reports what committed, not what it tried (the notice lost in the crash is not counted)
    printed = re.search(r"abgelaufen: (\d+)", stdout)
    assert printed and int(printed.group(1)) == approved(), (stdout, approved())
    events_sql = "SELECT count(*) FROM staffing_noticeevent WHERE transition = 'approve_by_silence'"
    assert int(pg.sql(events_sql)) == int(pg.sql(approved_sql)), "an approval without its audit record (or the reverse)"
    rerun = app.manage("process_deadlines").stdout.strip()
    report["second sweep"] = rerun
    assert approved() == total
    assert pg.sql("SELECT count(*) FROM (SELECT notice_id FROM staffing_noticeevent WHERE transition = "
                  "'approve_by_silence' GROUP BY notice_id HAVING count(*) <> 1) AS twice") == "0"
    assert int(pg.sql(events_sql)) == total + base
    report["third sweep"] = app.manage("process_deadlines").stdout.strip()
    print("\nissue 15, point 9, PostgreSQL crash during the sweep:", report)
