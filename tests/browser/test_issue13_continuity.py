"""Issue 13, PS-4.1 in a real browser on the demo data: the district administration sees the continuity figures
of its regional offices on its start page, downloads them as CSV, and finds chart, reasons and earlier years in
the capacity plan; a city clerk records a leaving and must give its reason."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planning import continuity
from staffing.models import Office

from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_district_admin_sees_continuity_on_the_start_page_and_downloads_the_csv(demo, page):
    year = timezone.localdate().year
    offices = Office.objects.filter(kind=Office.Kind.REGIONAL, district__slug="en-kreis")  # issue 17: not LKA
    total = continuity.continuity_report(offices, year, years_back=0).total
    login(page, demo, "kreis")
    panel = page.get_by_role("region", name=f"Kontinuität des Personals in den Regionalstellen {year}")
    expect(panel).to_be_visible()
    table = panel.get_by_role("table", name=f"Kontinuität des Personals {year} je Regionalstelle")
    expect(table.get_by_role("row", name=re.compile("Regionalstelle Witten"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Kreis gesamt"))).to_contain_text(total.turnover_text)
    assert_accessible(page)

    with page.expect_download() as info:
        panel.get_by_role("link", name="Kennzahlen als CSV").click()
    download = info.value
    assert download.suggested_filename == f"kontinuitaet-{year}.csv"
    with open(download.path(), encoding="utf-8-sig") as file:
        text = file.read()
    lines = text.splitlines()
    assert lines[0].startswith("Jahr;Regionalstelle;Austritte;")
    assert len(lines) == 1 + 9 + 1  # nine regional offices and the district total
    assert any(line.startswith(f"{year};Kreis gesamt;{total.leavers};") for line in lines)

    panel.get_by_role("link", name=re.compile("Diagramm, Austrittsgründe und Vorjahre")).click()
    expect(page).to_have_url(re.compile(r"/planung/kapazitaet/\?jahr=\d{4}#kontinuitaet"))
    expect(page.get_by_role("img", name="Balkendiagramm: Fluktuationsquote je Regionalstelle und Jahr")).to_be_visible()
    expect(page.get_by_role("table", name=f"Austritte {year} nach Grund")).to_contain_text("Ruhestand")
    page.get_by_label("Jahr", exact=True).fill(str(year + 1))
    page.get_by_role("button", name="Jahr anzeigen").click()
    alert = page.get_by_role("alert").filter(has_text="Kennzahlen zur Kontinuität gibt es für die Jahre")
    expect(alert).to_be_visible()
    assert_accessible(page)


def test_city_clerk_must_give_the_reason_of_a_leaving(demo, page):
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/planung/personal/")
    page.get_by_role("link", name=re.compile("Austritt")).first.click()
    page.get_by_label(re.compile("Austritt \\(letzter Arbeitstag\\)")).fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Austritt speichern").click()
    expect(page.get_by_text("Bitte wählen Sie den Grund des Austritts.").first).to_be_visible()
    page.get_by_label("Grund des Austritts").select_option(label="Wechsel zu anderem Arbeitgeber")
    page.get_by_role("button", name="Austritt speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Austritt erfasst")
