"""Writes of the reports: the record of every export (issue 17, point 3: "logged")."""
from __future__ import annotations

import logging

from staffing import access

from .models import ExportLog

security_log = logging.getLogger("jobagentur.security")


def log_export(*, by, kind: str, file_format: str, notice=None, period=None, rows: int = 0) -> ExportLog:
    """Issue 17, point 3: who exported what, when, for which scope (the user's district, or all districts for
    the operator; a notice; a period), in `ExportLog` and as a line of the security log."""
    scope = access.scope_of(by)
    district_id = notice.office.district_id if notice is not None else (
        None if scope.everything else scope.district_id)
    record = ExportLog.objects.create(
        user=by, kind=kind, file_format=file_format, notice=notice, district_id=district_id,
        date_from=period.start if period else None, date_to=period.end if period else None, rows=rows)
    security_log.info(
        "export: user=%s kind=%s format=%s notice=%s district=%s period=%s..%s rows=%s", by.pk, kind, file_format,
        notice.pk if notice is not None else "-", district_id or "all",
        period.start if period else "-", period.end if period else "-", rows,
        extra={"event": "export", "user_id": by.pk})
    return record
