"""HTTP load (issues 7 and 16, point 7): the three roles' reads and writes against gunicorn on loopback.

Each simulated user logs in once as a seeded account (city clerks mostly, then coordination offices,
district administrations, heads; spread over the seeded districts, BENCH_DISTRICTS), then follows its
role's path: start page, notice list (sometimes filtered or searched), a notice from the list, and
writes: the city clerk submits a draft notice (PS-2.2), the coordination office clears a notice or
raises concerns ("Bedenken", PS-2.3/2.4) within the week, the coordination office and the head comment
(PS-2.4/2.6). A step that someone else took first (the notice changed meanwhile) is answered with the
page's conflict message, not an error: it is counted under its own name ("... (taken)"); a server
error (5xx) or a page that does not load is a failure.
Every click is followed by the think time, also within a write (the list, the notice, the form sent): a
write is three clicks, not three requests in a row. A form sent is answered by a redirect, which the
browser follows at once: that page is one more request ("page after a write"), without a pause.
The client is locust's FastHttpUser (geventhttpclient): it needs a fraction of python-requests' CPU, and
locust shares the 2 CPUs with the server it measures (BENCH_CLIENT=requests: HttpUser, for comparison).
Run by bench/load.py; by hand: locust -f bench/locustfile.py --headless -u 50 -r 2 -t 60s --host URL
"""
import itertools
import json
import os
import random
import re
from pathlib import Path

import gevent
from accounts import account  # bench/accounts.py (locust puts the locustfile's folder on the path)
from locust import FastHttpUser, HttpUser, between, events, task

LINK = re.compile(r'href="/mitteilungen/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DISTRICTS = int(os.environ.get("BENCH_DISTRICTS", "100"))  # as seeded by make bench
_counter = itertools.count()
# Logins (Argon2, deliberately slow) happen once per user at the start; the figures of the main paths
# are reset when the last user has logged in, and the login times are written to LOGIN_TIMES_FILE.
_login_ms: list[float] = []


@events.quitting.add_listener
def _write_login_times(environment, **kwargs):
    path = os.environ.get("LOGIN_TIMES_FILE")
    if path:
        with open(path, "w") as f:
            json.dump(_login_ms, f)


# Think time between two clicks of one user (BENCH_THINK_SECONDS "min,max"; bench/load.py sets it per run):
# 5-15 s for an office worker who reads the page and types between clicks (the acceptance runs), 1-2 s for
# the stress run that shows the server's capacity.
THINK = tuple(float(x) for x in os.environ.get("BENCH_THINK_SECONDS", "5,15").split(","))


def _measure(runner):
    """The measured window: the figures are reset (main paths only) and the run ends `seconds` later."""
    runner.stats.reset_all()
    started = os.environ.get("BENCH_MEASURE_STARTED_FILE")
    if started:
        Path(started).write_text("1")  # bench/load.py starts the sweep now (the run during a sweep)
    seconds = float(os.environ.get("BENCH_MEASURE_SECONDS", "0"))
    if seconds:
        gevent.spawn_later(seconds, runner.quit)


# The figures are reset this many seconds after the last login (BENCH_SETTLE_SECONDS; default the longest think
# time): the requests that queued behind the logins (Argon2) are answered by then and every user has clicked
# once since; the window measures the 200 users' steady mix, not the end of the login phase.
SETTLE = float(os.environ.get("BENCH_SETTLE_SECONDS", str(THINK[1])))
Client = HttpUser if os.environ.get("BENCH_CLIENT") == "requests" else FastHttpUser


class Staff(Client):
    wait_time = between(*THINK)

    def on_start(self):
        self.role, self.username = account(next(_counter), DISTRICTS)
        page = self.client.get("/anmelden/", name="login form")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/anmelden/", data={"username": self.username, "password": "bench",
                                                  "csrfmiddlewaretoken": token, "next": "/"},
                              headers={"Referer": self.host + "/anmelden/"}, name="login",
                              catch_response=True, allow_redirects=False) as response:
            target = (response.headers or {}).get("Location") or ""
            if response.status_code not in (302, 303) or "/anmelden/" in target:
                response.failure(f"login refused for {self.username}")
            _login_ms.append(response.request_meta["response_time"])
        self.notices = []
        if len(_login_ms) == self.environment.runner.target_user_count:
            gevent.spawn_later(SETTLE, _measure, self.environment.runner)


    @task(3)
    def start_page(self):
        self.client.get("/", name="start page")

    @task(3)
    def notice_list(self):
        query = random.choice(["", "", "?status=informed", "?status=placed", "?sortierung=frist", "?seite=2",
                               "?q=Ruhestand"])
        response = self.client.get(f"/mitteilungen/{query}", name="notice list" + (" (filtered)" if query else ""))
        self.notices = LINK.findall(response.text) or self.notices

    @task(4)
    def notice_detail(self):
        if not self.notices:
            return self.notice_list()
        self.client.get(f"/mitteilungen/{random.choice(self.notices)}/", name="notice detail")

    @task(2)
    def write(self):
        """The role's write: submit (clerk), clear or raise concerns (coordination), comment (others)."""
        if self.role == "clerk":
            self._step("draft", "submit", {"submit-confirm": "on"}, "submit a notice")
        elif self.role == "koordination":
            if random.random() < 0.7:
                self._step("informed", "clear", {"clear-confirm": "on", "clear-reason": "Last-Test"},
                           "clear a notice")
            else:
                self._step("informed", "raise_concerns", {"raise_concerns-reason": "Qualifikation nicht belegt "
                                                          "(Last-Test)"}, "raise concerns (Bedenken)")
        else:
            self._comment()

    def _pick(self, state):
        response = self.client.get(f"/mitteilungen/?status={state}", name=f"notice list (status {state})")
        ids = LINK.findall(response.text)
        return random.choice(ids) if ids else None

    def _token(self, pk):
        page = self.client.get(f"/mitteilungen/{pk}/", name="notice detail")
        found = CSRF.search(page.text)
        return found.group(1) if found else ""

    def _after_write(self, response):
        """The browser follows the redirect after a form at once (no think time)."""
        target = (response.headers or {}).get("Location")
        if target:
            self.client.get(target, name="page after a write")

    def _step(self, state, step, data, name):
        pk = self._pick(state)
        if pk is None:  # nothing to do in this state: comment instead
            self.wait()
            return self._comment()
        self.wait()  # reads the list, opens a notice
        token = self._token(pk)
        self.wait()  # reads the notice, fills in the form
        with self.client.post(f"/mitteilungen/{pk}/schritt/{step}/",
                              data={"csrfmiddlewaretoken": token, f"{step}-seen_state": state, **data},
                              headers={"Referer": f"{self.host}/mitteilungen/{pk}/"}, name=name,
                              catch_response=True, allow_redirects=False) as response:
            if response.status_code in (302, 303):
                response.success()
            elif response.status_code in (400, 403, 409):  # taken by someone else meanwhile, or not yet due
                response.request_meta["name"] = f"{name} (taken)"
                response.success()
            else:
                response.failure(f"{name}: HTTP {response.status_code}")
        if response.status_code in (302, 303):
            self._after_write(response)

    def _comment(self):
        if not self.notices:
            return self.notice_list()
        pk = random.choice(self.notices)
        token = self._token(pk)
        self.wait()  # reads the notice, types the comment
        with self.client.post(f"/mitteilungen/{pk}/kommentar/", data={"csrfmiddlewaretoken": token,
                                                                   "text": "Kommentar (Last-Test)"},
                              headers={"Referer": f"{self.host}/mitteilungen/{pk}/"}, name="comment",
                              catch_response=True, allow_redirects=False) as response:
            if response.status_code in (302, 303):
                response.success()
            elif response.status_code in (400, 403):  # the role may not comment on this notice
                response.request_meta["name"] = "comment (not allowed)"
                response.success()
            else:
                response.failure(f"comment: HTTP {response.status_code}")
        if response.status_code in (302, 303):
            self._after_write(response)
