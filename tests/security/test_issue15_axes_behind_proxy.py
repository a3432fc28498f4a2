"""Issue 15, point 6: login throttling behind a TLS proxy. django-axes takes the client's address from
X-Forwarded-For with TRUSTED_PROXY_COUNT trusted proxies (the entry the nearest trusted proxy wrote, never a
client-written one) and locks the user name and the address together. The requests come from the proxy's
address (REMOTE_ADDR) with the headers a proxy and an attacker would send."""
import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from ops.auth import client_ip_address

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # the TLS proxy, as the application sees it
ATTACKER, VICTIM = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


def login(client, username, password, forwarded_for=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302


def lock(client, username, forwarded_for):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, username, "falsch", forwarded_for)


def test_a_user_name_locked_from_one_address_still_signs_in_from_another(behind_proxy, client, district_admin):
    lock(client, "kreis", ATTACKER)
    assert not signed_in(login(client, "kreis", "geheim-12345", ATTACKER))  # locked for the attacker's address
    assert signed_in(login(client, "kreis", "geheim-12345", VICTIM))  # the same proxy, another client
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_leftmost_entry_does_not_choose_the_locked_address(behind_proxy, client, district_admin):
    # the attacker writes the victim's address into X-Forwarded-For; the proxy appends the attacker's real one
    lock(client, "kreis", f"{VICTIM}, {ATTACKER}")
    assert signed_in(login(client, "kreis", "geheim-12345", VICTIM))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_changing_the_forged_entries_does_not_escape_the_lock(behind_proxy, client, district_admin):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "kreis", "falsch", f"192.0.2.{n}, 192.0.2.{n + 100}, {ATTACKER}")
    assert not signed_in(login(client, "kreis", "geheim-12345", f"192.0.2.250, {ATTACKER}"))


def test_two_trusted_proxies_take_the_entry_the_outer_proxy_wrote(behind_proxy, client, district_admin):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    outer_proxy = "10.0.0.1"
    lock(client, "kreis", f"{VICTIM}, {ATTACKER}, {outer_proxy}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert signed_in(login(client, "kreis", "geheim-12345", f"{VICTIM}, {outer_proxy}"))


def test_without_a_proxy_the_header_is_ignored_and_cannot_dodge_the_lock(client, settings, district_admin):
    settings.BEHIND_TLS_PROXY = False
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "kreis", "falsch", f"192.0.2.{n}", remote=ATTACKER)
    assert not signed_in(login(client, "kreis", "geheim-12345", VICTIM, remote=ATTACKER))
    assert signed_in(login(client, "kreis", "geheim-12345", remote=VICTIM))


@pytest.mark.parametrize("forwarded_for,count,expected", [
    (f"{VICTIM}, {ATTACKER}", 1, ATTACKER),
    (f" {VICTIM} ,{ATTACKER} ", 1, ATTACKER),
    (f"{VICTIM}, {ATTACKER}, 10.0.0.1", 2, ATTACKER),
    (ATTACKER, 2, PROXY),  # fewer entries than trusted proxies: not through all of them
    ("", 1, PROXY),
    (None, 1, PROXY),
    ("not-an-address", 1, PROXY),
    (f"{VICTIM}, <script>", 1, PROXY),
    ("2001:db8::1", 1, "2001:db8::1"),
])
def test_client_address_behind_the_proxy(behind_proxy, forwarded_for, count, expected):
    behind_proxy.TRUSTED_PROXY_COUNT = count
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip_address(RequestFactory().post("/anmelden/", **headers)) == expected


def test_lockout_keys_on_user_name_and_address_together():
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "ops.auth.client_ip_address"
