"""Issue 12, point 3 in a real browser: Klärungsbedarf stops the clock while a comment does not (PS-2.3,
PS-2.4), and the joint solution: the coordination office proposes it, the city confirms it (PS-2.4
"Kreis und Stadt … erörtern"). axe-core checks the pages on the way."""
import pytest
from playwright.sync_api import expect

from staffing.models import NoticeState
from staffing.tasks import run_sweep

from . import data
from .helpers import assert_accessible, login
from .test_story_across_roles import action_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

HINT = ("Ein Kommentar hält die Wochenfrist nicht an. Um die Frist anzuhalten, melden Sie Klärungsbedarf an oder "
        "äußern Bedenken.")


def test_klaerungsbedarf_stops_the_clock_while_a_comment_does_not(demo, new_page):
    commented = data.submitted_notice("Witten", name="Karl Kommentar")
    clarified = data.submitted_notice("Hattingen", name="Klara Klärung")
    page = new_page()
    login(page, demo, "koordination")

    # a comment: the page says plainly that it does not stop the week
    page.goto(f"{demo}/mitteilungen/{commented.pk}/")
    expect(page.locator("#kommentar-frist-hinweis")).to_contain_text(HINT)
    assert_accessible(page)
    page.get_by_label("Kommentar", exact=True).fill("Bitte Zeugnis nachreichen")
    page.get_by_role("button", name="Kommentar speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Kommentar wurde gespeichert.")
    expect(page.get_by_role("main")).to_contain_text("Mitgeteilt, Frist läuft")

    # Klärungsbedarf, reached from the comment box
    page.goto(f"{demo}/mitteilungen/{clarified.pk}/")
    page.locator("#kommentar-frist-hinweis").get_by_role("link", name="Klärungsbedarf anmelden").click()
    form = action_form(page, "Klärungsbedarf anmelden")
    form.get_by_label("Begründung").fill("Bitte Zeugnis nachreichen")
    form.get_by_role("button", name="Klärungsbedarf anmelden").click()
    expect(page.get_by_role("status")).to_contain_text("die Wochenfrist ist angehalten")
    expect(page.get_by_role("main")).to_contain_text("In Erörterung")
    expect(page.locator("#kommentar-frist-hinweis")).to_have_count(0)
    assert_accessible(page)

    # a week later: the sweep approves the commented notice, and leaves the clarified one alone
    data.end_period(commented)
    data.end_period(clarified)
    run_sweep()
    commented.refresh_from_db()
    clarified.refresh_from_db()
    assert commented.state == NoticeState.APPROVED_BY_SILENCE
    assert clarified.state == NoticeState.CONSULTATION
    run_sweep()
    clarified.refresh_from_db()
    assert clarified.state == NoticeState.CONSULTATION
    assert not clarified.events.filter(transition="approve_by_silence").exists()


def test_joint_solution_district_proposes_city_confirms(demo, new_page):
    notice = data.in_consultation("Witten", name="Erna Einigung")
    coordination, clerk = new_page(), new_page()

    login(coordination, demo, "koordination")
    coordination.goto(f"{demo}/mitteilungen/{notice.pk}/")
    propose = action_form(coordination, "Einigung vorschlagen")
    propose.get_by_label("Einvernehmliche Lösung").fill("Besetzung mit Praxiseinweisung vor dem Einsatz.")
    propose.get_by_label("Teilnehmende der Erörterung").fill("Frau Heimann (Kreis), Frau Schulte (Witten)")
    propose.get_by_role("button", name="Einigung vorschlagen").click()
    expect(coordination.get_by_role("status")).to_contain_text("Die Einigung wurde vorgeschlagen")
    expect(coordination.get_by_role("main")).to_contain_text("Einigung vorgeschlagen")
    # the proposing side cannot confirm its own proposal
    expect(coordination.get_by_role("button", name="Einigung bestätigen")).to_have_count(0)
    assert_accessible(coordination)

    login(clerk, demo, "clerk-witten")
    expect(clerk.get_by_role("main")).to_contain_text("Vorgeschlagene Einigung bestätigen oder ablehnen")
    clerk.goto(f"{demo}/mitteilungen/{notice.pk}/")
    expect(clerk.get_by_role("main")).to_contain_text("Besetzung mit Praxiseinweisung vor dem Einsatz.")
    assert_accessible(clerk)
    confirm = action_form(clerk, "Einigung bestätigen")
    confirm.get_by_role("checkbox").check()
    confirm.get_by_role("button", name="Einigung bestätigen").click()
    expect(clerk.get_by_role("status")).to_contain_text("Die Einigung wurde bestätigt.")
    expect(clerk.get_by_role("main")).to_contain_text("Einvernehmlich gelöst")
    notice.refresh_from_db()
    assert notice.state == NoticeState.AGREED
    assert [e.transition for e in notice.events.order_by("pk")][-2:] == ["propose_agreement", "confirm_agreement"]
