"""issue 14 (point 2): numbers and dates typed and shown the German way, in every money and FTE field."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

from planning.forms import PositionProposalForm
from staffing.forms import DecideForm, NoticeForm, PlaceForm
from staffing.models import DecisionKind, Position
from staffing.services import SUBSTITUTE
from staffing.ui import GermanDateField, GermanDecimalField, format_euro, format_fte

PERIOD = {"decide-cut_from": "01.01.2027", "decide-cut_to": "30.06.2027"}


def _decide(**data):
    payload = {"decide-kind": DecisionKind.PERMITTED, "decide-confirm": "on", **data}
    return DecideForm(payload, prefix="decide")


@pytest.mark.parametrize(("typed", "stored"), [
    ("1.250,50", Decimal("1250.50")), ("1250,50", Decimal("1250.50")), ("1.250", Decimal("1250")),
    ("1.250.000,00", Decimal("1250000.00")), ("1250.50", Decimal("1250.50")), ("1 250,50 €", Decimal("1250.50")),
])
def test_a_cut_typed_the_german_way_is_read_exactly(typed, stored):
    form = _decide(**{"decide-cut_amount": typed}, **PERIOD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cut_amount"] == stored


@pytest.mark.parametrize("typed", ["1,2,3", "1.25.0", "zwölf", "0.250,00"])
def test_a_number_that_is_no_number_is_refused_in_german_and_kept(typed):
    form = _decide(**{"decide-cut_amount": typed}, **PERIOD)
    assert not form.is_valid()
    assert form.errors["cut_amount"] == ["Bitte geben Sie eine Zahl ein, z. B. 1.250,50 oder 0,75."]
    assert f'value="{typed}"' in str(form["cut_amount"])


def test_a_percentage_takes_the_decimal_comma():
    form = _decide(**{"decide-cut_percent": "7,5"}, **PERIOD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cut_percent"] == Decimal("7.5")


@pytest.mark.parametrize(("typed", "stored"), [("0,75", Decimal("0.75")), ("0.75", Decimal("0.75")),
                                               ("1", Decimal("1")), ("1,000", Decimal("1")), ("1.000", Decimal("1"))])
def test_an_fte_share_is_read_exactly(db, typed, stored):
    field = PositionProposalForm.base_fields["fte"]
    assert isinstance(field, GermanDecimalField)
    assert field.clean(typed) == stored


def test_an_fte_share_above_one_is_refused_in_german(db):
    with pytest.raises(forms.ValidationError) as exc:
        PositionProposalForm.base_fields["fte"].clean("1,5")
    assert "kleiner oder gleich 1" in " ".join(exc.value.messages)


def test_money_and_fte_fields_are_text_inputs_for_the_comma():
    html = str(_decide()["cut_amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'type="number"' not in html


def test_a_stored_amount_is_shown_german_in_the_field():
    form = DecideForm(prefix="decide", initial={"cut_amount": Decimal("1250.5")})
    assert 'value="1.250,50"' in str(form["cut_amount"])


@pytest.mark.parametrize(("typed", "day"), [("01.02.2027", date(2027, 2, 1)), ("1.2.2027", date(2027, 2, 1)),
                                            ("2027-02-01", date(2027, 2, 1))])
def test_a_date_is_read_as_tt_mm_jjjj_or_iso(typed, day):
    assert GermanDateField().clean(typed) == day


@pytest.mark.parametrize("typed", ["31.02.2027", "2027-02-31", "morgen", "01/02/2027"])
def test_an_impossible_date_is_refused_in_german_and_kept(typed):
    form = _decide(**{"decide-cut_amount": "100", "decide-cut_from": typed, "decide-cut_to": "30.06.2027"})
    assert not form.is_valid()
    assert form.errors["cut_from"] == ["Bitte geben Sie ein gültiges Datum im Format TT.MM.JJJJ ein, "
                                       "z. B. 01.02.2027."]
    assert f'value="{typed}"' in str(form["cut_from"])


def test_the_date_input_is_text_with_the_hint_not_the_browsers_picker():
    html = str(_decide()["cut_from"])
    assert 'type="text"' in html and 'placeholder="TT.MM.JJJJ"' in html and 'inputmode="numeric"' in html
    assert 'type="date"' not in html


def test_the_filters_show_money_and_fte_the_german_way():
    out = Template("{% load kern %}{{ a|euro }}|{{ f|fte }}|{{ one|fte }}|{{ none|euro }}").render(
        Context({"a": Decimal("1250.50"), "f": Decimal("0.750"), "one": Decimal("1.000"), "none": None}))
    assert out == "1.250,50 €|0,75|1|"
    assert format_euro(Decimal("1250000")) == "1.250.000,00 €" and format_fte(Decimal("0.5")) == "0,5"


@override_settings(PLACEMENT_MAX_DAYS_AHEAD=30)
def test_a_placement_date_far_ahead_needs_the_confirmation_next_to_the_date():
    far = (timezone.localdate() + timedelta(days=31)).strftime("%d.%m.%Y")
    data = {"place-person": SUBSTITUTE, "place-substitute_name": "Eva Example", "place-substitute_reason": "krank",
            "place-placed_on": far, "place-confirm": "on"}
    form = PlaceForm(data, prefix="place")
    form.fields["person"].choices = [(SUBSTITUTE, "andere")]
    assert not form.is_valid()
    assert "mehr als 30 Tage in der Zukunft" in form.errors["placed_on"][0]
    confirmed = PlaceForm({**data, "place-confirm_ahead": "on"}, prefix="place")
    confirmed.fields["person"].choices = [(SUBSTITUTE, "andere")]
    assert "placed_on" not in confirmed.errors
    near = PlaceForm({**data, "place-placed_on": (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")},
                     prefix="place")
    near.fields["person"].choices = [(SUBSTITUTE, "andere")]
    assert "placed_on" not in near.errors


def test_a_planned_start_in_the_past_is_refused_in_german_next_to_the_field(db):
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y")
    form = NoticeForm({"planned_start": yesterday}, positions=Position.objects.none())
    assert not form.is_valid()
    assert "nicht in der Vergangenheit" in form.errors["planned_start"][0]
    assert f'value="{yesterday}"' in str(form["planned_start"])
    today = NoticeForm({"planned_start": timezone.localdate().strftime("%d.%m.%Y")}, positions=Position.objects.none())
    assert today.is_valid(), today.errors
