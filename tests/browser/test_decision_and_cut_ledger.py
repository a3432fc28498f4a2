"""Issue 12, point 5 in a real browser: the district decides "Besetzung zulässig" without a Weisung and
without a cut, and the city may place; a decision with a cut of the administrative-cost reimbursement,
revoked afterwards by a new decision, shows as revoked on the ledger page of the city and the district."""
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from staffing.models import AdministrativeCostCut, NoticeState

from . import data
from .helpers import assert_accessible, login, nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def form_with_button(page: Page, name: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=name, exact=True))


def test_decision_without_a_weisung(demo, new_page):
    notice = data.escalated("Witten", name="Ohne Weisung")
    district = new_page()
    login(district, demo, "kreis")
    district.goto(f"{demo}/mitteilungen/{notice.pk}/")
    decide = form_with_button(district, "Entscheidung des Kreises")
    decide.get_by_label("Besetzung zulässig", exact=True).check()
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    expect(district.get_by_role("status")).to_contain_text("Die Entscheidung des Kreises wurde festgehalten.")
    main = district.get_by_role("main")
    expect(main).to_contain_text("Entschieden durch den Kreis")
    expect(main).to_contain_text("Besetzung zulässig")
    assert_accessible(district)
    notice.refresh_from_db()
    assert notice.state == NoticeState.DECIDED and notice.placement_permitted and notice.directive == ""
    assert not notice.cost_cuts.exists()

    clerk = new_page()
    login(clerk, demo, "clerk-witten")
    clerk.goto(f"{demo}/mitteilungen/{notice.pk}/")
    expect(clerk.locator("#schritt-place")).to_be_visible()  # the city may carry out the placement


def test_revoked_cut(demo, new_page):
    notice = data.escalated("Witten", name="Mit Kuerzung")
    year = date.today().year
    district = new_page()
    login(district, demo, "kreis")
    district.goto(f"{demo}/mitteilungen/{notice.pk}/")
    decide = form_with_button(district, "Entscheidung des Kreises")
    decide.get_by_label("Besetzung unterbleibt", exact=True).check()
    decide.get_by_label(re.compile(r"\(Betrag in €\)")).fill("2500")
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    # a cut needs its period: the form says so at the field
    expect(district.locator("#id_decide-cut_from_error")).to_contain_text("Zeitraum der Kürzung")
    decide = form_with_button(district, "Entscheidung des Kreises")
    decide.get_by_label("Kürzung für den Zeitraum von").fill(f"{year}-01-01")
    decide.get_by_label("Kürzung für den Zeitraum bis").fill(f"{year}-12-31")
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    expect(district.get_by_role("status")).to_contain_text("Die Entscheidung des Kreises wurde festgehalten.")
    cuts = district.get_by_role("region", name="Kürzungen der Verwaltungskostenerstattung")
    expect(cuts).to_contain_text("2.500,00 €")
    expect(cuts).to_contain_text("wirksam")

    revoke = form_with_button(district, "Kürzung aufheben (neue Entscheidung)")
    revoke.get_by_label(re.compile(r"2\.?500,00 €")).check()
    revoke.get_by_label("Begründung der Aufhebung").fill("Die Qualifikation wurde nachgewiesen.")
    revoke.get_by_role("checkbox", name=re.compile("Ich bestätige die Aufhebung")).check()
    revoke.get_by_role("button", name="Kürzung aufheben (neue Entscheidung)").click()
    expect(district.get_by_role("status")).to_contain_text("Die Kürzung wurde aufgehoben")
    expect(district.get_by_role("main")).to_contain_text("Die Qualifikation wurde nachgewiesen.")
    cut = AdministrativeCostCut.objects.get(notice=notice)
    assert cut.is_revoked

    # the ledger page of the district and of the city shows the cut, revoked
    for page, who in ((district, None), (new_page(), "clerk-witten")):
        if who:
            login(page, demo, who)
        nav_link(page, "Kürzungen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kürzungen der Verwaltungskostenerstattung")
        row = page.locator(f"#kuerzung-{cut.pk}")
        expect(row).to_contain_text("2.500,00 €")
        expect(row).to_contain_text("aufgehoben")
        expect(row).to_contain_text("Die Qualifikation wurde nachgewiesen.")
        assert_accessible(page)
    hattingen = new_page()
    login(hattingen, demo, "clerk-hattingen")
    hattingen.goto(f"{demo}/kuerzungen/")
    expect(hattingen.locator(f"#kuerzung-{cut.pk}")).to_have_count(0)  # another city's cut is not shown
