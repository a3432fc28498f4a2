"""Migration issue13_continuity (PS-4.1): leavers recorded before the reason was asked count as "nicht
erfasst"; everybody's function counts from their entry."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from staffing.models import LeaveReason, StaffMember

BEFORE = [("staffing", "0017_issue13_career_defaults")]


@pytest.mark.django_db(transaction=True)
def test_existing_leavers_get_reason_unknown_and_everybody_a_function_start():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    district = old.get_model("staffing", "District").objects.create(name="Kreis", slug="kreis")
    city = old.get_model("staffing", "City").objects.create(district=district, name="Witten", slug="witten")
    office = old.get_model("staffing", "Office").objects.create(kind="regional", district=district, city=city,
                                                                name="Regionalstelle Witten")
    function = old.get_model("staffing", "Function").objects.create(code="placement", name="Arbeitsvermittlung")
    Staff = old.get_model("staffing", "StaffMember")
    common = {"office": office, "function": function, "employment": "employee", "grade": "EG 9c",
              "fte": Decimal("1"), "qualification": "degree"}
    stayed = Staff.objects.create(first_name="A", last_name="Bleibt", joined_on=date(2012, 3, 1), **common)
    left = Staff.objects.create(first_name="B", last_name="Ging", joined_on=date(2015, 6, 1),
                                left_on=date(2023, 6, 30), **common)
    MigrationExecutor(connection).migrate(leaves)

    stayed, left = StaffMember.objects.get(pk=stayed.pk), StaffMember.objects.get(pk=left.pk)
    assert (stayed.leave_reason, stayed.function_since) == ("", date(2012, 3, 1))
    assert (left.leave_reason, left.function_since) == (LeaveReason.UNKNOWN, date(2015, 6, 1))
