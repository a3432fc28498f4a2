"""Issue 13, PS-4.2: reading the district's staff plan of an office from a CSV file (one row per
position). Each cell is checked with a German message naming the line; the rows go to
`staffing.records.staff_plan_import`, which writes all of them or nothing."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from staffing.models import Function

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
COLUMNS = [  # header, key, required
    ("Stellennummer", "number", True),
    ("Stellenbezeichnung", "title", True),
    ("Funktion", "function", True),
    ("Besoldungs-/Entgeltgruppe", "grade", True),
    ("Stellenanteil (VZÄ)", "fte", True),
    ("im Stellenplan", "is_active", False),
]
LIMITS = {"number": 40, "title": 160, "grade": 20}


@dataclass
class ParsedFile:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join((text or "").replace("*", "").strip().lower().split())


def template_csv() -> str:
    return ";".join(header for header, _k, _r in COLUMNS) + "\r\n"


def parse_csv(content: bytes) -> ParsedFile:
    """PS-4.2: the rows of a staff plan file (`;` or `,` separated, UTF-8 or Windows-1252), or the errors."""
    result = ParsedFile()
    if len(content) > MAX_BYTES:
        result.errors.append(_("Die Datei ist größer als 2 MB."))
        return result
    if b"\x00" in content[:1024] or content[:2] == b"PK":
        result.errors.append(_("Bitte laden Sie eine CSV-Datei hoch (Excel: „Speichern unter … CSV“)."))
        return result
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    lines = [(number, row) for number, row in enumerate(lines, start=1) if any(cell.strip() for cell in row)]
    if not lines:
        result.errors.append(_("Die Datei enthält keine Zeilen."))
        return result
    header = {_norm(cell): index for index, cell in enumerate(lines[0][1])}
    missing = [h for h, _k, required in COLUMNS if required and _norm(h) not in header]
    if missing:
        result.errors.append(_("Es fehlen Spalten: %(columns)s. Erwartet wird die Kopfzeile: %(header)s")
                             % {"columns": ", ".join(f"„{m}“" for m in missing),
                                "header": template_csv().strip()})
        return result
    if len(lines) - 1 > MAX_ROWS:
        result.errors.append(_("Die Datei hat mehr als %(n)s Zeilen.") % {"n": MAX_ROWS})
        return result
    functions = list(Function.objects.all())
    for line, cells in lines[1:]:
        row, row_errors = {"line": line}, []
        for header_text, key, required in COLUMNS:
            index = header.get(_norm(header_text))
            raw = cells[index].strip() if index is not None and index < len(cells) else ""
            if not raw:
                if required:
                    row_errors.append(_("„%(column)s“ fehlt") % {"column": header_text})
                elif key == "is_active":
                    row["is_active"] = True
                continue
            try:
                row[key] = _parse(key, raw, functions)
            except ValueError as error:
                row_errors.append(f"{header_text}: {error}")
        if row_errors:
            result.errors.extend(_("Zeile %(line)s: %(message)s") % {"line": line, "message": m} for m in row_errors)
        else:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(_("Die Datei enthält keine Stellen."))
    return result


def _parse(key: str, raw: str, functions):
    if key in LIMITS:
        if len(raw) > LIMITS[key]:
            raise ValueError(_("ist zu lang (höchstens %(n)s Zeichen)") % {"n": LIMITS[key]})
        return raw
    if key == "function":
        for function in functions:
            if raw.lower() in (function.code.lower(), function.name.lower(),
                               str(Function.Code(function.code).label).lower()):
                return function
        raise ValueError(_("„%(value)s“ ist keine bekannte Funktion; erlaubt: %(allowed)s") % {
            "value": raw, "allowed": ", ".join(f"„{f.name}“" for f in functions)})
    if key == "fte":
        try:
            value = Decimal(raw.replace(",", ".")).quantize(Decimal("0.001"))
        except (InvalidOperation, ValueError):
            raise ValueError(_("„%(value)s“ ist keine Zahl (z. B. 0,5)") % {"value": raw}) from None
        if not (Decimal("0") < value <= Decimal("1")):
            raise ValueError(_("muss größer als 0 und höchstens 1 sein"))
        return value
    if key == "is_active":
        if raw.lower() in ("ja", "j", "x", "1"):
            return True
        if raw.lower() in ("nein", "n", "0"):
            return False
        raise ValueError(_("bitte „ja“ oder „nein“ angeben"))
    return raw
