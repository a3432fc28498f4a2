"""issue 14, point 2 in a real browser: the district types a cut as "1.250,50" and its period as
TT.MM.JJJJ in text inputs (no browser date picker); the cut is stored exactly and shown German, also in the
history ("1.250,50 €", never "1250.50 €"). A malformed number is refused in German and kept."""
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from staffing.models import AdministrativeCostCut

from . import data
from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def form_with_button(page: Page, name: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=name, exact=True))


def test_the_district_types_a_german_cut_and_period(demo, new_page):
    notice = data.escalated("Witten", name="Deutsche Zahlen")
    year = date.today().year
    district = new_page()
    login(district, demo, "kreis")
    district.goto(f"{demo}/mitteilungen/{notice.pk}/")
    decide = form_with_button(district, "Entscheidung des Kreises")
    start = decide.get_by_label("Kürzung für den Zeitraum von")
    assert start.get_attribute("type") == "text" and start.get_attribute("placeholder") == "TT.MM.JJJJ"

    decide.get_by_label("Besetzung unterbleibt", exact=True).check()
    decide.get_by_label(re.compile(r"\(Betrag in €\)")).fill("1,2,3")
    start.fill(f"01.01.{year}")
    decide.get_by_label("Kürzung für den Zeitraum bis").fill(f"31.12.{year}")
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    expect(district.locator("#id_decide-cut_amount_error")).to_contain_text("Bitte geben Sie eine Zahl ein")
    decide = form_with_button(district, "Entscheidung des Kreises")
    expect(decide.get_by_label(re.compile(r"\(Betrag in €\)"))).to_have_value("1,2,3")  # nothing typed is lost
    expect(decide.get_by_label("Kürzung für den Zeitraum von")).to_have_value(f"01.01.{year}")

    decide.get_by_label(re.compile(r"\(Betrag in €\)")).fill("1.250,50")
    decide.get_by_role("checkbox", name=re.compile("Ich bestätige die Entscheidung")).check()
    decide.get_by_role("button", name="Entscheidung des Kreises").click()
    expect(district.get_by_role("status")).to_contain_text("Die Entscheidung des Kreises wurde festgehalten.")
    cut = AdministrativeCostCut.objects.get(notice=notice)
    assert cut.amount == Decimal("1250.50")
    assert (cut.period_from, cut.period_to) == (date(year, 1, 1), date(year, 12, 31))
    main = district.get_by_role("main")
    expect(main).to_contain_text("1.250,50 €")
    expect(main).not_to_contain_text("1250.50")
    assert_accessible(district)


def test_the_city_types_the_planned_start_as_tt_mm_jjjj(demo, new_page):
    from datetime import timedelta

    from staffing.models import PlacementNotice

    clerk = new_page()
    login(clerk, demo, "clerk-witten")
    clerk.goto(f"{demo}/mitteilungen/neu/")
    clerk.get_by_label("Stelle", exact=True).select_option(index=1)
    planned_input = clerk.get_by_label(re.compile("^geplanter Besetzungstermin", re.I))
    assert planned_input.get_attribute("type") == "text"
    yesterday = (date.today() - timedelta(days=1)).strftime("%d.%m.%Y")
    planned_input.fill(yesterday)
    clerk.get_by_role("button", name="Als Entwurf speichern").click()
    expect(clerk.locator("#id_planned_start_error")).to_contain_text("nicht in der Vergangenheit")
    expect(clerk.get_by_label(re.compile("^geplanter Besetzungstermin", re.I))).to_have_value(yesterday)

    planned = date.today() + timedelta(days=40)
    before = set(PlacementNotice.objects.values_list("pk", flat=True))
    clerk.get_by_label(re.compile("^geplanter Besetzungstermin", re.I)).fill(planned.strftime("%d.%m.%Y"))
    clerk.get_by_role("button", name="Als Entwurf speichern").click()
    expect(clerk.get_by_role("status")).to_be_visible()
    notice = PlacementNotice.objects.exclude(pk__in=before).get()
    assert notice.planned_start == planned
    expect(clerk.get_by_role("main")).to_contain_text(planned.strftime("%d.%m.%Y"))
