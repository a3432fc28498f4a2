"""Migration issue13_continuity (PS-4.1): leavers recorded before the reason was asked count as "nicht
erfasst"; everybody's function counts from their entry."""
from datetime import date
from decimal import Decimal

import pytest

from staffing.models import LeaveReason, StaffMember

from .helpers import migrated_back_to, old_office

BEFORE = [("staffing", "0017_issue13_career_defaults")]


@pytest.mark.django_db(transaction=True)
def test_existing_leavers_get_reason_unknown_and_everybody_a_function_start():
    with migrated_back_to(BEFORE) as old:
        office = old_office(old, "witten", name="Kreis", city_name="Witten")
        function = old.get_model("staffing", "Function").objects.create(code="placement", name="Arbeitsvermittlung")
        Staff = old.get_model("staffing", "StaffMember")
        common = {"office": office, "function": function, "employment": "employee", "grade": "EG 9c",
                  "fte": Decimal("1"), "qualification": "degree"}
        stayed = Staff.objects.create(first_name="A", last_name="Bleibt", joined_on=date(2012, 3, 1), **common)
        left = Staff.objects.create(first_name="B", last_name="Ging", joined_on=date(2015, 6, 1),
                                    left_on=date(2023, 6, 30), **common)

    stayed, left = StaffMember.objects.get(pk=stayed.pk), StaffMember.objects.get(pk=left.pk)
    assert (stayed.leave_reason, stayed.function_since) == ("", date(2012, 3, 1))
    assert (left.leave_reason, left.function_since) == (LeaveReason.UNKNOWN, date(2015, 6, 1))
