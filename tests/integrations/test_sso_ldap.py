"""Single sign-on with LDAP / Active Directory (django-auth-ldap) against a real OpenLDAP slapd on loopback:
group DN -> organisation (role), local accounts stay first and are never taken over."""
import json

import pytest
from django.contrib.auth import SESSION_KEY

from integrations.models import ExternalIdentity
from integrations.sso_settings import sso_settings
from staffing.models import Organisation, User

from ..factories import city_clerk, district_user
from .servers import BASE, ROOT_DN, ROOT_PW, start_slapd

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def ldap_server():
    server, stop = start_slapd()
    yield server
    stop()


@pytest.fixture
def organisations(witten, district):
    city = city_clerk(witten, username="lokal-witten").organisation
    coordination = district_user(district, Organisation.Kind.COORDINATION, username="lokal-koord").organisation
    return city, coordination


@pytest.fixture
def ldap_enabled(settings, ldap_server, organisations):
    environ = {
        "LDAP_SERVER_URI": ldap_server.uri,
        "LDAP_BIND_DN": ROOT_DN, "LDAP_BIND_PASSWORD": ROOT_PW,
        "LDAP_USER_SEARCH_BASE": f"ou=people,{BASE}",
        "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{BASE}",
        "LDAP_ORGANISATION_GROUPS": json.dumps({
            f"cn=personalamt-witten,ou=groups,{BASE}": "city:en-kreis/witten",
            # as an administrator might paste it from AD tools: other case, spaces after commas
            f"CN=Koordinierungsstelle, OU=groups, {BASE.upper()}": "coordination:en-kreis",
        }),
    }
    values = sso_settings(environ)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, *values["SSO_BACKENDS"]]
    return values


def login(client, username, password):
    response = client.post("/anmelden/", {"username": username, "password": password})
    return response, client.session.get(SESSION_KEY)


def test_directory_user_logs_in_with_the_organisation_of_their_group(client, ldap_enabled, organisations):
    response, user_id = login(client, "mmeier", "Sommer-2026!")
    assert response.status_code == 302 and user_id is not None
    user = User.objects.get(pk=user_id)
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "mmeier", "Maria", "Meier", "mmeier@verwaltung.example")
    assert user.organisation == organisations[0] and user.is_city_clerk
    assert not user.has_usable_password()  # the directory keeps the password
    assert ExternalIdentity.objects.get(user=user, provider="ldap").subject == f"uid=mmeier,ou=people,{BASE}"
    assert client.get("/").status_code == 200


def test_group_dn_matching_ignores_case_and_spaces(client, ldap_enabled, organisations):
    _, user_id = login(client, "kkoch", "Winter-2026!")
    assert User.objects.get(pk=user_id).organisation == organisations[1]


def test_wrong_password_is_refused(client, ldap_enabled):
    response, user_id = login(client, "mmeier", "falsch")
    assert response.status_code == 200 and user_id is None
    assert "Die Anmeldung ist fehlgeschlagen." in response.content.decode()
    assert not User.objects.filter(username="mmeier").exists()


def test_member_of_no_mapped_group_is_refused(client, ldap_enabled):
    response, user_id = login(client, "kantine", "Fruehling-2026!")
    assert user_id is None
    assert not User.objects.filter(username="kantine").exists()


def test_moving_a_person_between_groups_in_the_directory_moves_their_role(client, ldap_enabled, ldap_server,
                                                                          organisations):
    import ldap

    _, user_id = login(client, "wechsel", "Herbst-2026!")
    assert User.objects.get(pk=user_id).organisation == organisations[0]
    member = [(b"uid=wechsel,ou=people," + BASE.encode())]
    conn = ldap_server.connection()
    try:
        conn.modify_s(f"cn=personalamt-witten,ou=groups,{BASE}", [(ldap.MOD_DELETE, "member", member)])
        conn.modify_s(f"cn=koordinierungsstelle,ou=groups,{BASE}", [(ldap.MOD_ADD, "member", member)])
        client.logout()
        _, user_id = login(client, "wechsel", "Herbst-2026!")
        assert User.objects.get(pk=user_id).organisation == organisations[1]
    finally:
        conn.modify_s(f"cn=koordinierungsstelle,ou=groups,{BASE}", [(ldap.MOD_DELETE, "member", member)])
        conn.modify_s(f"cn=personalamt-witten,ou=groups,{BASE}", [(ldap.MOD_ADD, "member", member)])
        conn.unbind_s()


def test_local_account_of_the_same_name_is_not_taken_over(client, ldap_enabled, witten):
    local = city_clerk(witten, username="lokal")  # local password "geheim-12345"
    _, user_id = login(client, "lokal", "Verzeichnis-2026!")
    assert user_id is None
    _, user_id = login(client, "lokal", "geheim-12345")
    assert user_id == str(local.pk) or user_id == local.pk
    assert not ExternalIdentity.objects.exists()


def test_local_accounts_still_work_with_ldap_enabled(client, ldap_enabled, clerk_witten):
    _, user_id = login(client, "clerk-witten", "geheim-12345")
    assert str(user_id) == str(clerk_witten.pk)


def test_without_configuration_no_sso_backend_is_active():
    values = sso_settings({})
    assert values["SSO_BACKENDS"] == [] and values["OIDC_ENABLED"] is False
