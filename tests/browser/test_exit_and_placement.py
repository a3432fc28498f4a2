"""Issue 12, points 1 and 2 in a real browser.

Decline after clearance: the coordination office cleared the notice, the candidate declines; the clerk
records "Besetzung findet nicht statt" with a reason, and the position is offered for a new notice again.

Placement with the person: the clerk chooses one of two candidates, gives a date too far ahead (refused
until confirmed), and the placed person then stands in the staff register (/planung/personal/).
"""
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from staffing import services
from staffing.models import NoticeState, PlacementNotice, StaffMember

from . import data
from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def action_form(page: Page, button_name: str):
    """The form on the detail page whose submit button has this name."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button_name, exact=True))


def cleared_notice(*candidates: str) -> PlacementNotice:
    clerk = data.user("clerk-witten")
    notice = services.notice_create(
        by=clerk, position=data.free_positions("Witten").first(), reason="Nachbesetzung wegen Ruhestand",
        planned_start=timezone.localdate() + timedelta(days=30),
        goals_statement="Die Besetzung sichert die Vermittlung in Arbeit (Gesamtziele der JobAgentur EN).",
        candidates=[{**data.CANDIDATE, "full_name": name, "is_selected": False} for name in candidates])
    services.notice_submit(notice_id=notice.pk, by=clerk)
    services.notice_clear(notice_id=notice.pk, by=data.user("koordination"))
    return notice


def test_decline_after_clearance_frees_the_position(demo, page):
    notice = cleared_notice("Jana Beispiel")
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    expect(page.get_by_role("button", name="Mitteilung zurückziehen")).to_have_count(0)
    step = action_form(page, "Besetzung findet nicht statt")
    expect(step).to_be_visible()
    assert_accessible(page)

    # without a reason: a German message at the field, nothing recorded
    step.get_by_role("checkbox").check()
    step.get_by_role("button", name="Besetzung findet nicht statt").click()
    expect(page.get_by_role("alert").first).to_contain_text("Bitte geben Sie einen Grund an.")
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLEARED

    step = action_form(page, "Besetzung findet nicht statt")
    step.get_by_label(re.compile("^Grund")).fill("Die Bewerberin hat kurzfristig abgesagt.")
    step.get_by_role("checkbox").check()
    step.get_by_role("button", name="Besetzung findet nicht statt").click()
    expect(page.get_by_role("status")).to_contain_text("Die Besetzung findet nicht statt")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Zurückgezogen")
    expect(main).to_contain_text("Besetzung findet nicht statt: Die Bewerberin hat kurzfristig abgesagt.")
    assert_accessible(page)
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN

    # the position is offered again for a new notice
    page.goto(f"{demo}/mitteilungen/neu/")
    options = page.get_by_label("Stelle", exact=True).locator("option")
    expect(options.filter(has_text=notice.position.number)).to_have_count(1)


def test_placement_with_the_person_enters_her_in_the_staff_register(demo, page):
    notice = cleared_notice("Bernd Zweiter", "Anna Aaberg")
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    step = action_form(page, "Besetzung als durchgeführt eintragen")
    expect(step.get_by_role("radio")).to_have_count(3)  # two candidates and "another person"
    assert_accessible(page)

    step.get_by_role("radio", name="Anna Aaberg").check()
    too_far = timezone.localdate() + timedelta(days=settings.PLACEMENT_MAX_DAYS_AHEAD + 10)
    step.get_by_label("besetzt am").fill(too_far.isoformat())
    step.get_by_label("Ich bestätige, dass die Besetzung durchgeführt wurde.").check()
    step.get_by_role("button", name="Besetzung als durchgeführt eintragen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Tage in der Zukunft")
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLEARED

    step = action_form(page, "Besetzung als durchgeführt eintragen")
    step.get_by_role("radio", name="Anna Aaberg").check()
    today = timezone.localdate()
    step.get_by_label("besetzt am").fill(today.isoformat())
    step.get_by_label("Ich bestätige, dass die Besetzung durchgeführt wurde.").check()
    step.get_by_role("button", name="Besetzung als durchgeführt eintragen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Besetzung wurde eingetragen.")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"besetzt zum {today:%d.%m.%Y} mit Anna Aaberg")
    expect(main).to_contain_text("besetzt mit dieser Person")
    assert_accessible(page)

    member = StaffMember.objects.get(first_name="Anna", last_name="Aaberg")
    assert member.position_id == notice.position_id and member.joined_on == today
    page.goto(f"{demo}/planung/personal/")
    row = page.get_by_role("row").filter(has_text="Aaberg, Anna")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(member.function))
    assert_accessible(page)
