"""The UI helpers every app's forms and views share: the date widget, a service's ValidationError on a
form, the items of the error summary (WCAG 3.3.1), paging by `seite`, and the CSV download for Excel.

The field markup itself is the `kern_field` tag and the error summary the `error_summary` tag in
`staffing/templatetags/kern.py` (templates `staffing/includes/field.html` and `error_summary.html`).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.utils.http import content_disposition_header

PAGE_PARAMETER = "seite"

# cells that Excel and LibreOffice would read as a formula (CSV injection, OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO format, which that picker expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def field_anchor(bound_field) -> str:
    """The id the error summary links to: the control itself, or the first option of a group."""
    if isinstance(bound_field.field.widget, CHOICE_LIST_WIDGETS):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def apply_service_error(form, error: ValidationError) -> None:
    """Put the service's German messages on the form's fields where they exist, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages if hasattr(e, "messages") else e)
    else:
        form.add_error(None, error.messages)


def summary_items(form, *, label_prefix: str = "") -> list[tuple[str, str, str]]:
    """(anchor id, label, message) for each error at a field, in the form's order of errors."""
    items = []
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        for message in errors:
            items.append((field_anchor(bound), f"{label_prefix}{bound.label}", message))
    return items


SENTENCE_ENDS = (".", "!", "?", ":", "…")


def summary_text(label: str, message: str) -> str:
    """WCAG 3.3.1 (issue 14): one line of the error summary, "Label: Meldung". A label that is a sentence
    of its own (a confirmation ending in ".") is followed by the message as the next sentence, never ".:"."""
    label = (label or "").strip()
    if not label:
        return str(message)
    if label.endswith(SENTENCE_ENDS):
        return f"{label} {message}"
    return f"{label}: {message}"


def paginate(request, qs, *, per_page: int) -> Page:
    """The page named by `?seite=`; a missing, malformed or too large number gives the first or last page."""
    return Paginator(qs, per_page).get_page(request.GET.get(PAGE_PARAMETER))


def csv_cell(value) -> str:
    """A cell as text. Text that would start a formula gets a leading apostrophe; numbers are numbers
    (a negative one stays readable), decimals with the German decimal comma."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (Decimal, float)):
        return format(Decimal(str(value)) if isinstance(value, float) else value, "f").replace(".", ",")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download for Excel: ";" separated, UTF-8 with BOM, CRLF, formulas neutralised (`csv_cell`).

    `rows` may be an iterator (e.g. `qs.iterator()`); the rows are written as they come."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")  # the BOM lets Excel read UTF-8
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
