"""Import of the staff register and vacancies from XLSX or CSV (PS-6.1, PS-4.3); positions are the district's
(issue 13, PS-4.2) and are referenced by number only.

Two steps: `import_preview` reads and checks every row and names each row's errors in German, saving
nothing; `import_confirm` checks again and writes the whole file in one transaction, or nothing.
Only into the regional office of the city clerk's own city. Rows are matched to existing records
(person by name and entry date, vacancy by position and date) and updated.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from staffing import records
from staffing.access import can, regional_office_of
from staffing.models import (
    CareerTrack,
    Employment,
    Function,
    Induction,
    Office,
    Position,
    Qualification,
    StaffMember,
    User,
    Vacancy,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (German message for the user)."""


# --- cell parsers: each returns the value or raises ValueError with a German message ------------

def _text(max_length: int):
    def parse(raw: Any) -> str:
        value = _as_text(raw)
        if len(value) > max_length:
            raise ValueError(_("ist zu lang (höchstens %(n)s Zeichen)") % {"n": max_length})
        return value
    return parse


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _fte(raw: Any) -> Decimal:
    text = _as_text(raw).replace(",", ".")
    try:
        value = Decimal(text).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValueError(_("„%(value)s“ ist keine Zahl (z. B. 0,5)") % {"value": _as_text(raw)}) from None
    if not (Decimal("0") < value <= Decimal("1")):
        raise ValueError(_("muss größer als 0 und höchstens 1 sein"))
    return value


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _as_text(raw)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("„%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ)") % {"value": text})


def _count(raw: Any) -> int:
    text = _as_text(raw)
    if not text.isdigit():
        raise ValueError(_("„%(value)s“ ist keine ganze Zahl ab 0") % {"value": text})
    return int(text)


def _yes_no(raw: Any) -> bool:
    text = _as_text(raw).lower()
    if text in ("ja", "j", "x", "1", "wahr", "true", "yes"):
        return True
    if text in ("nein", "n", "0", "falsch", "false", "no"):
        return False
    raise ValueError(_("bitte „ja“ oder „nein“ angeben"))


def _choice(choices, aliases: dict[str, str] | None = None):
    """Accept the German label or the stored value, case-insensitively."""
    def parse(raw: Any) -> str:
        text = _as_text(raw).lower()
        with override("de"):
            table = {str(label).lower(): value for value, label in choices.choices}
        table.update({value.lower(): value for value in choices.values})
        table.update(aliases or {})
        if text in table:
            return table[text]
        with override("de"):
            allowed = ", ".join(f"„{label}“" for label in choices.labels)
        raise ValueError(_("„%(value)s“ ist nicht zulässig; erlaubt: %(allowed)s") % {
            "value": _as_text(raw), "allowed": allowed})
    return parse


def _function(raw: Any) -> Function:
    text = _as_text(raw).lower()
    for function in Function.objects.all():
        if text in (function.code.lower(), function.name.lower(), str(Function.Code(function.code).label).lower()):
            return function
    allowed = ", ".join(f"„{f.name}“" for f in Function.objects.all())
    raise ValueError(_("„%(value)s“ ist keine bekannte Funktion; erlaubt: %(allowed)s") % {
        "value": _as_text(raw), "allowed": allowed})


EMPLOYMENT_ALIASES = {"beamtin": Employment.CIVIL_SERVANT, "beamter": Employment.CIVIL_SERVANT,
                      "beamte": Employment.CIVIL_SERVANT, "tarifbeschäftigte": Employment.EMPLOYEE,
                      "tarifbeschäftigter": Employment.EMPLOYEE, "angestellte": Employment.EMPLOYEE,
                      "angestellter": Employment.EMPLOYEE}


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Any
    required: bool = True
    default: Any = None
    example: str = ""


@dataclass
class Row:
    line: int
    raw: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = ""
    instance: Any = None


@dataclass
class Preview:
    kind: str
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)


# --- the three kinds --------------------------------------------------------------------------

class Kind:
    key = ""
    label = ""
    columns: list[Column] = []

    def check(self, rows: list[Row], office: Office) -> None:
        """Cross-row and database checks; adds errors to rows and sets each row's action."""

    def save(self, row: Row, *, by: User) -> None:
        """Write the row's checked record through the records' services (staffing.records), inside the
        import's one transaction; they check the office and the model again and keep the vacancies."""
        raise NotImplementedError


def _values(instance, fields) -> dict:
    return {name: getattr(instance, name) for name in fields}


def _bind(row: Row, instance) -> None:
    """Attach the row to the record it creates or updates, and say which of the two in the preview."""
    row.instance = instance
    row.action = _("wird aktualisiert") if instance.pk else _("neu")


def _apply(row: Row, data: dict) -> None:
    """Copy a row without errors onto its record and validate it with the model's own rules."""
    if row.errors:
        return
    for name, value in data.items():
        setattr(row.instance, name, value)
    _full_clean(row, row.instance)


def _full_clean(row: Row, instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        _add_errors(row, instance, exc)


def _add_errors(row: Row, instance, exc: ValidationError) -> None:
    """The model's or a service's German messages on the row, each after its column's name."""
    if not hasattr(exc, "error_dict"):
        row.errors.extend(str(message) for message in exc.messages)
        return
    for name, messages in exc.message_dict.items():
        label = instance._meta.get_field(name).verbose_name if name != "__all__" else ""
        for message in messages:
            row.errors.append(f"{label}: {message}" if label else str(message))


class StaffKind(Kind):
    """PS-6.1: the staff register (headcount, qualification, function, pay grade) of the regional office."""

    key = "personal"
    label = "Personal"
    columns = [
        Column("Nachname", "last_name", _text(80), example="Muster"),
        Column("Vorname", "first_name", _text(80), example="Anna"),
        Column("Funktion", "function", _function, example="Arbeitsvermittlung"),
        Column("Stellennummer", "position_number", _text(40), required=False, default="", example="ST-0101"),
        Column("Beschäftigungsverhältnis", "employment", _choice(Employment, EMPLOYMENT_ALIASES),
               example="Tarifbeschäftigte/r"),
        Column("Besoldungs-/Entgeltgruppe", "grade", _text(20), example="EG 9c"),
        Column("Arbeitszeitanteil (VZÄ)", "fte", _fte, example="0,5"),
        Column("Einsatzbereich", "area_of_deployment", _text(160), required=False, default="", example="U25"),
        Column("Qualifikation", "qualification", _choice(Qualification),
               example="Hochschul-/Fachhochschulabschluss"),
        Column("Abschluss / Ausbildung", "qualification_detail", _text(200), required=False, default="",
               example="B.A. Soziale Arbeit"),
        # PS-1.1 (issue 13): the completed career track, compared with the district's career-track table
        Column("Abgeschlossene Laufbahnausbildung / Qualifikation", "career_track", _choice(CareerTrack),
               required=False, default="", example=""),
        Column("Monate einschlägiger Berufserfahrung", "months_experience", _count, required=False, default=0,
               example="24"),
        Column("Praxiseinweisung", "induction", _choice(Induction), required=False,
               default=Induction.NOT_NEEDED, example="nicht erforderlich"),
        Column("Eintritt", "joined_on", _date, example="01.02.2024"),
        Column("Austritt", "left_on", _date, required=False, default=None, example=""),
    ]

    def check(self, rows, office):
        positions = {p.number: p for p in Position.objects.filter(office=office)}
        existing = {(m.last_name.lower(), m.first_name.lower(), m.joined_on): m
                    for m in StaffMember.objects.filter(office=office)}
        seen: dict[tuple, int] = {}
        for row in rows:
            data = dict(row.data)
            number = data.pop("position_number", "")
            if number:
                position = positions.get(number)
                if position is None:
                    row.errors.append(_("Stellennummer „%(number)s“ gibt es in Ihrer Regionalstelle nicht.")
                                      % {"number": number})
                data["position"] = position
            else:
                data["position"] = None
            if data.get("left_on") and data.get("joined_on") and data["left_on"] < data["joined_on"]:
                row.errors.append(_("Austritt: darf nicht vor dem Eintritt liegen."))
            key = (data.get("last_name", "").lower(), data.get("first_name", "").lower(), data.get("joined_on"))
            if all(key) and key in seen:
                row.errors.append(_("Dieselbe Person (Name und Eintritt) steht bereits in Zeile %(line)s.")
                                  % {"line": seen[key]})
                continue
            if all(key):
                seen[key] = row.line
            _bind(row, existing.get(key) or StaffMember(office=office))
            _apply(row, data)

    def save(self, row, *, by):
        """A new person on a position closes its open vacancy; a leaving date entered for the first time
        opens one (PS-4.3, as on the register's pages)."""
        data = _values(row.instance, records.STAFF_FIELDS)
        if row.instance.pk is None:
            records.staff_member_create(by=by, **data)
        else:
            records.staff_member_update(by=by, member_id=row.instance.pk, **data)


class VacancyKind(Kind):
    """PS-4.3: vacated positions of the regional office."""

    key = "vakanzen"
    label = "Vakanzen"
    columns = [
        Column("Stellennummer", "position_number", _text(40), example="ST-0101"),
        Column("frei seit", "vacated_on", _date, example="01.10.2026"),
        Column("wiederbesetzt am", "refilled_on", _date, required=False, default=None, example=""),
        Column("Anlass", "reason", _text(200), required=False, default="", example="Ruhestand"),
    ]

    def check(self, rows, office):
        positions = {p.number: p for p in Position.objects.filter(office=office)}
        existing = {(v.position_id, v.vacated_on): v for v in Vacancy.objects.filter(position__office=office)}
        open_in_db = {v.position_id: v for v in existing.values() if v.refilled_on is None}
        open_in_file: dict[int, int] = {}
        for row in rows:
            data = dict(row.data)
            number = data.pop("position_number", "")
            position = positions.get(number) if number else None
            if number and position is None:
                row.errors.append(_("Stellennummer „%(number)s“ gibt es in Ihrer Regionalstelle nicht.")
                                  % {"number": number})
            if data.get("refilled_on") and data.get("vacated_on") and data["refilled_on"] < data["vacated_on"]:
                row.errors.append(_("wiederbesetzt am: darf nicht vor „frei seit“ liegen."))
            if position is None or not data.get("vacated_on"):
                continue
            _bind(row, existing.get((position.pk, data["vacated_on"])) or Vacancy(position=position))
            if data.get("refilled_on") is None:
                if position.pk in open_in_file:
                    row.errors.append(_("Für die Stelle „%(number)s“ steht schon in Zeile %(line)s eine offene "
                                        "Vakanz; je Stelle ist nur eine offene Vakanz möglich.")
                                      % {"number": number, "line": open_in_file[position.pk]})
                open_in_file.setdefault(position.pk, row.line)
                other = open_in_db.get(position.pk)
                if other is not None and other.pk != row.instance.pk:
                    row.errors.append(_("Für die Stelle „%(number)s“ ist bereits eine offene Vakanz erfasst (frei "
                                        "seit %(day)s).") % {"number": number,
                                                              "day": other.vacated_on.strftime("%d.%m.%Y")})
            _apply(row, data)

    def save(self, row, *, by):
        records.vacancy_save(by=by, vacancy_id=row.instance.pk, **_values(row.instance, records.VACANCY_FIELDS))


# Positions are the district's staff plan (issue 13, PS-4.2): a city's import no longer creates or changes
# them (the district reads its plan on the staff plan page, planning.staffplan); staff and vacancy rows name them.
KINDS: dict[str, Kind] = {k.key: k for k in (StaffKind(), VacancyKind())}


def kind_choices() -> list[tuple[str, str]]:
    return [(k.key, _(k.label)) for k in KINDS.values()]


# --- reading files ----------------------------------------------------------------------------

def _read_table(content: bytes, filename: str) -> list[list[Any]]:
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Die Datei ist größer als 5 MB."))
    if content[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if filename.lower().endswith((".csv", ".txt")) or b"\x00" not in content[:1024]:
        return _read_csv(content)
    raise ImportFileError(_("Bitte laden Sie eine Excel-Datei (.xlsx) oder eine CSV-Datei hoch."))


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden. Bitte speichern Sie sie als .xlsx.")) \
            from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:  # German Excel saves CSV as Windows-1252
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _normalise(header: Any) -> str:
    return " ".join(_as_text(header).lower().replace("*", "").split())


def import_preview(*, by: User, kind: str, content: bytes, filename: str) -> Preview:
    """PS-6.1: read and check every row, naming each row's errors; nothing is saved."""
    office = import_office_for(by)
    spec = KINDS[kind]
    preview = Preview(kind=kind, rows=[], columns=spec.columns)
    try:
        table = _read_table(content, filename)
    except ImportFileError as exc:
        preview.file_errors = exc.messages
        return preview
    table = [row for row in table if any(_as_text(cell) for cell in row)]
    if not table:
        preview.file_errors = [_("Die Datei enthält keine Zeilen.")]
        return preview
    header_line, header = _find_header(table, spec)
    positions = {_normalise(h): i for i, h in enumerate(header) if _as_text(h)}
    missing = [c.header for c in spec.columns if c.required and _normalise(c.header) not in positions]
    if missing:
        preview.file_errors = [_("Es fehlen Spalten: %(columns)s. Bitte verwenden Sie die Vorlage.")
                               % {"columns": ", ".join(f"„{m}“" for m in missing)}]
        return preview
    body = table[header_line + 1:]
    if len(body) > MAX_ROWS:
        preview.file_errors = [_("Die Datei hat mehr als %(n)s Zeilen.") % {"n": MAX_ROWS}]
        return preview
    for offset, cells in enumerate(body):
        row = Row(line=header_line + offset + 2, raw={})
        for column in spec.columns:
            index = positions.get(_normalise(column.header))
            raw = cells[index] if index is not None and index < len(cells) else None
            row.raw[column.key] = raw.strftime("%d.%m.%Y") if isinstance(raw, (date, datetime)) else _as_text(raw)
            if not _as_text(raw):
                if column.required:
                    row.errors.append(_("%(column)s: fehlt") % {"column": column.header})
                else:
                    row.data[column.key] = column.default
                continue
            try:
                row.data[column.key] = column.parse(raw)
            except ValueError as exc:
                row.errors.append(f"{column.header}: {exc}")
        preview.rows.append(row)
    spec.check(preview.rows, office)
    return preview


def _find_header(table: list[list[Any]], spec: Kind) -> tuple[int, list[Any]]:
    """The header is the first row that names a required column (a title row above it is allowed)."""
    wanted = {_normalise(c.header) for c in spec.columns if c.required}
    for index, row in enumerate(table[:10]):
        if wanted & {_normalise(cell) for cell in row}:
            return index, row
    return 0, table[0]


def import_office_for(user: User) -> Office:
    """Imports go only into the regional office of the city clerk's own city."""
    if not can(user, "import.run"):
        raise PermissionDenied(_("Nur die Personalsachbearbeitung einer Stadt kann Daten ihrer Regionalstelle "
                                 "einlesen."))
    office = regional_office_of(user)
    if office is None:
        raise PermissionDenied(_("Für Ihre Stadt ist keine Regionalstelle angelegt."))
    return office


class ImportRejected(Exception):
    """The file had errors at confirmation; nothing was saved."""

    def __init__(self, preview: Preview):
        super().__init__("import rejected")
        self.preview = preview


@transaction.atomic
def import_confirm(*, by: User, kind: str, content: bytes, filename: str) -> Preview:
    """PS-6.1: check the file again and write every row in one transaction, or nothing at all."""
    office = import_office_for(by)
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one import per office at a time
    preview = import_preview(by=by, kind=kind, content=content, filename=filename)
    if not preview.ok:
        raise ImportRejected(preview)
    spec = KINDS[kind]
    for row in preview.rows:
        try:
            spec.save(row, by=by)
        except ValidationError as exc:  # the services check again: a row refused now, the whole file undone
            _add_errors(row, row.instance, exc)
    if not preview.ok:
        raise ImportRejected(preview)
    return preview


# --- template files ---------------------------------------------------------------------------

def template_header(kind: str) -> list[str]:
    """The header row of the template: the expected columns (the CSV template is only this row)."""
    return [c.header for c in KINDS[kind].columns]


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = KINDS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.label
    sheet.append([c.header for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        allowed = _allowed_values(column)
        if allowed:
            validation = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True)
            validation.error = _("Bitte einen Wert aus der Liste wählen.")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    notes = workbook.create_sheet(_("Hinweise"))
    notes.append([_("Spalte"), _("Pflicht"), _("Beispiel / erlaubte Werte")])
    for column in spec.columns:
        allowed = _allowed_values(column)
        notes.append([column.header, _("ja") if column.required else _("nein"),
                      ", ".join(allowed) if allowed else column.example])
    notes.append([])
    notes.append([_("Datumsangaben als TT.MM.JJJJ, Anteile als Dezimalzahl (z. B. 0,5). Die erste Zeile des "
                    "ersten Blatts enthält die Spaltenüberschriften.")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CHOICE_COLUMNS = {"employment": Employment, "qualification": Qualification, "induction": Induction,
                  "career_track": CareerTrack}


def _allowed_values(column: Column) -> list[str]:
    if column.parse is _function:
        return [f.name for f in Function.objects.all()]
    if column.parse is _yes_no:
        return ["ja", "nein"]
    if column.key in CHOICE_COLUMNS:
        with override("de"):
            return [str(label) for label in CHOICE_COLUMNS[column.key].labels]
    return []
