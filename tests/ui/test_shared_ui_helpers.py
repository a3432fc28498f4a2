"""The one set of UI helpers (staffing.ui) that every app uses: the CSV download with its guard against
formulas (CSV injection) in every export, paging that survives any `seite`, the service error on the
form and the error summary, and the one lookup that answers 404."""
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from planning import selectors as planning_selectors
from staffing import selectors
from staffing.models import Function, Position
from staffing.ui import DateInput, apply_service_error, csv_cell, csv_response, paginate, summary_items

from ..factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _rows(response) -> list[list[str]]:
    body = response.getvalue().decode("utf-8")  # also a streamed export (issue 16, point 6)
    assert body.startswith("\ufeff"), "UTF-8 with BOM for Excel"
    assert "\r\n" in body and "\n" not in body.replace("\r\n", ""), "CRLF line ends"
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


# --- csv_response --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(text):
    assert csv_cell(text) == f"'{text}"


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), ("Witten", "Witten"), ("a=b", "a=b"), (7, "7"), (-3, "-3"),
    (Decimal("-1.250"), "-1,250"), (Decimal("4.500"), "4,500"), (True, "True"),
])
def test_numbers_stay_numbers_and_plain_text_stays_as_it_is(value, expected):
    assert csv_cell(value) == expected


def test_csv_response_is_semicolon_separated_utf8_with_bom_and_crlf():
    response = csv_response("liste.csv", ["Name", "Wert"], iter([["=1+1", Decimal("-0.5")], ["Ölmühle", 3]]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'
    assert response.content.decode("utf-8") == "\ufeffName;Wert\r\n'=1+1;-0,5\r\nÖlmühle;3\r\n"


def test_a_streamed_csv_is_written_in_pieces_of_rows_with_the_same_bytes(monkeypatch):
    """Issue 16, point 6: a streamed CSV is sent in pieces of STREAM_CHUNK_ROWS rows, each a small buffer,
    and is byte for byte the CSV written at once."""
    from staffing import ui

    monkeypatch.setattr(ui, "STREAM_CHUNK_ROWS", 2)
    rows = [["=1+1", Decimal("-0.5"), None], ["Ölmühle", 3, True], ["a", -1, ""], ["b;c", 'd"e', "f\r\ng"],
            ["h", 0, "i"]]
    whole = csv_response("liste.csv", ["Name", "Wert", "Notiz"], iter(rows)).content
    streamed = csv_response("liste.csv", ["Name", "Wert", "Notiz"], iter(rows), streaming=True)
    pieces = list(streamed.streaming_content)
    assert len(pieces) == 1 + 3  # the header, then 2 + 2 + 1 rows
    assert b"".join(pieces) == whole


@pytest.mark.django_db
@pytest.mark.parametrize("text", FORMULAS)
def test_the_notice_export_neutralises_formulas_in_every_text_column(client, clerk_witten, witten_office, text):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office, number=text, title=text),
                                    reference=text)
    CandidateFactory(notice=notice)
    client.force_login(clerk_witten)
    header, row = _rows(client.get(reverse("staffing:notice_export")))
    assert header[:3] == ["Nr.", "Stadt", "Stellennummer"]
    assert row[2] == row[3] == row[6] == f"'{text}"
    assert row[0] == str(notice.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("text", FORMULAS)
def test_the_capacity_csv_neutralises_formulas_and_keeps_negative_figures(client, coordinator, witten_office, text):
    witten_office.name = text
    witten_office.save()
    function = FunctionFactory(code=Function.Code.PLACEMENT, name=f"{text} Vermittlung")
    grade = text[:20]  # the column holds 20 characters
    PositionFactory(office=witten_office, function=function, grade=grade, fte=Decimal("1"))
    client.force_login(coordinator)
    rows = _rows(client.get(reverse("planning:capacity_csv")))
    assert rows[0][:2] == ["Dienststelle", "Funktion"]
    row = next(r for r in rows[1:] if r[1] not in ("Summe", ""))
    assert row[:3] == [f"'{text}", f"'{text} Vermittlung", f"'{grade}"]
    office_sum = next(r for r in rows[1:] if r[1] == "Summe" and r[0] == f"'{text}")
    assert office_sum[3:7] == ["1", "1,000", "0,000", "-1,000"]  # positions, budgeted, filled, difference


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["personal", "vakanzen"])  # issue 13: positions are the district's staff plan
def test_the_import_template_csv_is_written_by_the_same_helper(client, clerk_witten, witten_office, kind):
    from integrations import imports

    client.force_login(clerk_witten)
    response = client.get(reverse("integrations:import_template", args=[kind, "csv"]))
    assert response["Content-Disposition"] == f'attachment; filename="Vorlage-{imports.KINDS[kind].label}.csv"'
    assert _rows(response) == [imports.template_header(kind)]


def test_every_csv_export_goes_through_csv_response():
    """One CSV writer: no other module of the application writes CSV or sets the CSV content type."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", "bench", ".venv", "var") or "migrations" in parts or path == ROOT / "staffing/ui.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "csv.writer(" in text or "text/csv" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- paginate -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("seite", "number"), [
    (None, 1), ("2", 2), ("abc", 1), ("-1", 3), ("0", 3), ("999999", 3), ("1e9", 1), ("2.0", 1), ("", 1),
    ("9" * 5000, 1), ("\x00", 1), ("<script>", 1),
])
def test_paginate_answers_any_seite_with_a_page(seite, number):
    query = {} if seite is None else {"seite": seite}
    page = paginate(RequestFactory().get("/", query), list(range(55)), per_page=25)
    assert page.number == number
    assert page.paginator.per_page == 25


HOSTILE = ["abc", "-1", "999999", "1e9", "0", "9" * 400]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staffing:notice_list", "staffing:notification_list", "moved:staff_list",
                                  "staffing:position_list", "moved:vacancy_list", "planning:staff_register",
                                  "planning:vacancies", "planning:messages"])
def test_every_paged_list_answers_a_hostile_seite_with_a_page(client, clerk_witten, witten_office, name):
    for i in range(3):
        PositionFactory(office=witten_office, number=f"W-{i}")
    client.force_login(clerk_witten)
    for seite in HOSTILE:
        response = client.get(reverse(name), {"seite": seite}, follow=True)
        assert response.status_code == 200, (name, seite)


def test_each_list_keeps_its_page_size():
    from planning import views as planning_views
    from staffing import views as staffing_views

    assert staffing_views.PAGE_SIZE == 25
    assert planning_views.PAGE_SIZE == 50


# --- forms: the date widget, the service error, the error summary ---------------------------------

class _Form(forms.Form):
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(label="Art", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    day = forms.DateField(label="Tag", widget=DateInput(), required=False)


def test_the_date_widget_is_a_text_input_with_the_german_date():
    import datetime

    html = str(_Form(initial={"day": datetime.date(2027, 2, 1)})["day"])
    # issue 14: no browser date picker (it shows the browser's locale format); TT.MM.JJJJ as typed
    assert 'type="text"' in html and 'value="01.02.2027"' in html and 'placeholder="TT.MM.JJJJ"' in html


def test_a_service_error_lands_on_its_field_or_on_the_form():
    form = _Form({"name": "x", "kind": "a"})
    assert form.is_valid()
    apply_service_error(form, ValidationError({"name": "Der Name ist vergeben.", "position": "Stelle fehlt."}))
    assert form.errors["name"] == ["Der Name ist vergeben."]
    assert form.non_field_errors() == ["Stelle fehlt."]
    other = _Form({"name": "x", "kind": "a"})
    other.is_valid()
    apply_service_error(other, ValidationError("Die Frist ist abgelaufen."))
    assert other.non_field_errors() == ["Die Frist ist abgelaufen."]


def test_summary_items_link_to_the_control_or_the_first_option():
    form = _Form({})
    assert not form.is_valid()
    assert summary_items(form, label_prefix="Person 1: ") == [
        ("id_name", "Person 1: Name", "Dieses Feld ist zwingend erforderlich."),
        ("id_kind_0", "Person 1: Art", "Dieses Feld ist zwingend erforderlich."),
    ]


def test_the_error_summary_tag_lists_every_error_with_a_link_and_nothing_without_errors():
    template = Template("{% load kern %}{% error_summary form other %}")
    assert template.render(Context({"form": _Form(), "other": None})).strip() == ""
    form = _Form({"kind": "z"})
    form.is_valid()
    form.add_error(None, "Bitte erneut versuchen.")
    html = template.render(Context({"form": form, "other": None}))
    assert 'id="fehlerliste"' in html and 'role="alert"' in html and "Bitte prüfen Sie Ihre Angaben" in html
    assert '<a class="kern-link" href="#id_name">Name: Dieses Feld ist zwingend erforderlich.</a>' in html
    assert 'href="#id_kind_0">Art: ' in html
    assert "<li>Bitte erneut versuchen.</li>" in html


def test_the_field_tag_links_hint_and_error_to_the_control():
    form = _Form({})
    form.fields["name"].help_text = "Vor- und Nachname"
    form.is_valid()
    html = Template("{% load kern %}{% kern_field form.name %}{% kern_field form.day optional=True %}").render(
        Context({"form": form}))
    assert '<label class="kern-label" for="id_name">Name</label>' in html
    assert 'id="id_name_hint"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_hint id_name_error"' in html and 'aria-invalid="true"' in html
    assert "Tag <span class=\"kern-label__optional\">– optional</span>" in html


def test_one_form_stack_one_date_widget_one_paginator():
    """The other apps use the core's helpers instead of their own copies."""
    templates = ROOT / "templates"
    assert sorted(str(p.relative_to(templates)) for p in templates.glob("**/field.html")) == [
        "staffing/includes/field.html"]
    assert not list(templates.glob("**/form_errors.html"))
    definitions = {"class DateInput": [], "Paginator(": [], "def get_or_404": [], "def _get_or_404": [],
                   "def apply_service_error": [], "def _apply_errors": [], "KernFormMixin": [], "kern_classes": []}
    for path in ROOT.glob("*/**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", "bench", ".venv", "var"):
            continue
        text = path.read_text(encoding="utf-8")
        for needle, found in definitions.items():
            if re.search(re.escape(needle) + r"\b" if needle[-1].isalnum() else re.escape(needle), text):
                found.append(str(path.relative_to(ROOT)))
    assert definitions == {"class DateInput": ["staffing/ui.py"], "Paginator(": ["staffing/ui.py"],
                           "def get_or_404": ["staffing/selectors.py"], "def _get_or_404": [],
                           "def apply_service_error": ["staffing/ui.py"], "def _apply_errors": [],
                           "KernFormMixin": [], "kern_classes": []}


# --- get_or_404 -----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["abc", None, "1e9", 10**12, "-1"])
def test_the_one_lookup_answers_404_for_a_malformed_or_unknown_pk(coordinator, pk):
    with pytest.raises(Http404):
        selectors.get_or_404(Position.objects.all(), pk)
    with pytest.raises(Http404):
        planning_selectors.report_for_user(coordinator, pk)
