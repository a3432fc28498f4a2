"""Issue 14, point 3: every KERN component used as KERN documents it, in the rendered HTML.

Checkbox lists carry the KERN checkbox class (not the radio class), no select offers Django's "---------"
on any page the demo roles reach, the decision form says which fields are required together, the error
summary never joins a sentence-label and its message with ".:", the qualification advice after a refused
form uses what was typed, and the only candidate has no "Löschen" checkbox."""
import re
from datetime import date, timedelta

import pytest
from django import forms
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse

from staffing.forms import CandidateForm, DecideForm, EscalateForm
from staffing.models import NoticeState, PlacementNotice, User
from staffing.ui import summary_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """The demo data of `seed_demo`, its logins on (demo accounts log in only while DEMO_LOGINS_ENABLED)."""
    settings.DEMO_LOGINS_ENABLED = True
    call_command("seed_demo", verbosity=0)

DEMO_ROLES = ["clerk-witten", "clerk-hattingen", "koordination", "kreis", "leitung"]
SKIPPED = (".csv", ".pdf", ".ics", ".xlsx", "/abmelden/", "/logout/", "/admin/", "/static/", "/media/")
LINK = re.compile(r'href="(/[^"#]*)"')


def _inputs(html: str, input_type: str) -> list[str]:
    return re.findall(rf'<input[^>]*type="{input_type}"[^>]*>', html)


def _render(template: str, **context) -> str:
    return Template("{% load kern %}" + template).render(Context(context))


# --- checkbox versus radio -------------------------------------------------------------------------

def test_the_email_preference_checkboxes_are_kern_checkboxes_not_radios(client, clerk_witten):
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:user_settings")).content.decode()
    boxes = [tag for tag in _inputs(html, "checkbox") if 'name="email_kinds"' in tag]
    assert boxes, "the settings page lists the mail kinds as checkboxes"
    assert all('class="kern-form-check__checkbox"' in tag for tag in boxes)
    assert "kern-form-check__radio" not in html


def test_a_radio_list_keeps_the_kern_radio_class():
    html = _render("{% kern_field form.kind %}", form=DecideForm())
    radios = _inputs(html, "radio")
    assert len(radios) == 3 and all('class="kern-form-check__radio"' in tag for tag in radios)
    assert "kern-form-check__checkbox" not in html


# --- selects without "---------" -------------------------------------------------------------------

class _Choices(forms.Form):
    city = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
    flag = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False, widget=forms.RadioSelect)


def test_a_select_offers_bitte_waehlen_instead_of_dashes():
    form = _Choices()
    html = _render("{% kern_field form.city %}{% kern_field form.kind %}{% kern_field form.flag %}", form=form)
    assert "---------" not in html
    assert html.count('<option value="" selected>Bitte wählen</option>') == 2
    assert "keine Angabe" in html  # a radio list says "keine Angabe", not "Bitte wählen"
    assert _Choices().fields["kind"].choices[0] == ("", "---------")  # only the rendered form's copy changed


def _pages_of(client, start: str, *, limit: int) -> dict[str, str]:
    """The pages reachable from the start page in two clicks (GET, same site, no downloads)."""
    seen, queue, pages = {start}, [start], {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        location = response.get("Location", "")
        if response.status_code in (301, 302) and location.startswith("/") and location not in seen:
            seen.add(location)
            queue.append(location)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        if url.count("/") > 4:
            continue
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link.endswith(SKIPPED) or any(part in link for part in SKIPPED) or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return pages


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_no_page_a_demo_role_reaches_shows_django_dashes(client, demo, username):
    client.force_login(User.objects.get(username=username))
    pages = _pages_of(client, "/", limit=60)
    form_pages = [url for url, html in pages.items() if "<select" in html or 'type="radio"' in html]
    assert len(pages) > 10 and form_pages, f"{username} reached {len(pages)} pages"
    assert [url for url, html in pages.items() if "---------" in html] == []


# --- the decision form ------------------------------------------------------------------------------

def test_the_decision_form_says_which_fields_are_required_together():
    form = DecideForm()
    html = _render('{% for field in form %}{% if field.name != "confirm" %}'
                   '{% kern_field field optional=field.field.required|yesno:",1" %}{% endif %}{% endfor %}',
                   form=form)
    labels = {name: re.search(rf'<label class="kern-label" for="id_{name}">(.*?)</label>', html, re.S).group(1)
              for name in ("directive", "cut_amount", "cut_percent", "cut_from", "cut_to")}
    assert "– optional" not in " ".join(labels.values())
    assert "erforderlich bei „Besetzung mit Auflagen“" in labels["directive"]
    assert "bei einer Kürzung: Betrag oder Prozentsatz" in labels["cut_amount"]
    assert "bei einer Kürzung: Betrag oder Prozentsatz" in labels["cut_percent"]
    assert all("bei einer Kürzung erforderlich" in labels[name] for name in ("cut_from", "cut_to"))


def test_the_district_sees_the_required_together_notes_on_the_escalated_notice(client, demo):
    from tests.browser import data

    notice = data.escalated("Witten", name="Erika Muster")
    assert notice.state == NoticeState.ESCALATED
    client.force_login(User.objects.get(username="kreis"))
    html = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    form = html[html.index("Rechtsgrundlage der Kürzung"):]
    assert "erforderlich bei „Besetzung mit Auflagen“" in form and "bei einer Kürzung erforderlich" in form
    assert "– optional" not in form[:form.index("Ich bestätige die Entscheidung")]


# --- the error summary ------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "expected"), [
    ("Grund", "Grund: Bitte geben Sie einen Grund an."),
    ("Ich bestätige das.", "Ich bestätige das. Bitte geben Sie einen Grund an."),
    ("Wirklich?", "Wirklich? Bitte geben Sie einen Grund an."),
    ("", "Bitte geben Sie einen Grund an."),
])
def test_summary_text_joins_label_and_message_without_a_double_stop(label, expected):
    assert summary_text(label, "Bitte geben Sie einen Grund an.") == expected


def test_the_error_summary_of_a_confirmation_reads_as_two_sentences():
    form = EscalateForm(data={"reason": "Keine Einigung."})
    assert not form.is_valid()
    html = _render("{% error_summary form %}", form=form)
    assert ".:" not in html
    assert "keine einvernehmliche Lösung erzielt wurde. Bitte bestätigen Sie diesen Schritt." in html


# --- the candidate: advice from typed values, no "Löschen" on the only one ---------------------------

def test_the_preview_of_a_refused_candidate_form_uses_the_typed_values():
    form = CandidateForm(data={"months_experience": "12", "grade": "EG 9c"}, complete=True,
                         initial={"months_experience": None, "grade": "A 9"})
    assert not form.is_valid()  # the name and more are missing
    candidate = form.preview()
    assert candidate.months_experience == 12 and candidate.grade == "EG 9c"


def test_the_preview_of_an_unbound_form_uses_its_initial_values():
    assert CandidateForm(initial={"months_experience": 30}).preview().months_experience == 30


def _notice_post(position, **candidate):
    post = {"aktion": "einreichen", "notice_kind": "replacement", "position": position.pk,
            "reason": "Nachbesetzung wegen Ruhestand", "planned_start": (date.today() + timedelta(days=40)).isoformat(),
            "personen-TOTAL_FORMS": "1", "personen-INITIAL_FORMS": "0", "personen-MIN_NUM_FORMS": "1",
            "personen-MAX_NUM_FORMS": "1000"}
    post.update({f"personen-0-{k}": v for k, v in candidate.items()})
    return post


def test_after_a_refused_notice_the_advice_counts_the_typed_months(client, demo):
    from tests.browser import data

    client.force_login(User.objects.get(username="clerk-witten"))
    position = data.free_positions("Witten").first()
    before = PlacementNotice.objects.count()
    response = client.post(reverse("staffing:notice_create"),
                           _notice_post(position, months_experience="12", qualification="degree"))
    assert response.status_code == 400 and PlacementNotice.objects.count() == before
    html = response.content.decode()
    assert 'name="personen-0-months_experience" value="12"' in html  # nothing typed is lost
    assert "Berufserfahrung nicht angegeben" not in html
    assert "12 Monate einschlägige Berufserfahrung" in html or "12 Monate" in html


def test_the_only_candidate_has_no_delete_checkbox_a_second_one_has(client, demo):
    from tests.browser import data

    client.force_login(User.objects.get(username="clerk-witten"))
    html = client.get(reverse("staffing:notice_create")).content.decode()
    assert "personen-0-DELETE" not in html and "Löschen" not in html
    position = data.free_positions("Witten").first()
    post = {**_notice_post(position, full_name="Jana Beispiel"), "aktion": "person_hinzufuegen"}
    html = client.post(reverse("staffing:notice_create"), post).content.decode()
    assert 'name="personen-1-DELETE"' in html
    boxes = [tag for tag in _inputs(html, "checkbox") if "DELETE" in tag]
    assert boxes and all('class="kern-form-check__checkbox"' in tag for tag in boxes)
