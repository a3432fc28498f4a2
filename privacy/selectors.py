"""Reads of data protection (DSGVO): whose data is past the retention period, and the Art. 15 export.

The scope of the requesting user comes from `staffing.selectors` (the visibility rule lives there, once).
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from staffing import access
from staffing import selectors as staffing_selectors
from staffing.models import Candidate, NoticeComment, NoticeState, PlacementNotice, StaffMember, User

from .models import CandidateDataAccess


def expired_candidates(now: datetime.datetime | None = None) -> QuerySet[Candidate]:
    """Candidates whose personal data is past the retention period: not placed, or of a withdrawn notice,
    in a notice closed (placed or withdrawn) more than RETENTION_DAYS ago; not yet erased."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DAYS)
    closed = PlacementNotice.objects.filter(state__in=[NoticeState.PLACED, NoticeState.WITHDRAWN]).annotate(
        closed_at=Max("events__at", filter=Q(events__to_state__in=[NoticeState.PLACED, NoticeState.WITHDRAWN])))
    old = closed.filter(Q(closed_at__lte=cutoff) | Q(closed_at__isnull=True, updated_at__lte=cutoff))
    return Candidate.objects.filter(erased_at__isnull=True, notice__in=old.values("pk")).filter(
        Q(notice__state=NoticeState.WITHDRAWN) | Q(is_selected=False))


# --- Art. 15: what is held about one person ---------------------------------------------------

def _iso(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value if value is None or isinstance(value, bool | int | float | str | list | dict) else str(value)


def _row(obj, fields) -> dict:
    return {f: _iso(getattr(obj, f)) for f in fields}


def _json_contains_supported() -> bool:
    return connection.features.supports_json_field_contains


def _viewed_by(candidate: Candidate) -> list[dict]:
    """The record of access for one candidate (JSON containment where the database has it)."""
    accesses = CandidateDataAccess.objects.filter(notice_id=candidate.notice_id).select_related("user")
    if _json_contains_supported():
        accesses = accesses.filter(candidate_ids__contains=[candidate.pk])
    else:
        accesses = [a for a in accesses if candidate.pk in (a.candidate_ids or [])]
    return [{"user": a.user.username, "at": a.at.isoformat(), "view": a.view} for a in accesses]


def personal_data_export(*, name: str, by: User | None = None) -> dict:
    """DSGVO Art. 15: every record that names the person (exact name, case-insensitive), within the
    scope of `by` (all districts when `by` is None, e.g. the management command)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("name required")
    candidates = Candidate.objects.select_related("notice", "notice__office", "notice__position").filter(
        full_name__iexact=name)
    staff = StaffMember.objects.select_related("office", "function", "position")
    parts = name.rsplit(" ", 1)
    staff = staff.filter(first_name__iexact=parts[0], last_name__iexact=parts[-1]) if len(parts) == 2 \
        else staff.none()
    users = User.objects.filter(Q(username__iexact=name) | Q(
        first_name__iexact=parts[0], last_name__iexact=parts[-1]) if len(parts) == 2 else Q(username__iexact=name))
    if by is not None:
        candidates = candidates.filter(notice__in=staffing_selectors.notices_visible_to(by))
        staff = staff.filter(pk__in=staffing_selectors.staff_visible_to(by).values("pk"))
        users = users.filter(access.district_q(by, "organisation__district_id") or Q())
    candidate_rows = []
    for c in candidates:
        row = _row(c, ("pk", "full_name", "employment", "grade", "qualification", "qualification_detail",
                       "career_track", "professional_background", "months_experience", "induction_planned",
                       "is_selected", "erased_at"))
        row["notice"] = {"pk": c.notice_id, "state": c.notice.state, "office": str(c.notice.office),
                         "position": str(c.notice.position) if c.notice.position_id else None}
        row["viewed_by"] = _viewed_by(c)
        candidate_rows.append(row)
    user_rows = []
    for u in users:
        row = _row(u, ("pk", "username", "first_name", "last_name", "email", "is_active", "date_joined",
                       "last_login", "muted_email_kinds"))
        row["organisation"] = str(u.organisation) if u.organisation_id else None
        row["comments"] = [_row(c, ("notice_id", "text", "created_at"))
                           for c in NoticeComment.objects.filter(author=u)]
        row["candidate_data_viewed"] = [_row(a, ("notice_id", "candidate_ids", "view", "at"))
                                        for a in CandidateDataAccess.objects.filter(user=u)]
        user_rows.append(row)
    return {
        "subject": name,
        "generated_at": timezone.now().isoformat(),
        "legal_basis": "Art. 15 DSGVO",
        "retention_days": settings.RETENTION_DAYS,
        "candidates": candidate_rows,
        "staff_records": [
            {**_row(s, ("pk", "first_name", "last_name", "employment", "grade", "fte", "area_of_deployment",
                        "qualification", "qualification_detail", "career_track", "months_experience", "induction",
                        "training_notes", "joined_on", "function_since", "left_on", "leave_reason")),
             "office": str(s.office), "function": str(s.function)}
            for s in staff
        ],
        "user_accounts": user_rows,
    }
