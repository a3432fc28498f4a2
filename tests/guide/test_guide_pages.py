"""issue 17, points 4 and 5: the accessibility statement, the feedback form, imprint and data protection
(public), the help (signed in), the footer on every page, and the contextual help links with their anchors."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from guide import selectors, topics
from guide.models import Feedback
from staffing import hooks, services
from staffing.forms import ACTION_FORMS
from tests.factories import CandidateFactory, PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db

PUBLIC = ["guide:accessibility", "guide:feedback", "guide:imprint", "guide:privacy", "guide:feedback_thanks"]
FOOTER = ["/barrierefreiheit/", "/barrierefreiheit/rueckmeldung/", "/impressum/", "/datenschutz/"]


class _Links(HTMLParser):
    """The hrefs of a page, the ids of its elements, and the links of its footer."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids, self.footer, self._in_footer = [], set(), [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "footer":
            self._in_footer = True
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
            if self._in_footer:
                self.footer.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "footer":
            self._in_footer = False


def parse(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def users(clerk_witten, coordinator, district_admin, head):
    return {"clerk": clerk_witten, "coordination": coordinator, "district_admin": district_admin, "head": head}


@pytest.mark.parametrize("name", PUBLIC)
def test_the_public_pages_open_without_login_and_link_the_footer(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()
    assert set(FOOTER) <= set(parse(response).footer)
    assert "/hilfe/" not in parse(response).footer  # the help is for signed-in users


@pytest.mark.parametrize("role", ["clerk", "coordination", "district_admin", "head"])
def test_every_help_page_opens_for_every_role_with_its_own_page_first(client, users, role):
    user = users[role]
    client.force_login(user)
    index = client.get(reverse("guide:help_index"))
    assert index.status_code == 200
    own = topics.page_for_role(user.role)
    body = index.content.decode()
    assert own is not None and str(own.title) in body and "(Ihre Rolle)" in body
    slugs = re.findall(r'href="/hilfe/([\w-]+)/"', body)
    assert slugs[0] == own.slug and set(slugs) == set(topics.PAGES)
    for slug in topics.PAGES:
        page = client.get(reverse("guide:help_page", args=[slug]))
        assert page.status_code == 200, slug
        assert "/hilfe/" in parse(page).footer


def test_the_help_needs_a_login_and_an_unknown_page_is_404(client, clerk_witten):
    assert client.get("/hilfe/").status_code == 302
    assert client.get("/hilfe/verfahren/")["Location"].startswith("/anmelden/")
    client.force_login(clerk_witten)
    assert client.get("/hilfe/gibt-es-nicht/").status_code == 404


def test_every_link_and_anchor_of_the_help_leads_somewhere(client, users):
    """Every internal link of the help pages answers below 400, and its #anchor exists on the target."""
    client.force_login(users["coordination"])
    pages = ["/hilfe/", *[reverse("guide:help_page", args=[slug]) for slug in topics.PAGES]]
    cache: dict[str, _Links] = {}
    checked = 0
    for path in pages:
        for href in parse(client.get(path)).hrefs:
            if not href.startswith(("/", "#")) or href.startswith("/abmelden/"):
                continue
            target, _, anchor = href.partition("#")
            target = target or path
            if target not in cache:
                response = client.get(target)
                assert response.status_code < 400, f"{path}: {href} answered {response.status_code}"
                cache[target] = parse(response) if response.status_code == 200 else _Links()
            if anchor:
                assert anchor in cache[target].ids, f"{path}: #{anchor} missing on {target}"
            checked += 1
    assert checked > 40


def test_every_step_of_the_notice_page_is_a_help_topic():
    assert set(ACTION_FORMS) <= set(hooks.HELP_TOPICS)


@pytest.mark.parametrize("topic", [*hooks.HELP_TOPICS, "capacity_plan"])
def test_every_help_topic_points_to_an_existing_anchor(client, users, topic):
    link = hooks.help_link(topic)
    assert link is not None and link.label.startswith("Hilfe")
    path, _, anchor = link.url.partition("#")
    client.force_login(users["clerk"])
    assert anchor in parse(client.get(path)).ids


def test_the_notice_pages_and_the_capacity_plan_offer_their_contextual_help(client, users, witten_office):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    CandidateFactory(notice=notice)
    services.notice_submit(notice_id=notice.pk, by=users["clerk"])
    client.force_login(users["coordination"])
    detail = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    assert 'href="/hilfe/verfahren/#wochenfrist"' in detail and "Hilfe zur Wochenfrist" in detail
    assert 'href="/hilfe/koordinierungsstelle/#freigeben"' in detail  # next to the step "Freigeben"
    assert 'href="/hilfe/koordinierungsstelle/#bedenken"' in detail
    listing = client.get(reverse("staffing:notice_list")).content.decode()
    assert "Hilfe zur Wochenfrist" in listing
    capacity = client.get(reverse("planning:capacity")).content.decode()
    assert 'href="/hilfe/koordinierungsstelle/#kapazitaetsplan"' in capacity


@pytest.mark.parametrize("path", ["/", "/mitteilungen/", "/benachrichtigungen/", "/einstellungen/", "/stellen/",
                                  "/planung/kapazitaet/", "/hilfe/"])
def test_the_footer_of_every_main_page_links_statement_imprint_privacy_and_help(client, users, path):
    client.force_login(users["clerk"])
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert {*FOOTER, "/hilfe/"} <= set(parse(response).footer)


def test_the_login_page_and_the_error_pages_have_the_footer(client):
    assert set(FOOTER) <= set(parse(client.get("/anmelden/")).footer)
    missing = client.get("/gibt-es-nicht/")
    assert missing.status_code == 404 and set(FOOTER) <= set(parse(missing).footer)


def test_the_header_menu_of_a_signed_in_user_links_the_help(client, users):
    client.force_login(users["district_admin"])
    header = client.get("/").content.decode().split("<main")[0]
    assert 'href="/hilfe/"' in header


# --- the accessibility statement ---------------------------------------------------------------

def test_the_statement_says_partly_accessible_with_the_checks_limitations_dates_and_the_enforcement_body(client,
                                                                                                        settings):
    settings.ACCESSIBILITY_ENFORCEMENT_NAME = "Schlichtungsstelle Test"
    body = client.get("/barrierefreiheit/").content.decode()
    audit = selectors.accessibility_audit()
    assert "teilweise barrierefrei" in body
    assert audit["tool"] in body and "PDF" in body and "/admin/" in body
    assert audit["statement_date"].strftime("%d.%m.%Y") in body and audit["last_review"].strftime("%d.%m.%Y") in body
    assert "Schlichtungsstelle Test" in body
    assert 'href="/barrierefreiheit/rueckmeldung/"' in body
    assert "Beispielwerte" in body  # the shipped operator values are marked as examples


def test_the_conformity_is_derived_from_the_known_limitations():
    audit = dict(selectors.accessibility_audit())
    assert selectors.conformity(audit) == "teilweise barrierefrei"
    assert selectors.conformity({**audit, "limitations": []}) == "barrierefrei"


def test_imprint_and_privacy_show_the_configured_operator_without_the_example_note(client, settings):
    settings.OPERATOR_NAME = "Kreis Musterland"
    settings.OPERATOR_DATA_PROTECTION_OFFICER = "Frau DSB, dsb@musterland.example"
    settings.OPERATOR_IS_EXAMPLE = False
    imprint = client.get("/impressum/").content.decode()
    privacy = client.get("/datenschutz/").content.decode()
    assert "Kreis Musterland" in imprint and "Beispielwerte" not in imprint
    assert "Frau DSB, dsb@musterland.example" in privacy
    assert not re.search("Widerspruch|gilt als erteilt", imprint + privacy)


def test_no_guide_page_uses_the_forbidden_words(client, users):
    client.force_login(users["clerk"])
    pages = [*(reverse(n) for n in PUBLIC), "/hilfe/", *(reverse("guide:help_page", args=[s]) for s in topics.PAGES)]
    for path in pages:
        assert not re.search("Widerspruch|gilt als erteilt", client.get(path).content.decode()), path


# --- the feedback form -----------------------------------------------------------------------------

def test_the_feedback_form_prefills_the_page_the_visitor_came_from(client):
    body = client.get("/barrierefreiheit/rueckmeldung/?seite=/mitteilungen/").content.decode()
    assert 'value="/mitteilungen/"' in body
    body = client.get("/barrierefreiheit/rueckmeldung/", HTTP_REFERER="http://testserver/impressum/").content.decode()
    assert 'value="/impressum/"' in body
    body = client.get("/barrierefreiheit/rueckmeldung/?seite=https://evil.example/").content.decode()
    page_input = re.search(r'<input[^>]*name="page_url"[^>]*>', body).group(0)
    assert "evil.example" not in page_input


def test_feedback_is_stored_and_mailed_to_the_operator(client, settings, django_capture_on_commit_callbacks):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "barrierefreiheit@kreis.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/barrierefreiheit/rueckmeldung/", {
            "message": "Der Kalender ist mit der Tastatur nicht bedienbar.", "page_url": "/mitteilungen/neu/",
            "name": "Erika Muster", "email": "erika@example.org", "website": ""})
    assert response.status_code == 302 and response["Location"] == "/barrierefreiheit/rueckmeldung/danke/"
    feedback = Feedback.objects.get()
    assert feedback.page_url == "/mitteilungen/neu/" and feedback.name == "Erika Muster"
    assert feedback.mailed_at is not None and len(feedback.client_key) == 64 and "127.0.0.1" not in feedback.client_key
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["barrierefreiheit@kreis.example"]
    assert "Der Kalender ist mit der Tastatur nicht bedienbar." in sent.body and "/mitteilungen/neu/" in sent.body


def test_feedback_goes_to_the_operator_email_when_no_feedback_address_is_set(client, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ""
    settings.OPERATOR_EMAIL = "betreiber@kreis.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/barrierefreiheit/rueckmeldung/", {"message": "Kontrast zu schwach."})
    assert mail.outbox[0].to == ["betreiber@kreis.example"]


def test_a_failing_mail_server_keeps_the_feedback(client, settings, django_capture_on_commit_callbacks,
                                                  monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("guide.services.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/barrierefreiheit/rueckmeldung/", {"message": "Bitte größere Schrift."})
    assert response.status_code == 302
    assert Feedback.objects.get().mailed_at is None


def test_an_empty_message_gets_a_german_error_and_the_typed_text_is_kept(client):
    response = client.post("/barrierefreiheit/rueckmeldung/", {
        "message": "   ", "name": "Erika <b>Muster</b>", "email": "keine-adresse", "page_url": "javascript:alert(1)"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bitte schreiben Sie Ihre Nachricht." in body
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer." in body
    assert "Bitte geben Sie die Adresse einer Seite dieser Anwendung an" in body
    assert "Erika &lt;b&gt;Muster&lt;/b&gt;" in body and 'value="keine-adresse"' in body
    assert "<b>Muster</b>" not in body
    assert Feedback.objects.count() == 0 and not mail.outbox


def test_a_too_long_message_is_refused_in_german_with_the_text_kept(client):
    text = "Barriere " * 700
    response = client.post("/barrierefreiheit/rueckmeldung/", {"message": text})
    body = response.content.decode()
    assert response.status_code == 200 and "höchstens 5000 Zeichen" in body
    assert text.strip()[:200] in body
    assert Feedback.objects.count() == 0


def test_a_robot_filling_the_honeypot_is_thanked_but_nothing_is_stored_or_sent(client):
    response = client.post("/barrierefreiheit/rueckmeldung/", {"message": "Buy now", "website": "http://spam.example"})
    assert response.status_code == 302
    assert Feedback.objects.count() == 0 and not mail.outbox


def test_more_than_five_messages_an_hour_from_one_sender_are_refused_in_german(client, settings,
                                                                               django_capture_on_commit_callbacks):
    for n in range(selectors.RATE_LIMIT_PER_HOUR):
        assert client.post("/barrierefreiheit/rueckmeldung/", {"message": f"Meldung {n}"}).status_code == 302
    response = client.post("/barrierefreiheit/rueckmeldung/", {"message": "Noch eine Meldung"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "bereits mehrere Rückmeldungen" in body and "Noch eine Meldung" in body
    assert Feedback.objects.count() == selectors.RATE_LIMIT_PER_HOUR
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/barrierefreiheit/rueckmeldung/", {"message": "Andere Person"}).status_code == 302


def test_the_feedback_form_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/barrierefreiheit/rueckmeldung/", {"message": "ohne Token"})
    assert response.status_code == 403
    assert Feedback.objects.count() == 0


def test_other_methods_are_refused_on_the_feedback_form(client):
    assert client.put("/barrierefreiheit/rueckmeldung/").status_code == 405


def test_the_server_error_page_renders_the_footer_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")  # as Django's server_error view does: no request, no context processors
    assert 'href="/barrierefreiheit/"' in html and 'href="/impressum/"' in html and "/hilfe/" not in html


def test_the_operator_reads_the_feedback_in_the_admin_but_cannot_change_it(client):
    from tests.factories import UserFactory

    feedback = Feedback.objects.create(message="Kontrast", page_url="/")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:guide_feedback_changelist")).status_code == 200
    assert client.get(reverse("admin:guide_feedback_add")).status_code == 403
    change = client.get(reverse("admin:guide_feedback_change", args=[feedback.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


def test_behind_the_proxy_the_rate_limit_counts_per_client_not_per_proxy(client, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(selectors.RATE_LIMIT_PER_HOUR):
        client.post("/barrierefreiheit/rueckmeldung/", {"message": f"Meldung {n}"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    refused = client.post("/barrierefreiheit/rueckmeldung/", {"message": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = client.post("/barrierefreiheit/rueckmeldung/", {"message": "y"}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert refused.status_code == 429 and other.status_code == 302


def test_the_statement_in_english_and_without_limitations(client, monkeypatch):
    audit = {**selectors.accessibility_audit(), "limitations": []}
    monkeypatch.setattr(selectors, "accessibility_audit", lambda: audit)
    body = client.get("/barrierefreiheit/").content.decode()
    assert "<strong>barrierefrei</strong>" in body and "vollständig vereinbar" in body and "teilweise" not in body
    client.cookies["django_language"] = "en"
    client.post("/i18n/setlang/", {"language": "en", "next": "/barrierefreiheit/"})
    english = client.get("/barrierefreiheit/").content.decode()
    assert "Accessibility statement" in english and "fully compliant" in english
