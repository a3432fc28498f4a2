"""Issue 13, PS-5.1 in a real browser on demo data: the district administration proposes the caps of a year
to all cities, Hattingen's clerk states concerns, fixing before the period is refused with a German
message, and after the period (the clock moved by setting the period's end in the database) the district
fixes the caps; the city's history shows the consultation and its statement."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from planning.models import CapConsultation, CapStatement, ReimbursementCap
from staffing.models import City

from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_district_proposes_a_city_states_concerns_district_fixes_after_the_period(demo, new_page):
    year = datetime.date.today().year + 2  # next year's consultation is already running in the demo data
    district = new_page()
    login(district, demo, "kreis")
    district.goto(f"{demo}/planung/erstattung/")
    district.get_by_role("link", name="Abstimmung mit den Städten").click()
    expect(district.get_by_role("main")).to_contain_text("Frist läuft")  # the demo's running consultation
    assert_accessible(district)
    district.get_by_role("link", name="Höchstrahmen vorschlagen").click()
    district.get_by_label("Jahr", exact=True).fill(str(year))
    district.get_by_label("Erläuterung für die Städte").fill("Fortschreibung nach dem Stellenplan des Kreises.")
    assert_accessible(district)
    district.get_by_role("button", name="An alle Städte senden").click()
    expect(district.get_by_role("status")).to_contain_text("allen Städten des Kreises zur Stellungnahme")
    expect(district.get_by_role("main")).to_contain_text("9 Städte haben noch nicht Stellung genommen")
    consultation = CapConsultation.objects.get(year=year)
    assert consultation.proposals.count() == City.objects.filter(district__slug="en-kreis").count() == 9  # issue 17

    clerk = new_page()
    login(clerk, demo, "clerk-hattingen")
    proposal = consultation.proposals.get(city__name="Hattingen")
    clerk.goto(f"{demo}/planung/erstattung/vorschlag/{proposal.pk}/stellungnahme/")
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(f"Höchstrahmen {year} für Hattingen")
    clerk.get_by_label("Bedenken", exact=True).check()
    clerk.get_by_role("button", name="Stellungnahme abgeben").click()
    expect(clerk.get_by_role("main")).to_contain_text("Bitte beschreiben Sie Ihre Bedenken.")
    clerk.get_by_label("Bedenken", exact=True).check()
    clerk.get_by_label("Begründung / Hinweise").fill("Die neue Stelle U25 fehlt im Vorschlag.")
    clerk.get_by_role("button", name="Stellungnahme abgeben").click()
    expect(clerk.get_by_role("status")).to_contain_text("Ihre Stellungnahme ist beim Kreis eingegangen.")
    assert_accessible(clerk)
    assert CapStatement.objects.get(proposal=proposal).verdict == CapStatement.Verdict.CONCERNS

    # the district tries to fix while the period runs and eight cities are missing: refused in German
    district.reload()
    expect(district.get_by_role("main")).to_contain_text("Die neue Stelle U25 fehlt im Vorschlag.")
    district.get_by_role("button", name="Höchstrahmen festsetzen").click()
    expect(district.get_by_role("main")).to_contain_text("Festsetzen ist erst nach Fristablauf möglich")
    assert not ReimbursementCap.objects.filter(year=year).exists()

    # the period ends (clock moved by the period's end in the database); now the district fixes
    CapConsultation.objects.filter(pk=consultation.pk).update(
        period_ends_on=datetime.date.today() - datetime.timedelta(days=1))
    district.goto(f"{demo}/planung/erstattung/abstimmung/{consultation.pk}/")
    district.get_by_role("button", name="Höchstrahmen festsetzen").click()
    expect(district.get_by_role("status")).to_contain_text("Der Höchstrahmen ist festgesetzt")
    expect(district.get_by_role("main")).to_contain_text(re.compile(r"Festgesetzt am \d\d\.\d\d\.\d{4}"))
    assert ReimbursementCap.objects.filter(year=year, consultation=consultation).count() == 9
    assert_accessible(district)

    clerk.goto(f"{demo}/planung/erstattung/stadt/{proposal.city_id}/")
    main = clerk.get_by_role("main")
    expect(main).to_contain_text("Die neue Stelle U25 fehlt im Vorschlag.")
    expect(main).to_contain_text("Abstimmung mit allen Städten")
    assert_accessible(clerk)
