"""PS-5.1: the district sets a cap per city and year (history kept, city notified); quarterly personnel
costs from grades and FTE are compared with a quarter of the cap; cuts decided in escalations (PS-2.5)
are deducted and listed."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.costs import cost_comparison
from planning.models import CostRate, MessageKind, ReimbursementCap
from planning.quarters import Quarter
from staffing.models import AdministrativeCostCut, NoticeEvent, NoticeState, Notification

from ..factories import PlacementNoticeFactory

pytestmark = pytest.mark.django_db
Q3 = Quarter(2026, 3)


@pytest.fixture
def rates(db):
    CostRate.objects.update_or_create(grade="EG 9c", defaults={"annual_cost": Decimal("80000")})
    CostRate.objects.update_or_create(grade="A 9", defaults={"annual_cost": Decimal("72000")})


def _confirm(clerk, quarter, costs=None):
    """Issue 13: costs come from the confirmed quarterly report (PS-6.2), not from the live register."""
    return services.report_confirm(by=clerk, quarter=quarter, personnel_costs=costs,
                                   today=quarter.end + datetime.timedelta(days=1))


def test_cap_compared_with_a_quarter_and_cuts_of_the_administrative_costs_not_deducted(
        witten, witten_plan, rates, district_admin, clerk_witten):
    """Issue 12: a cut of the administrative-cost reimbursement (PS-2.5) is another payment than the
    personnel-cost reimbursement of PS-5.1: it has its own ledger and is not deducted here."""
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Korrektur")
    _confirm(clerk_witten, Q3, Decimal("61500"))
    notice = PlacementNoticeFactory(position=witten_plan["positions"][1], state=NoticeState.DECIDED,
                                    received_at=timezone.now(), period_ends_at=timezone.now())
    decided_at = datetime.datetime(2026, 8, 12, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    event = NoticeEvent.objects.create(notice=notice, transition="decide", from_state=NoticeState.ESCALATED,
                                       to_state=NoticeState.DECIDED, at=decided_at)
    AdministrativeCostCut.objects.create(city=witten, notice=notice, decided_event=event, amount=Decimal("1000"),
                                         period_from=Q3.start, period_to=Q3.end, legal_basis="§ 4 Abs. 1",
                                         created_by=district_admin)
    [costs] = cost_comparison([witten], Q3)
    assert costs.cap_quarter == Decimal("60000.00")
    assert costs.above_cap  # the claim exceeds the cap's quarter by 1500
    assert costs.reimbursable == Decimal("60000.00")  # up to the cap; the cut is not deducted
    assert not hasattr(costs, "cuts")


def test_costs_page_lists_figures_and_cuts(client, clerk_witten, witten, witten_plan, rates, district_admin):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Korrektur")
    _confirm(clerk_witten, Q3, Decimal("61500"))
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:costs"), {"jahr": 2026, "quartal": 3}).content.decode()
    assert "61.500,00 €" in html and "60.000,00 €" in html
    assert "über dem Höchstrahmen" in html
    assert reverse("staffing:cost_cut_ledger") in html  # the cuts have their own page


def test_cap_history_is_kept_and_the_latest_counts(witten, district_admin):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("240000"), reason="Korrektur")
    services.cap_set(city_id=witten.pk, by=district_admin, year=2026, amount=Decimal("250000"), reason="Tarif")
    assert ReimbursementCap.objects.filter(city=witten, year=2026).count() == 2
    from planning.costs import current_caps

    assert current_caps([witten], 2026)[witten.pk].amount == Decimal("250000")
    cap = ReimbursementCap.objects.first()
    cap.amount = Decimal("1")
    with pytest.raises(ValidationError):
        cap.save()


def test_city_is_notified_of_a_changed_cap_in_app_and_by_mail(witten, clerk_witten, clerk_hattingen, district_admin,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"), reason="Korrektur")
    message = Notification.objects.get()
    assert message.recipient == clerk_witten and message.kind == MessageKind.CAP_CHANGED
    assert message.notice is None and message.url == reverse("planning:costs")
    assert "Witten" in message.subject and "250.000,00" in message.body
    assert [m.to for m in mail.outbox] == [[clerk_witten.email]]
    assert Notification.objects.get().emailed_at is not None


def test_city_reads_its_messages_in_the_one_inbox(client, witten, clerk_witten, district_admin):
    services.cap_set(city_id=witten.pk, by=district_admin, year=2027, amount=Decimal("250000"), reason="Korrektur")
    client.force_login(clerk_witten)
    page = client.get(reverse("planning:costs"))
    assert page.context["unread_notifications"] == 1  # the header's count covers planning messages
    labels = [str(label) for _url, label in page.context["nav_sections"]["planning"]]
    assert not any(label.startswith("Nachrichten") for label in labels)  # no inbox of its own any more
    old_inbox = client.get(reverse("planning:messages"))
    assert old_inbox.status_code == 301 and old_inbox["Location"] == reverse("staffing:notification_list")
    html = client.get(reverse("staffing:notification_list")).content.decode()
    assert "Höchstrahmen" in html and f'href="{reverse("planning:costs")}"' in html
    notification = Notification.objects.get()
    opened = client.post(reverse("staffing:notification_read", args=[notification.pk]), {"oeffnen": "1"})
    assert opened.status_code == 302 and opened["Location"] == reverse("planning:costs")
    assert Notification.objects.get().read_at is not None


@pytest.mark.parametrize("who", ["clerk_witten", "coordinator"])
def test_only_the_district_administration_sets_the_cap(client, request, who, witten):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.cap_set(city_id=witten.pk, by=user, year=2027, amount=Decimal("1"))
    client.force_login(user)
    assert client.get(reverse("planning:cap_create")).status_code == 403


def test_district_admin_sets_the_cap_through_the_form(client, district_admin, witten):
    client.force_login(district_admin)
    response = client.post(reverse("planning:cap_create"), {"city": witten.pk, "year": 2027, "amount": "-5"})
    assert "Sicherstellen, dass" in response.content.decode() or "größer oder gleich 0" in response.content.decode()
    response = client.post(reverse("planning:cap_create"), {"city": witten.pk, "year": 2027, "amount": "250000",
                                                             "reason": "Tarifsteigerung"})
    assert response.status_code == 302
    assert ReimbursementCap.objects.get().reason == "Tarifsteigerung"
