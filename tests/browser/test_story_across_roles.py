"""The whole story across roles in a real browser (PS-2.2 to PS-2.5), asserting what each page shows.

Clerk of Witten: draft with one candidate, submit. Coordination office: sees it on the start page with
its deadline, raises concerns. The consultation ends without agreement: escalation. District: directive
and reimbursement cut. A second notice is approved by silence after the sweep; the clerk records the
placement. axe-core checks every page on the way; the main pages are photographed for the README.
"""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from staffing.deadlines import format_period_end
from staffing.models import NoticeState, PlacementNotice

from . import data
from .helpers import assert_accessible, login, nav_link, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def action_form(page: Page, button_name: str):
    """The form on the detail page whose submit button has this name."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button_name, exact=True))


def row_of(container, notice):
    """The table row that links to this notice."""
    return container.get_by_role("row").filter(has=container.page.locator(f'a[href="/mitteilungen/{notice.pk}/"]'))


def test_story_across_roles(demo, new_page):
    checked: list[str] = []
    clerk, coordination, district = new_page(), new_page(), new_page()

    # -- the clerk of Witten writes a draft with one candidate --------------------------------
    login(clerk, demo, "clerk-witten")
    assert_accessible(clerk, checked)
    nav_link(clerk, "Mitteilungen").click()
    clerk.get_by_role("link", name=re.compile("Neue Mitteilung")).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("Neue Stellenbesetzungsmitteilung")
    assert_accessible(clerk, checked)

    # submitting an empty form names every missing field, at the field and in the summary
    clerk.get_by_role("button", name="Einreichen", exact=True).click()
    summary = clerk.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")
    expect(summary).to_be_visible()
    for label in ("Stelle", "geplanter Besetzungstermin", "mindestens eine Person"):
        expect(summary).to_contain_text(re.compile(label, re.IGNORECASE))
    expect(clerk.locator("#id_position_error")).to_contain_text("Bitte geben Sie „Stelle“ an.")
    # each entry of the summary leads to its field
    summary.get_by_role("link", name=re.compile("^Geplanter Besetzungstermin")).click()
    expect(clerk.get_by_label(re.compile("^geplanter Besetzungstermin", re.I))).to_be_focused()
    assert_accessible(clerk, checked)
    screenshot(clerk, "notice-form-errors")

    position = clerk.get_by_label("Stelle", exact=True)
    position.select_option(index=1)
    position_label = position.locator("option:checked").inner_text()
    planned = date.today() + timedelta(days=40)
    clerk.get_by_label(re.compile("^geplanter Besetzungstermin", re.I)).fill(planned.isoformat())
    clerk.get_by_label(re.compile("^Beitrag zu den Gesamtzielen")).fill("Die Stelle sichert die Vermittlung in Arbeit.")
    clerk.get_by_label("Name", exact=True).fill("Jana Beispiel")
    clerk.get_by_label("Qualifikation", exact=True).select_option(label="Hochschul-/Fachhochschulabschluss")
    clerk.get_by_label("Abschluss / Ausbildung").fill("B.A. Soziale Arbeit")
    clerk.get_by_label("Beruflicher Werdegang").fill("Drei Jahre Fallmanagement bei einem Jugendhilfeträger.")
    clerk.get_by_label("Monate einschlägiger Berufserfahrung").fill("36")
    clerk.get_by_role("button", name="Als Entwurf speichern").click()
    expect(clerk.get_by_role("status")).to_contain_text("Der Entwurf wurde gespeichert.")
    expect(clerk.get_by_role("main")).to_contain_text("Entwurf")
    expect(clerk.get_by_role("main")).to_contain_text("Jana Beispiel")
    notice = PlacementNotice.objects.get(state=NoticeState.DRAFT, candidates__full_name="Jana Beispiel")
    assert notice.position.number in position_label
    assert_accessible(clerk, checked)

    # ... and submits it, confirming first
    submit = action_form(clerk, "Einreichen")
    submit.get_by_role("checkbox").check()
    submit.get_by_role("button", name="Einreichen", exact=True).click()
    expect(clerk.get_by_role("status")).to_contain_text("Die Mitteilung wurde eingereicht.")
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED
    deadline = format_period_end(notice)  # "Mittwoch, 02.12.2026, 24:00 Uhr"
    expect(clerk.get_by_role("main")).to_contain_text(f"endet am {deadline}")
    expect(clerk.get_by_role("main")).to_contain_text("Mitgeteilt, Frist läuft")

    # -- the coordination office sees it waiting, with its deadline ----------------------------
    login(coordination, demo, "koordination")
    waiting = coordination.get_by_role("region", name="Wartet auf mich")
    row = row_of(waiting, notice)
    expect(row).to_contain_text("Witten")
    expect(row).to_contain_text(deadline)
    expect(row).to_contain_text(re.compile(r"\b\d+ Tage?\b"))
    assert_accessible(coordination, checked)
    screenshot(coordination, "start-coordination")
    row.get_by_role("link").first.click()
    expect(coordination.get_by_role("main")).to_contain_text(f"endet am {deadline}")
    expect(coordination.get_by_role("main")).to_contain_text("Jana Beispiel")
    assert_accessible(coordination, checked)
    screenshot(coordination, "notice-detail")

    # raises concerns, with a reason
    objection = action_form(coordination, "Bedenken äußern")
    objection.get_by_label("Begründung").fill("Die Berufserfahrung ist nicht einschlägig (PS-1.2).")
    objection.get_by_role("button", name="Bedenken äußern").click()
    expect(coordination.get_by_role("status")).to_contain_text("Ihre Bedenken wurden festgehalten")
    expect(coordination.get_by_role("main")).to_contain_text("In Erörterung")
    expect(coordination.get_by_role("main")).to_contain_text("Die Berufserfahrung ist nicht einschlägig")
    assert_accessible(coordination, checked)

    # the consultation ends without agreement: escalation
    escalate = action_form(coordination, "Ohne Einigung an die Kreisverwaltung eskalieren")
    escalate.get_by_label("Grund der Eskalation").fill("Keine Einigung über die Qualifikation.")
    escalate.get_by_label("Teilnehmende der Erörterung").fill("Frau Heimann (Kreis), Frau Schulte (Witten)")
    escalate.get_by_role("checkbox", name=re.compile("keine einvernehmliche Lösung")).check()
    escalate.get_by_role("button", name="Ohne Einigung an die Kreisverwaltung eskalieren").click()
    expect(coordination.get_by_role("main")).to_contain_text("Eskaliert an die Kreisverwaltung")
    notice.refresh_from_db()
    assert notice.state == NoticeState.ESCALATED

    # -- the district decides: directive and reimbursement cut ---------------------------------
    login(district, demo, "kreis")
    expect(district.get_by_role("main")).to_contain_text(notice.position.title)
    assert_accessible(district, checked)
    nav_link(district, "Eskalationen").click()
    case = district.get_by_role("region", name=re.compile(rf"^Mitteilung {notice.pk}\b"))
    expect(case).to_contain_text("Keine Einigung über die Qualifikation.")
    expect(case).to_contain_text("Frau Heimann (Kreis), Frau Schulte (Witten)")
    expect(case).to_contain_text("Die Berufserfahrung ist nicht einschlägig (PS-1.2).")
    assert_accessible(district, checked)
    screenshot(district, "escalations")
    case.get_by_role("link", name="Entscheidung des Kreises treffen").click()  # issue 16: the form on demand (htmx)
    decide = case.locator("form").filter(has=district.get_by_role("button", name="Entscheidung des Kreises"))
    decide.get_by_label(re.compile(r"^Besetzung mit Auflagen")).check()
    decide.get_by_label(re.compile(r"^Weisung im Einzelfall")).fill(
        "Die Stelle ist mit einer Fachkraft mit Abschluss zu besetzen.")
    decide.get_by_label(re.compile(r"\(Prozent\)")).fill("5")
    decide.get_by_label("Kürzung für den Zeitraum von").fill(f"{date.today().year}-01-01")
    decide.get_by_label("Kürzung für den Zeitraum bis").fill(f"{date.today().year}-12-31")
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    expect(district.get_by_role("status")).to_contain_text("Die Entscheidung des Kreises wurde festgehalten.")
    notice.refresh_from_db()
    assert notice.state == NoticeState.DECIDED
    assert [c.percent for c in notice.cost_cuts.all()] == [5]
    district.goto(f"{demo}/mitteilungen/{notice.pk}/")
    main = district.get_by_role("main")
    expect(main).to_contain_text("Entschieden durch den Kreis")
    expect(main).to_contain_text("Die Stelle ist mit einer Fachkraft mit Abschluss zu besetzen.")
    expect(main).to_contain_text("Heranziehungssatzung")
    assert_accessible(district, checked)

    # -- a second notice: silence for a week, the sweep approves it -----------------------------
    second = data.submitted_notice("Witten", name="Sven Still")
    data.end_period(second)
    from staffing.tasks import run_sweep

    assert run_sweep()["approved"] == 1
    clerk.goto(f"{demo}/")
    # the clerk is told in the application: unread count in the header, the notification in the inbox
    inbox = clerk.get_by_role("link", name=re.compile(r"^Benachrichtigungen"))
    expect(inbox).to_contain_text(re.compile(r"\d+ ungelesen"))
    inbox.click()
    message = (clerk.get_by_role("listitem")
               .filter(has=clerk.locator(f'a[href="/mitteilungen/{second.pk}/"]'))
               .filter(has_text="Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)"))
    expect(message).to_have_count(1)
    expect(message).to_contain_text("ungelesen")
    assert_accessible(clerk, checked)
    message.get_by_role("button", name=re.compile("Als gelesen markieren")).click()
    expect(clerk.get_by_role("status")).to_contain_text("als gelesen markiert")
    expect(message).not_to_contain_text("ungelesen")
    nav_link(clerk, "Übersicht").click()
    waiting = clerk.get_by_role("region", name="Wartet auf mich")
    row = row_of(waiting, second)
    expect(row).to_contain_text("Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)")
    expect(row).to_contain_text("Besetzung durchführen und eintragen")
    row.get_by_role("link").first.click()
    expect(clerk.get_by_role("main")).to_contain_text(
        "Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)")
    expect(clerk.get_by_role("main")).to_contain_text("Sven Still")
    assert_accessible(clerk, checked)
    place = action_form(clerk, "Besetzung als durchgeführt eintragen")
    place.get_by_label("besetzt am").fill(date.today().isoformat())
    # issue 12: the only candidate is preselected; the form has a second checkbox (a date far ahead)
    place.get_by_role("checkbox", name="Ich bestätige, dass die Besetzung durchgeführt wurde.").check()
    place.get_by_role("button", name="Besetzung als durchgeführt eintragen").click()
    expect(clerk.get_by_role("status")).to_contain_text("Die Besetzung wurde eingetragen.")
    expect(clerk.get_by_role("main")).to_contain_text("Besetzung durchgeführt")
    second.refresh_from_db()
    assert second.state == NoticeState.PLACED and second.placed_on == date.today()
    print(f"axe-core checked {len(checked)} pages")
