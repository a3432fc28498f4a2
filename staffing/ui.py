"""The UI helpers every app's forms and views share: the date widget, a service's ValidationError on a
form, the items of the error summary (WCAG 3.3.1), paging by `seite`, and the CSV download for Excel.

The field markup itself is the `kern_field` tag and the error summary the `error_summary` tag in
`staffing/templatetags/kern.py` (templates `staffing/includes/field.html` and `error_summary.html`).
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Window
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

PAGE_PARAMETER = "seite"

# cells that Excel and LibreOffice would read as a formula (CSV injection, OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


DATE_FORMAT = "%d.%m.%Y"
# TT.MM.JJJJ as people type it (also 1.2.2027); ISO (2027-02-01) stays accepted for robustness
DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    """issue 14: a date as TT.MM.JJJJ in a text input (the KERN date pattern: text with a hint), not the
    browser's date picker, which shows the browser's locale format. The value is shown as TT.MM.JJJJ;
    what was typed is shown again unchanged after a refused form."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "placeholder": "TT.MM.JJJJ", "pattern": DATE_PATTERN,
                    "autocomplete": "off", "size": "10", "maxlength": "10",
                    "title": _("Datum im Format TT.MM.JJJJ, z. B. 01.02.2027")}
        super().__init__({**defaults, **(attrs or {})}, format=DATE_FORMAT)


# issue 15, point 1: the days a person can mean in this application. Outside them (0001-01-01, 9999-12-31)
# the day before or after, a quarter or a deadline does not exist in Python's calendar (OverflowError).
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2199, 12, 31)
DATE_RANGE_MESSAGE = _("Bitte geben Sie ein Datum zwischen dem 01.01.1900 und dem 31.12.2199 ein.")


def validate_date_in_range(value) -> None:
    """issue 15, point 1: a date field refuses days outside MIN_DATE..MAX_DATE with a German message."""
    if isinstance(value, datetime.date) and not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


class GermanDateField(forms.DateField):
    """issue 14: a date typed as TT.MM.JJJJ (or ISO); an impossible date (31.02.2027) gets a German message.
    issue 15: so does a day outside 1900..2199."""

    widget = DateInput
    input_formats = DATE_INPUT_FORMATS
    default_validators = [validate_date_in_range]
    default_error_messages = {"invalid": _("Bitte geben Sie ein gültiges Datum im Format TT.MM.JJJJ ein, "
                                           "z. B. 01.02.2027.")}


def german_date_fields(form) -> None:
    """Every date field of `form` takes TT.MM.JJJJ and ISO and says in German when the date is not valid
    (issue 14) or lies outside 1900..2199 (issue 15)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            field.input_formats = DATE_INPUT_FORMATS
            field.error_messages["invalid"] = GermanDateField.default_error_messages["invalid"]
            if validate_date_in_range not in field.validators:
                field.validators.append(validate_date_in_range)


def parse_date_param(value, *, default=None) -> tuple[datetime.date | None, str]:
    """issue 15, point 1: a day from a query string (TT.MM.JJJJ or ISO, 1900..2199): (day, "") or, for
    anything else, (default, the German message). Empty gives (default, "")."""
    try:
        return GermanDateField(required=False).clean(value or "") or default, ""
    except ValidationError as error:
        return default, " ".join(error.messages)


# --- issue 14: German numbers ------------------------------------------------------------------------

GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
GROUPED_WITH_COMMA = re.compile(r"^([1-9]\d{0,2}(\.\d{3})+|\d+),\d+$")
PLAIN = re.compile(r"^\d+(\.\d+)?$")


def parse_german_decimal(text: str, *, thousands: bool = True) -> Decimal:
    """A number as German users type it: "1.250,50", "1250,50", "1.250" (thousands), "0,75", "1 250,50 €";
    a plain "1250.50" or "0.75" (decimal point, no comma, not in groups of three) is read as a decimal point.
    A leading minus is kept. Raises ValueError on anything else ("1,2,3", "1.25.0", "zwölf").
    `thousands=False` (a field that cannot hold 1.000 or more, e.g. an FTE share): "1.000" is one."""
    value = (str(text).replace("€", "").replace("%", "").replace("\u00a0", "").replace("\u202f", "")
             .replace(" ", "").strip())
    sign = ""
    if value.startswith(("-", "\u2212")):
        sign, value = "-", value[1:]
    if "," in value:
        if not GROUPED_WITH_COMMA.match(value):
            raise ValueError(text)
        value = value.replace(".", "").replace(",", ".")
    elif thousands and GROUPED.match(value):
        value = value.replace(".", "")
    if not PLAIN.match(value):
        raise ValueError(text)
    try:
        return Decimal(sign + value)
    except InvalidOperation:
        raise ValueError(text) from None


def format_german_decimal(value, places: int | None = 2, *, grouping: bool = True) -> str:
    """1250.5 -> "1.250,50" (places=2); places=None keeps the value's own places without trailing zeros
    (0.750 -> "0,75", 1.000 -> "1")."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is None:
        number = number.normalize()
        if number == number.to_integral():
            number = number.quantize(Decimal(1))
        text = format(number, ",f")
    else:
        text = format(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), f",.{places}f")
    if not grouping:
        text = text.replace(",", "")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def format_euro(value) -> str:
    """The one way money is shown (issue 14): "1.250,50 €"."""
    if value is None or value == "":
        return ""
    return f"{format_german_decimal(value, 2)} €"


def format_fte(value) -> str:
    """The one way an FTE share (VZÄ) is shown (issue 14): "0,75", "1", "0,5"."""
    return format_german_decimal(value, None)


class GermanDecimalInput(forms.TextInput):
    """A text input for German numbers (a number input would refuse the comma in some browsers)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class GermanDecimalField(forms.DecimalField):
    """issue 14: the one field for money and FTE: typed the German way ("1.250,50", "1250,50", "1.250",
    "0,75"), shown the German way, validated by max_digits/decimal_places/min_value/max_value as a
    DecimalField. Refused input keeps what was typed and says in German what is expected."""

    widget = GermanDecimalInput
    default_error_messages = {"invalid": _("Bitte geben Sie eine Zahl ein, z. B. 1.250,50 oder 0,75.")}

    def __init__(self, *, invalid_message=None, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        if invalid_message:
            self.error_messages["invalid"] = invalid_message
        # the DecimalField's number attributes (step, min, max) belong to a number input, not a text input
        for name in ("step", "min", "max"):
            self.widget.attrs.pop(name, None)

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, (int, float)):
            return Decimal(str(value))
        try:
            return parse_german_decimal(str(value).strip(), thousands=self.takes_thousands())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def takes_thousands(self) -> bool:
        """A field of at most three digits before the comma (an FTE share) reads "1.000" as one, not 1000."""
        if self.max_digits is None:
            return True
        return self.max_digits - (self.decimal_places or 0) > 3

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_german_decimal(value, 2 if self.decimal_places == 2 else None)
        return value


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


MAX_ID = 2**63 - 1  # the largest primary key the databases hold (bigint)


def id_or_404(value) -> int:
    """issue 15, point 1: a record's id from a hidden field or the query string: digits for 1..2^63-1, else 404
    ("abc", "", "-1", "1.5" and 2^63 would otherwise end in a ValueError or an overflow in the database)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise Http404
    return int(text)


def paginate(request, qs, *, per_page: int, rows=None) -> Page:
    """The page named by `?seite=`; a missing, malformed or too large number gives the first or last page.
    `rows`: read the page's ids first (`IdsFirstPaginator`)."""
    paginator = Paginator(qs, per_page) if rows is None else IdsFirstPaginator(qs, per_page, rows=rows)
    return paginator.get_page(request.GET.get(PAGE_PARAMETER))


class IdsFirstPaginator(Paginator):
    """Issue 16 (every page within 2x of its floor): the page's rows are read by their ids. `rows(page_ids)` gets
    `object_list.values("pk")[bottom:top]` (the same filters and order, no columns) and returns the page's rows
    with their columns, in the same order (e.g. `selectors.notice_list_rows`); the count and every answer to
    the page number are `Paginator`'s."""

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(list(self.rows(self.object_list.values("pk")[bottom:top])), number, self)


PAGE_TOTAL = "page_total"


def paginate_counted_in_rows(request, qs, *, per_page: int) -> Page:
    """`paginate` in one statement instead of two (issue 16, point 3: a cheap request): the page's rows carry the
    total as `COUNT(*) OVER ()` (annotation PAGE_TOTAL), so no separate COUNT(*) is sent. For row sets the
    database reads whole anyway to sort them (a user's own notifications: no index in their order), not for
    large scopes (the window would read every row where COUNT(*) reads an index). Same page, same total, same
    answers to a missing, malformed, too small or too large number as `paginate`: only a number the page
    reads rows for (missing or 1, 2, ...) takes the one statement; an empty page beyond the first, or any other
    value, takes `paginate`'s way (count, then the first or last page)."""
    raw = request.GET.get(PAGE_PARAMETER) or "1"
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) >= 1):
        return paginate(request, qs, per_page=per_page)
    number = int(raw)
    bottom = (number - 1) * per_page
    rows = list(qs.annotate(**{PAGE_TOTAL: Window(Count("*"))})[bottom:bottom + per_page])
    if not rows and number > 1:
        return paginate(request, qs, per_page=per_page)
    paginator = Paginator(qs, per_page)
    paginator.count = getattr(rows[0], PAGE_TOTAL) if rows else 0  # the cached_property's value
    return Page(rows, number, paginator)


def csv_cell(value) -> str:
    """A cell as text. Text that would start a formula gets a leading apostrophe; numbers are numbers
    (a negative one stays readable), decimals with the German decimal comma."""
    if value.__class__ is str:  # the common case first (issue 16, point 6: called for every cell of an export)
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (Decimal, float)):
        return format(Decimal(str(value)) if isinstance(value, float) else value, "f").replace(".", ",")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


STREAM_CHUNK_ROWS = 500  # issue 16, point 6: rows written per piece of a streamed CSV


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable], *, streaming: bool = False,
                 cells_final: bool = False):
    """A CSV download for Excel: ";" separated, UTF-8 with BOM, CRLF, formulas neutralised (`csv_cell`).

    `rows` may be an iterator (e.g. `qs.iterator()`); the rows are written as they come. With `streaming`
    (issue 16, point 6: exports of any length in constant memory) the answer is a StreamingHttpResponse that
    writes the rows while it is sent, STREAM_CHUNK_ROWS at a time through one small buffer, so `rows` should be
    a lazy iterator (`qs.values_list(...).iterator(chunk_size=...)`). With `cells_final` (streaming only) the
    view has passed every cell that could start a formula through `csv_cell` itself (the others are integers
    and text the view formatted, e.g. dates): the rows are written as they are."""
    if streaming:
        header_line = io.StringIO()
        csv.writer(header_line, delimiter=";", lineterminator="\r\n").writerow([csv_cell(h) for h in header])
        first = "\ufeff" + header_line.getvalue()  # the BOM lets Excel read UTF-8
        language = translation.get_language()  # the rows are written after the view returned

        def pieces():
            yield first
            remaining = iter(rows)
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            while True:  # one small buffer for STREAM_CHUNK_ROWS rows at a time, whatever the length
                with translation.override(language):
                    piece = islice(remaining, STREAM_CHUNK_ROWS)
                    writer.writerows(piece if cells_final else ([csv_cell(value) for value in row] for row in piece))
                if not buffer.tell():
                    return
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()

        response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")  # the BOM lets Excel read UTF-8
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


class EstimatedCountPaginator(Paginator):
    """Issue 16, point 6: the admin changelist of all notices nationwide (the operator's, without any condition)
    takes the row count from PostgreSQL's statistics (`pg_class.reltuples`, kept by autovacuum/ANALYZE)
    instead of counting a million rows on every page; the page says "etwa". Any condition (a district's
    scope, a filter, a search), SQLite, a table without statistics or fewer than `exact_below` rows: the
    exact COUNT as before."""

    exact_below = 10_000
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                table = queryset.model._meta.db_table
                with connection.cursor() as cursor:  # one statement: the estimate, or the exact count if small
                    cursor.execute(
                        f"SELECT reltuples >= %s, CASE WHEN reltuples >= %s THEN reltuples::bigint "
                        f"ELSE (SELECT count(*) FROM {connection.ops.quote_name(table)}) END "
                        f"FROM pg_class WHERE oid = %s::regclass",
                        [self.exact_below, self.exact_below, table])
                    row = cursor.fetchone()
                if row is not None:
                    self.estimated = bool(row[0])
                    return int(row[1])
        return super().count
