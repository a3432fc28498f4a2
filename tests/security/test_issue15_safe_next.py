"""Issue 15, point 2: one safe `next` (`staffing.redirects.safe_next`), used by every view that redirects to
an address the request names: workflow steps, notifications, login, logout, the language switch and the
OpenID Connect login. Anything but a local page of the application falls back."""
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from staffing.models import Notification
from staffing.redirects import is_safe_local_path, safe_next

pytestmark = pytest.mark.django_db

FALLBACK = "/zurueck/"
GOOD = ["/mitteilungen/", "/mitteilungen/?status=informed&seite=2", "/benachrichtigungen/#oben", "/"]
BAD = ["https://evil.example/", "http://testserver.evil.example/mitteilungen/", "//evil.example/mitteilungen/",
       "///evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)", "JavaScript:alert(1)",
       "data:text/html,<script>alert(1)</script>", "abc", "mitteilungen/", "", " /mitteilungen/",
       "/gibt-es-nicht/", "/mitteilungen/%0d%0aSet-Cookie:x=1", "/a\x00b", "/\tmitteilungen/",
       "https://testserver/mitteilungen/", "/" + "x" * 3000]


@pytest.mark.parametrize("target", GOOD)
def test_a_local_page_of_the_application_is_kept(target):
    request = RequestFactory().post("/", {"next": target})
    assert is_safe_local_path(request, target)
    assert safe_next(request, FALLBACK) == target


@pytest.mark.parametrize("target", BAD)
def test_anything_else_falls_back(target):
    request = RequestFactory().post("/", {"next": target})
    assert not is_safe_local_path(request, target)
    assert safe_next(request, FALLBACK) == FALLBACK
    assert safe_next(RequestFactory().get("/", {"next": target}), FALLBACK) == FALLBACK


def test_the_post_field_comes_before_the_query_string_and_a_missing_next_falls_back():
    request = RequestFactory().post("/?next=/benachrichtigungen/", {"next": "/mitteilungen/"})
    assert safe_next(request, FALLBACK) == "/mitteilungen/"
    assert safe_next(RequestFactory().post("/?next=/benachrichtigungen/"), FALLBACK) == "/benachrichtigungen/"
    assert safe_next(RequestFactory().get("/"), FALLBACK) == FALLBACK


def test_an_https_request_does_not_accept_an_http_address_of_itself():
    request = RequestFactory().get("/", {"next": "http://testserver/mitteilungen/"}, secure=True)
    assert safe_next(request, FALLBACK) == FALLBACK


# --- the views that use it ---------------------------------------------------------------------------

def _client(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("target,expected", [("/mitteilungen/", "/mitteilungen/"),
                                             ("//evil.example/", "/benachrichtigungen/"),
                                             ("javascript:alert(1)", "/benachrichtigungen/")])
def test_marking_a_notification_read_follows_only_a_safe_next(clerk_witten, target, expected):
    notification = Notification.objects.create(recipient=clerk_witten, kind="submitted", subject="s", body="b",
                                               url="/")
    response = _client(clerk_witten).post(reverse("staffing:notification_read", args=[notification.pk]),
                                          {"next": target})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_opening_a_notification_whose_address_is_not_a_local_page_goes_to_the_list(clerk_witten):
    notification = Notification.objects.create(recipient=clerk_witten, kind="submitted", subject="s", body="b",
                                               url="//evil.example/")
    response = _client(clerk_witten).post(reverse("staffing:notification_read", args=[notification.pk]),
                                          {"oeffnen": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:notification_list")


@pytest.mark.parametrize("target,expected", [("/mitteilungen/", "/mitteilungen/"),
                                             ("https://evil.example/", "/"), ("abc", "/"), ("", "/")])
def test_the_login_follows_only_a_safe_next(settings, clerk_witten, target, expected):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clerk_witten.set_password("richtig-und-lang")
    clerk_witten.save()
    response = _client().post(reverse("login"), {"username": clerk_witten.username, "password": "richtig-und-lang",
                                                 "next": target})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_login_page_does_not_carry_a_foreign_next_into_its_form():
    html = _client().get(reverse("login"), {"next": "https://evil.example/"}).content.decode()
    assert '<input type="hidden" name="next" value="">' in html
    html = _client().get(reverse("login"), {"next": "/mitteilungen/"}).content.decode()
    assert '<input type="hidden" name="next" value="/mitteilungen/">' in html


@pytest.mark.parametrize("target,expected", [("/mitteilungen/", "/mitteilungen/"),
                                             ("//evil.example/", "/anmelden/")])
def test_the_logout_follows_only_a_safe_next(clerk_witten, target, expected):
    response = _client(clerk_witten).post(reverse("logout"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("target,expected", [("/anmelden/", "/anmelden/"), ("https://evil.example/", "/"),
                                             ("abc", "/"), ("", "/")])
def test_the_language_switch_follows_only_a_safe_next(target, expected):
    response = _client().post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies["django_language"].value == "en"


@pytest.mark.parametrize("target,kept", [("/mitteilungen/", "/mitteilungen/"), ("https://evil.example/", None),
                                         ("abc", None)])
def test_the_openid_connect_login_keeps_only_a_safe_next(settings, target, kept):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "jobagentur"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/authorize"
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "integrations:oidc_callback"
    client = _client()
    response = client.get(reverse("integrations:oidc_login"), {"next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("http://127.0.0.1:9/authorize")
    assert client.session.get("oidc_login_next") == kept
