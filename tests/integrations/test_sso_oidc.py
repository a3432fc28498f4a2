"""Single sign-on with OpenID Connect (mozilla-django-oidc) against a real provider (node-oidc-provider) on
loopback: authorization code flow with PKCE, signed ID token, userinfo; claim value -> organisation."""
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from integrations.models import ExternalIdentity
from integrations.sso_settings import sso_settings
from staffing.models import Organisation, User

from ..factories import city_clerk, district_user
from .servers import start_oidc_provider

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/integration/oidc/callback/"
ACCOUNTS = {
    "sub-4711": {"email": "sabine.sommer@witten.example", "email_verified": True, "given_name": "Sabine",
                 "family_name": "Sommer", "preferred_username": "ssommer", "groups": ["Personalamt Witten"]},
    "sub-0815": {"email": "k.kreis@en-kreis.example", "email_verified": True, "given_name": "Klaus",
                 "family_name": "Kreis", "preferred_username": "clerk-witten",
                 "groups": ["Mitarbeitende", "Koordinierungsstelle EN"]},
    "sub-9999": {"email": "x@example.org", "given_name": "Xaver", "family_name": "Fremd",
                 "preferred_username": "xaver", "groups": ["Kantine"]},
}


@pytest.fixture(scope="session")
def oidc_provider():
    provider, stop = start_oidc_provider(redirect_uri=CALLBACK, accounts=ACCOUNTS)
    yield provider
    stop()


@pytest.fixture
def organisations(witten, district):
    city = city_clerk(witten, username="lokal-witten").organisation
    coordination = district_user(district, Organisation.Kind.COORDINATION, username="lokal-koord").organisation
    return city, coordination


@pytest.fixture
def oidc_enabled(settings, oidc_provider, organisations):
    values = sso_settings(oidc_provider.environ({"Personalamt Witten": "city:en-kreis/witten",
                                                 "Koordinierungsstelle EN": "coordination:en-kreis"}))
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, *values["SSO_BACKENDS"]]
    return values


def sign_in(client, account: str):
    """The browser's way: our login -> provider's login and consent pages -> back to our callback."""
    start = client.get(reverse("integrations:oidc_login"))
    assert start.status_code == 302
    location = start["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    browser = requests.Session()
    for _ in range(12):
        if location.startswith("http://testserver/"):
            return client.get(location.removeprefix("http://testserver"))
        response = browser.get(location, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="prompt" value="login"' in response.text:
            response = browser.post(location, data={"prompt": "login", "login": account, "password": "egal"},
                                    allow_redirects=False, timeout=10)
        elif response.status_code == 200 and 'name="prompt" value="consent"' in response.text:
            response = browser.post(location, data={"prompt": "consent"}, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), response.text[:500]
        location = urljoin(location, response.headers["Location"])
    raise AssertionError("the provider did not send the browser back")


def test_provider_account_logs_in_with_the_organisation_of_its_claim(client, oidc_enabled, organisations):
    response = sign_in(client, "sub-4711")
    assert response.status_code == 302 and response["Location"] == reverse("staffing:home")
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "ssommer", "Sabine", "Sommer", "sabine.sommer@witten.example")
    assert user.organisation == organisations[0] and user.is_city_clerk
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user, provider="oidc").subject == "sub-4711"
    assert client.get("/").status_code == 200


def test_second_login_finds_the_same_user_by_subject(client, oidc_enabled):
    sign_in(client, "sub-4711")
    first = client.session[SESSION_KEY]
    client.logout()
    sign_in(client, "sub-4711")
    assert client.session[SESSION_KEY] == first
    assert User.objects.filter(external_identities__subject="sub-4711").count() == 1


def test_provider_user_name_never_takes_over_a_local_account(client, oidc_enabled, clerk_witten, organisations):
    sign_in(client, "sub-0815")  # preferred_username "clerk-witten" exists locally
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.pk != clerk_witten.pk and user.username == "clerk-witten-sso"
    assert user.organisation == organisations[1]  # the first mapped value among the claim's list


def test_account_without_mapped_claim_is_refused_with_a_german_message(client, oidc_enabled):
    response = sign_in(client, "sub-9999")
    assert SESSION_KEY not in client.session
    assert response.status_code == 302 and response["Location"].startswith("/anmelden/")
    page = client.get(response["Location"]).content.decode()
    assert "Die Anmeldung über Single Sign-on ist fehlgeschlagen" in page
    assert not User.objects.filter(username="xaver").exists()


def test_tampered_state_is_refused(client, oidc_enabled):
    client.get(reverse("integrations:oidc_login"))
    response = client.get(reverse("integrations:oidc_callback") + "?code=abc&state=falsch")
    assert SESSION_KEY not in client.session
    assert response.status_code in (302, 400)


def test_login_page_offers_the_provider_only_when_configured(client, settings, oidc_enabled):
    page = client.get("/anmelden/").content.decode()
    assert "Anmelden mit Kommunales Konto" in page
    settings.OIDC_ENABLED = False
    assert "Anmelden mit" not in client.get("/anmelden/").content.decode()
    assert client.get(reverse("integrations:oidc_login")).status_code == 404
