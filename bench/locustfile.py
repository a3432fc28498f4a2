"""HTTP load (issue 7): the roles' main paths against gunicorn on loopback.

Each simulated user logs in once as a seeded account (city clerks mostly, then coordination
offices, district administrations, heads; spread over the seeded districts), then follows its
role's main path: start page, notice list (sometimes filtered or searched), a notice from the list.
Run by bench/load.py; by hand: locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host URL
"""
import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, events, task

LINK = re.compile(r'href="/mitteilungen/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DISTRICTS = int(os.environ.get("BENCH_DISTRICTS", "100"))  # as seeded by make bench
# role mix of the 50 users: 30 city clerks, 10 coordination offices, 5 district administrations, 5 heads
ROLES = ["clerk"] * 6 + ["koordination"] * 2 + ["kreis", "leitung"]
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


def account(n: int) -> str:
    role = ROLES[n % len(ROLES)]
    district = 1 + (n * 7) % DISTRICTS
    if role == "clerk":
        return f"d{district:03d}-c{1 + n % 10:02d}-clerk{1 + n % 2}"
    return f"d{district:03d}-{role}1"


class Staff(HttpUser):
    wait_time = between(1, 2)

    def on_start(self):
        self.username = account(next(_counter))
        page = self.client.get("/anmelden/", name="login form")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/anmelden/", data={"username": self.username, "password": "bench",
                                                  "csrfmiddlewaretoken": token, "next": "/"},
                              headers={"Referer": self.host + "/anmelden/"}, name="login",
                              catch_response=True) as response:
            if "/anmelden/" in response.url:
                response.failure(f"login refused for {self.username}")
            _login_ms.append(response.elapsed.total_seconds() * 1000)
        self.notices = []
        if len(_login_ms) == self.environment.runner.target_user_count:
            self.environment.runner.stats.reset_all()  # measure the main paths only, for a fixed time
            seconds = float(os.environ.get("BENCH_MEASURE_SECONDS", "0"))
            if seconds:
                gevent.spawn_later(seconds, self.environment.runner.quit)

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
