"""Issue 13, point 5 (PS-4.2): the staff plan is the district's. The coordination office or the district
administration keeps it (form and CSV import), audited; a city clerk cannot change positions (403) but
proposes changes; the district accepts (exactly the proposed values) or rejects; once only; other cities and
districts see nothing (404); the city and the district are notified."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from planning import services
from planning.models import StaffPlanMessageKind
from staffing import records
from staffing.models import Function, Notification, Organisation, Position, PositionChange, PositionProposal
from tests.factories import (
    FunctionFactory,
    PositionFactory,
    PositionProposalFactory,
    district_user,
)

pytestmark = pytest.mark.django_db

HEADER = "Stellennummer;Stellenbezeichnung;Funktion;Besoldungs-/Entgeltgruppe;Stellenanteil (VZÄ);im Stellenplan"


@pytest.fixture
def placement(db):
    return FunctionFactory(code=Function.Code.PLACEMENT, name="Arbeitsvermittlung")


@pytest.fixture
def position(witten_office, placement):
    return PositionFactory(office=witten_office, function=placement, number="WIT-001", grade="EG 9c",
                           fte=Decimal("0.500"))


def _client(client, user):
    client.force_login(user)
    return client


def _upload(client, office, text: str, reason="Haushaltsplan 2027"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("planning:staff_plan_import", args=[office.pk]), {
        "file": SimpleUploadedFile("stellenplan.csv", text.encode("utf-8"), content_type="text/csv"),
        "reason": reason})


# --- the district keeps the plan ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["coordinator", "district_admin"])
def test_the_district_adds_and_changes_a_position_through_the_form(client, request, role, witten_office, placement):
    user = request.getfixturevalue(role)
    client = _client(client, user)
    response = client.post(reverse("planning:staff_plan_position_create", args=[witten_office.pk]), {
        "number": "WIT-100", "title": "Arbeitsvermittler/in U25", "function": placement.pk, "grade": "EG 9c",
        "fte": "1", "is_active": "on", "reason": "Haushaltsplan 2027"})
    assert response.status_code == 302
    position = Position.objects.get(office=witten_office, number="WIT-100")
    response = client.post(reverse("planning:staff_plan_position_edit", args=[position.pk]), {
        "number": "WIT-100", "title": "Arbeitsvermittler/in U25", "function": placement.pk, "grade": "EG 10",
        "fte": "0,75", "reason": "Stellenbewertung"})  # is_active not ticked: deactivated
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.grade, position.fte, position.is_active) == ("EG 10", Decimal("0.750"), False)
    created, changed = PositionChange.objects.filter(position=position).order_by("at", "pk")
    assert created.action == PositionChange.Action.CREATED and created.actor == user
    assert created.before == {} and created.after["grade"] == "EG 9c" and created.reason == "Haushaltsplan 2027"
    assert changed.action == PositionChange.Action.DEACTIVATED
    assert changed.before["fte"] == "1.000" and changed.after["fte"] == "0.750" and changed.reason == "Stellenbewertung"


def test_a_change_without_a_reason_is_refused_in_german_and_nothing_is_lost(client, coordinator, position,
                                                                           placement):
    response = _client(client, coordinator).post(reverse("planning:staff_plan_position_edit", args=[position.pk]), {
        "number": "WIT-001", "title": "Neu", "function": placement.pk, "grade": "EG 11", "fte": "1",
        "is_active": "on", "reason": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich" in text or "Bitte begründen" in text
    assert 'value="EG 11"' in text  # what was typed is kept
    position.refresh_from_db()
    assert position.grade == "EG 9c" and not PositionChange.objects.exists()


def test_a_duplicate_number_is_refused_in_german(coordinator, position, placement):
    with pytest.raises(ValidationError) as error:
        records.position_save(by=coordinator, office_id=position.office_id, number="WIT-001", title="x",
                              function=placement, grade="EG 9c", fte=Decimal("1"), reason="r")
    assert "bereits vergeben" in str(error.value)


def test_the_district_imports_a_good_file(client, district_admin, witten_office, position):
    text = "\n".join([HEADER, "WIT-001;Arbeitsvermittler/in;Arbeitsvermittlung;EG 10;1,0;ja",
                      "WIT-002;Arbeitsvermittler/in;Arbeitsvermittlung;EG 9c;0,5;ja",
                      "WIT-003;Arbeitsvermittler/in;arbeitsvermittlung;EG 9c;1;nein"])
    response = _upload(_client(client, district_admin), witten_office, text)
    assert response.status_code == 302
    plan = {p.number: (p.grade, p.fte, p.is_active) for p in Position.objects.filter(office=witten_office)}
    assert plan == {"WIT-001": ("EG 10", Decimal("1.000"), True), "WIT-002": ("EG 9c", Decimal("0.500"), True),
                    "WIT-003": ("EG 9c", Decimal("1.000"), False)}
    assert PositionChange.objects.filter(source="import", reason="Haushaltsplan 2027").count() == 3


def test_a_file_with_a_bad_row_saves_nothing_and_names_each_row_in_german(client, coordinator, witten_office,
                                                                         position):
    text = "\n".join([HEADER, "WIT-001;Arbeitsvermittler/in;Arbeitsvermittlung;EG 10;1,0;ja",
                      "WIT-002;Arbeitsvermittler/in;Hausmeisterei;EG 9c;1,5;ja",
                      "WIT-003;;Arbeitsvermittlung;EG 9c;1;vielleicht",
                      "WIT-001;Doppelt;Arbeitsvermittlung;EG 9c;1;ja"])
    response = _upload(_client(client, coordinator), witten_office, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zeile 3: Funktion: „Hausmeisterei“ ist keine bekannte Funktion" in page
    assert "Zeile 3: Stellenanteil (VZÄ): muss größer als 0 und höchstens 1 sein" in page
    assert "Zeile 4: „Stellenbezeichnung“ fehlt" in page
    assert "Zeile 4: im Stellenplan: bitte „ja“ oder „nein“ angeben" in page
    assert "nichts wurde gespeichert" in page
    assert list(Position.objects.filter(office=witten_office).values_list("number", "grade")) == [("WIT-001", "EG 9c")]
    assert not PositionChange.objects.exists()


def test_a_duplicate_number_in_the_file_saves_nothing(coordinator, witten_office, position, placement):
    rows = [{"line": 2, "number": "WIT-009", "title": "a", "function": placement, "grade": "EG 9c",
             "fte": Decimal("1"), "is_active": True},
            {"line": 3, "number": "WIT-009", "title": "b", "function": placement, "grade": "EG 9c",
             "fte": Decimal("1"), "is_active": True}]
    with pytest.raises(ValidationError) as error:
        records.staff_plan_import(by=coordinator, office_id=witten_office.pk, rows=rows, reason="r")
    assert "Zeile 3: Die Stellennummer „WIT-009“ kommt bereits in Zeile 2 vor." in error.value.messages
    assert not Position.objects.filter(number="WIT-009").exists()


def test_a_file_that_is_not_csv_or_lacks_columns_is_refused_in_german(client, coordinator, witten_office):
    response = _upload(_client(client, coordinator), witten_office, "Nummer;Titel\n1;x")
    assert response.status_code == 200 and "Es fehlen Spalten" in response.content.decode()


# --- the city proposes, the district decides ----------------------------------------------------------

def test_a_clerk_cannot_change_the_plan(client, clerk_witten, witten_office, position, placement):
    client = _client(client, clerk_witten)
    assert client.get(reverse("planning:staff_plan_position_create", args=[witten_office.pk])).status_code == 403
    assert client.get(reverse("planning:staff_plan_position_edit", args=[position.pk])).status_code == 403
    assert client.get(reverse("planning:staff_plan_import", args=[witten_office.pk])).status_code == 403
    assert client.post(reverse("planning:staff_plan_position_edit", args=[position.pk]), {
        "number": "WIT-001", "title": "x", "function": placement.pk, "grade": "A 16", "fte": "1",
        "reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        records.position_save(by=clerk_witten, position_id=position.pk, grade="A 16", reason="x")
    with pytest.raises(PermissionDenied):
        records.position_save(by=clerk_witten, office_id=witten_office.pk, number="X", title="X",
                              function=placement, grade="A 9", fte=Decimal("1"), reason="x")
    position.refresh_from_db()
    assert position.grade == "EG 9c"


def test_a_clerk_proposes_and_the_district_is_notified(client, clerk_witten, coordinator, district_admin, head,
                                                     position, placement):
    response = _client(client, clerk_witten).post(
        reverse("planning:position_proposal_create", args=[position.office_id]) + f"?stelle={position.pk}", {
            "kind": "change", "position": position.pk, "title": position.title, "function": placement.pk,
            "grade": "EG 10", "fte": "1", "reason": "Mehr Bedarfsgemeinschaften"})
    assert response.status_code == 302
    proposal = PositionProposal.objects.get()
    assert proposal.state == PositionProposal.State.WAITING and proposal.before["grade"] == "EG 9c"
    position.refresh_from_db()
    assert position.grade == "EG 9c"  # nothing applied yet
    told = Notification.objects.filter(kind=StaffPlanMessageKind.POSITION_PROPOSED)
    assert set(told.values_list("recipient__username", flat=True)) == {"koordination", "kreis"}
    assert told.first().url == reverse("planning:position_proposal_detail", args=[proposal.pk])
    audit = PositionChange.objects.get(action=PositionChange.Action.PROPOSED)
    assert audit.actor == clerk_witten and audit.after["grade"] == "EG 10" and audit.reason


@pytest.mark.parametrize("role", ["coordinator", "district_admin"])
def test_accepting_applies_exactly_the_proposed_values_and_tells_the_city(client, request, role, clerk_witten,
                                                                         position, placement):
    proposal = services.position_propose(by=clerk_witten, kind="change", position_id=position.pk,
                                         title="Fallmanager/in", function=placement, grade="EG 10",
                                         fte=Decimal("0.800"), reason="Bedarf")
    user = request.getfixturevalue(role)
    response = _client(client, user).post(reverse("planning:position_proposal_detail", args=[proposal.pk]),
                                          {"decision": "annehmen", "note": "passt"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.title, position.grade, position.fte, position.function, position.is_active) == (
        "Fallmanager/in", "EG 10", Decimal("0.800"), placement, True)
    proposal.refresh_from_db()
    assert proposal.state == PositionProposal.State.ACCEPTED and proposal.decided_by == user
    assert proposal.decision_note == "passt"
    applied = PositionChange.objects.get(proposal=proposal, action=PositionChange.Action.CHANGED)
    assert applied.actor == user and applied.before["grade"] == "EG 9c" and applied.after["grade"] == "EG 10"
    told = Notification.objects.get(kind=StaffPlanMessageKind.POSITION_DECIDED)
    assert told.recipient == clerk_witten and "angenommen" in told.subject


def test_accepting_a_new_position_and_a_deactivation(coordinator, clerk_witten, witten_office, position, placement):
    new = services.position_propose(by=clerk_witten, kind="new", office_id=witten_office.pk, number="WIT-U25",
                                    title="Arbeitsvermittler/in U25", function=placement, grade="EG 9c",
                                    fte=Decimal("1"), reason="U25")
    gone = services.position_propose(by=clerk_witten, kind="deactivate", position_id=position.pk, reason="weg")
    services.position_proposal_decide(by=coordinator, proposal_id=new.pk, accept=True)
    services.position_proposal_decide(by=coordinator, proposal_id=gone.pk, accept=True)
    created = Position.objects.get(office=witten_office, number="WIT-U25")
    assert (created.title, created.grade, created.fte, created.is_active) == (
        "Arbeitsvermittler/in U25", "EG 9c", Decimal("1.000"), True)
    new.refresh_from_db()
    assert new.position == created
    position.refresh_from_db()
    assert not position.is_active


def test_rejecting_changes_nothing_and_needs_a_note(coordinator, clerk_witten, position, placement):
    proposal = services.position_propose(by=clerk_witten, kind="change", position_id=position.pk,
                                         title=position.title, function=placement, grade="EG 12",
                                         fte=Decimal("1"), reason="x")
    with pytest.raises(ValidationError) as error:
        services.position_proposal_decide(by=coordinator, proposal_id=proposal.pk, accept=False, note="")
    assert "Bitte begründen Sie die Ablehnung." in str(error.value)
    services.position_proposal_decide(by=coordinator, proposal_id=proposal.pk, accept=False, note="Kein Budget")
    position.refresh_from_db()
    assert (position.grade, position.fte) == ("EG 9c", Decimal("0.500"))
    proposal.refresh_from_db()
    assert proposal.state == PositionProposal.State.REJECTED and proposal.decision_note == "Kein Budget"
    assert PositionChange.objects.filter(proposal=proposal, action=PositionChange.Action.REJECTED,
                                         reason="Kein Budget").exists()
    assert not PositionChange.objects.filter(action=PositionChange.Action.CHANGED).exists()
    assert Notification.objects.get(kind=StaffPlanMessageKind.POSITION_DECIDED).recipient == clerk_witten


@pytest.mark.parametrize("first, second", [(True, True), (True, False), (False, True), (False, False)])
def test_a_second_decision_is_refused(client, coordinator, district_admin, clerk_witten, position, placement,
                                      first, second):
    proposal = services.position_propose(by=clerk_witten, kind="change", position_id=position.pk,
                                         title=position.title, function=placement, grade="EG 11",
                                         fte=Decimal("1"), reason="x")
    services.position_proposal_decide(by=coordinator, proposal_id=proposal.pk, accept=first, note="erste")
    before = PositionChange.objects.count(), Position.objects.get(pk=position.pk).grade
    with pytest.raises(ValidationError) as error:
        services.position_proposal_decide(by=district_admin, proposal_id=proposal.pk, accept=second, note="zweite")
    assert "bereits entschieden" in str(error.value)
    assert (PositionChange.objects.count(), Position.objects.get(pk=position.pk).grade) == before
    response = _client(client, district_admin).post(reverse("planning:position_proposal_detail", args=[proposal.pk]),
                                                    {"decision": "annehmen" if second else "ablehnen", "note": "z"})
    assert response.status_code == 200 and "bereits entschieden" in response.content.decode()


def test_a_clerk_cannot_decide_and_the_head_cannot_keep(client, clerk_witten, head, position, placement):
    proposal = PositionProposalFactory(position=position, proposed_by=clerk_witten)
    assert _client(client, clerk_witten).post(reverse("planning:position_proposal_detail", args=[proposal.pk]),
                                              {"decision": "annehmen"}).status_code == 403
    with pytest.raises(PermissionDenied):
        records.position_proposal_accept(by=clerk_witten, proposal_id=proposal.pk)
    with pytest.raises(PermissionDenied):
        records.position_proposal_accept(by=head, proposal_id=proposal.pk)
    with pytest.raises(PermissionDenied):
        records.position_save(by=head, position_id=position.pk, grade="A 16", reason="x")
    proposal.refresh_from_db()
    assert proposal.is_waiting


def test_proposals_are_refused_in_german_at_their_edges(clerk_witten, position, placement, witten_office):
    with pytest.raises(ValidationError) as error:
        records.position_proposal_create(by=clerk_witten, kind="change", position_id=position.pk, reason="",
                                         title=position.title, function=placement, grade="EG 9c",
                                         fte=position.fte)
    messages = " ".join(error.value.messages)
    assert "Bitte begründen Sie Ihren Vorschlag." in messages and "ändert nichts" in messages
    with pytest.raises(ValidationError) as error:
        records.position_proposal_create(by=clerk_witten, kind="new", office_id=witten_office.pk, reason="x",
                                         number="WIT-001", title="", function=None, grade="", fte=None)
    messages = " ".join(error.value.messages)
    assert "bereits vergeben" in messages and "Bitte geben Sie „Funktion“ an." in messages
    records.position_proposal_create(by=clerk_witten, kind="deactivate", position_id=position.pk, reason="x")
    with pytest.raises(ValidationError) as error:
        records.position_proposal_create(by=clerk_witten, kind="deactivate", position_id=position.pk, reason="y")
    assert "wartet bereits ein Vorschlag" in str(error.value)


def test_the_district_cannot_propose_and_a_clerk_not_for_another_city(coordinator, clerk_hattingen, position):
    with pytest.raises(PermissionDenied):
        records.position_proposal_create(by=coordinator, kind="deactivate", position_id=position.pk, reason="x")
    with pytest.raises(Http404):
        records.position_proposal_create(by=clerk_hattingen, kind="deactivate", position_id=position.pk, reason="x")


def test_another_city_and_another_district_see_nothing(client, clerk_hattingen, other_district, position,
                                                       clerk_witten):
    proposal = PositionProposalFactory(position=position, proposed_by=clerk_witten)
    outsider = district_user(other_district, Organisation.Kind.COORDINATION, username="koordination-me")
    for user in (clerk_hattingen, outsider):
        c = _client(client, user)
        for url in (reverse("planning:staff_plan_office", args=[position.office_id]),
                    reverse("planning:staff_plan_position_edit", args=[position.pk]),
                    reverse("planning:staff_plan_import", args=[position.office_id]),
                    reverse("planning:position_proposal_create", args=[position.office_id]),
                    reverse("planning:position_proposal_detail", args=[proposal.pk])):
            assert c.get(url).status_code == 404, (user.username, url)
        assert c.post(reverse("planning:position_proposal_detail", args=[proposal.pk]),
                      {"decision": "annehmen"}).status_code == 404
        listing = c.get(reverse("planning:position_proposals")).content.decode()
        assert position.number not in listing
        with pytest.raises(Http404):
            records.position_proposal_accept(by=user, proposal_id=proposal.pk) if user is outsider else \
                records.position_save(by=user, position_id=position.pk, grade="x", reason="x")
    proposal.refresh_from_db()
    assert proposal.is_waiting


def test_proposals_are_listed_waiting_first_for_the_district_and_own_for_the_city(client, coordinator,
                                                                                   clerk_witten, clerk_hattingen,
                                                                                   position, hattingen_office):
    decided = PositionProposalFactory(position=position, proposed_by=clerk_witten, state="rejected",
                                      decision_note="nein")
    waiting = PositionProposalFactory(position=PositionFactory(office=hattingen_office, number="HAT-7"),
                                      proposed_by=clerk_hattingen)
    page = _client(client, coordinator).get(reverse("planning:position_proposals")).content.decode()
    assert page.index("HAT-7") < page.index("WIT-001")
    own = _client(client, clerk_witten).get(reverse("planning:position_proposals")).content.decode()
    assert "WIT-001" in own and "HAT-7" not in own
    assert decided.pk and waiting.pk


def test_the_city_sees_its_plan_read_only_with_the_proposal_links(client, clerk_witten, position):
    response = _client(client, clerk_witten).get(reverse("planning:staff_plan"))
    assert response.status_code == 200  # the own office's plan right away
    page = response.content.decode()
    assert "WIT-001" in page and "Änderung vorschlagen" in page and "Stelle anlegen" not in page


def test_the_office_page_shows_totals(client, coordinator, position, placement, witten_office):
    PositionFactory(office=witten_office, function=placement, number="WIT-002", fte=Decimal("1"))
    PositionFactory(office=witten_office, function=placement, number="WIT-003", fte=Decimal("1"), is_active=False)
    page = _client(client, coordinator).get(reverse("planning:staff_plan_office", args=[witten_office.pk]))
    text = page.content.decode()
    assert "2 Stellen im Stellenplan, 1,5 VZÄ" in text and "1 Stelle nicht mehr im Stellenplan" in text


# --- what reads the district's plan ------------------------------------------------------------------

def test_a_deactivated_position_gets_no_new_notice(clerk_witten, coordinator, position):
    from staffing import services as notice_services
    from staffing.services import WorkflowError

    records.position_save(by=coordinator, position_id=position.pk, is_active=False, reason="gestrichen")
    with pytest.raises(WorkflowError) as error:
        notice_services.notice_create(by=clerk_witten, position=position)
    assert "nicht mehr im Stellenplan" in str(error.value)


def test_the_notice_form_offers_only_active_positions(client, clerk_witten, position, placement, witten_office):
    PositionFactory(office=witten_office, function=placement, number="WIT-GONE", is_active=False)
    page = _client(client, clerk_witten).get(reverse("staffing:notice_create")).content.decode()
    assert "WIT-001" in page and "WIT-GONE" not in page


def test_the_capacity_plan_reads_the_districts_active_positions(coordinator, position, placement, witten_office):
    from planning.capacity import capacity_plan

    PositionFactory(office=witten_office, function=placement, number="WIT-002", fte=Decimal("1"))
    assert capacity_plan([witten_office]).total.budgeted_fte == Decimal("1.500")
    records.position_save(by=coordinator, position_id=position.pk, is_active=False, reason="gestrichen")
    assert capacity_plan([witten_office]).total.budgeted_fte == Decimal("1.000")


def test_the_city_import_offers_no_positions_any_more():
    from integrations import imports

    assert "stellen" not in imports.KINDS and set(imports.KINDS) == {"personal", "vakanzen"}


def test_a_position_with_an_open_notice_is_not_taken_out_of_the_plan(coordinator, clerk_witten, position):
    from staffing import services as notice_services

    notice = notice_services.notice_create(by=clerk_witten, position=position)
    with pytest.raises(ValidationError) as error:
        records.position_save(by=coordinator, position_id=position.pk, is_active=False, reason="gestrichen")
    assert f"Mitteilung Nr. {notice.pk} offen" in str(error.value)
    rows = [{"line": 2, "number": position.number, "title": position.title, "function": position.function,
             "grade": position.grade, "fte": position.fte, "is_active": False}]
    with pytest.raises(ValidationError) as error:
        records.staff_plan_import(by=coordinator, office_id=position.office_id, rows=rows, reason="r")
    assert f"Zeile 2: im Stellenplan: Für diese Stelle ist die Mitteilung Nr. {notice.pk} offen" in " ".join(
        error.value.messages)
    position.refresh_from_db()
    assert position.is_active
