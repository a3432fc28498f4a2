"""Data protection (DSGVO): erasure after the retention period, access log, and the Art. 15 export.

- After RETENTION_DAYS (default 730) from the notice's closing, the personal data of candidates who
  were not placed, and of every candidate of a withdrawn notice, is erased (name, degree, professional
  background blanked; `erased_at` set). The audit trail (NoticeEvent) keeps the fact of each decision:
  it holds states, times, actors and reasons, never candidate fields.
- Every view of a notice page that shows candidates is recorded (CandidateDataAccess).
- `personal_data_export` collects everything held about one person as JSON (Art. 15).
"""
from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

ERASED_FIELDS = ("full_name", "qualification_detail", "professional_background")


def expired_candidates(now: datetime.datetime | None = None):
    """Candidates whose personal data is past the retention period: not placed, or of a withdrawn notice,
    in a notice closed (placed or withdrawn) more than RETENTION_DAYS ago; not yet erased."""
    from .models import Candidate, NoticeState, PlacementNotice

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DAYS)
    closed = PlacementNotice.objects.filter(state__in=[NoticeState.PLACED, NoticeState.WITHDRAWN]).annotate(
        closed_at=Max("events__at", filter=Q(events__to_state__in=[NoticeState.PLACED, NoticeState.WITHDRAWN])))
    old = closed.filter(Q(closed_at__lte=cutoff) | Q(closed_at__isnull=True, updated_at__lte=cutoff))
    return Candidate.objects.filter(erased_at__isnull=True, notice__in=old.values("pk")).filter(
        Q(notice__state=NoticeState.WITHDRAWN) | Q(is_selected=False))


def erase_expired_personal_data(now: datetime.datetime | None = None) -> int:
    """DSGVO Art. 5 (1) e / Art. 17: erase candidates' personal data after the retention period."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(expired_candidates(now).select_for_update().values_list("pk", flat=True))
        from .models import Candidate

        erased = Candidate.objects.filter(pk__in=ids).update(
            erased_at=now, **dict.fromkeys(ERASED_FIELDS, ""))
    if erased:
        logger.info("retention: erased personal data of %s candidates", erased,
                    extra={"event": "retention_erased", "count": erased})
    return erased


@shared_task(ignore_result=True)
def erase_expired_personal_data_task() -> int:
    """Daily beat job (data migration adds the schedule)."""
    return erase_expired_personal_data()


def record_candidate_access(*, user, notice_id, view: str) -> None:
    """Record that `user` was shown the candidates of a notice (only if it has unerased candidates)."""
    from .models import Candidate, CandidateDataAccess

    try:
        notice_id = int(notice_id)
    except (TypeError, ValueError):
        return
    ids = list(Candidate.objects.filter(notice_id=notice_id, erased_at__isnull=True).values_list("pk", flat=True))
    if ids:
        CandidateDataAccess.objects.create(user=user, notice_id=notice_id, candidate_ids=ids, view=view)


# --- Art. 15: what is held about one person ---------------------------------------------------

def _iso(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value if value is None or isinstance(value, bool | int | float | str | list | dict) else str(value)


def _row(obj, fields) -> dict:
    return {f: _iso(getattr(obj, f)) for f in fields}


def personal_data_export(*, name: str, by=None) -> dict:
    """DSGVO Art. 15: every record that names the person (exact name, case-insensitive), within the
    scope of `by` (all districts when `by` is None, e.g. the management command)."""
    from . import selectors
    from .models import Candidate, CandidateDataAccess, NoticeComment, StaffMember, User

    name = " ".join((name or "").split())
    if not name:
        raise ValueError("name required")
    notices = selectors.notices_visible_to(by) if by is not None else None
    candidates = Candidate.objects.select_related("notice", "notice__office", "notice__position").filter(
        full_name__iexact=name)
    staff = StaffMember.objects.select_related("office", "function", "position")
    parts = name.rsplit(" ", 1)
    staff = staff.filter(first_name__iexact=parts[0], last_name__iexact=parts[-1]) if len(parts) == 2 \
        else staff.none()
    users = User.objects.filter(Q(username__iexact=name) | Q(
        first_name__iexact=parts[0], last_name__iexact=parts[-1]) if len(parts) == 2 else Q(username__iexact=name))
    if by is not None:
        candidates = candidates.filter(notice__in=notices)
        staff = staff.filter(pk__in=selectors.staff_visible_to(by).values("pk"))
        users = users.filter(Q(organisation__district_id=by.organisation.district_id)
                             if by.organisation_id else Q(pk__in=[])) if not by.is_superuser else users
    candidate_rows = []
    for c in candidates:
        row = _row(c, ("pk", "full_name", "employment", "grade", "qualification", "qualification_detail",
                       "professional_background", "months_experience", "induction_planned", "is_selected",
                       "erased_at"))
        row["notice"] = {"pk": c.notice_id, "state": c.notice.state, "office": str(c.notice.office),
                         "position": str(c.notice.position) if c.notice.position_id else None}
        row["viewed_by"] = [
            {"user": a.user.username, "at": a.at.isoformat(), "view": a.view}
            for a in CandidateDataAccess.objects.filter(notice_id=c.notice_id, candidate_ids__contains=[c.pk])
            .select_related("user")
        ] if _json_contains_supported() else [
            {"user": a.user.username, "at": a.at.isoformat(), "view": a.view}
            for a in CandidateDataAccess.objects.filter(notice_id=c.notice_id).select_related("user")
            if c.pk in (a.candidate_ids or [])
        ]
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
                        "qualification", "qualification_detail", "months_experience", "induction",
                        "training_notes", "joined_on", "left_on")),
             "office": str(s.office), "function": str(s.function)}
            for s in staff
        ],
        "user_accounts": user_rows,
    }


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


# --- the page of the coordination office -------------------------------------------------------

def personal_data_export_view(request):
    """DSGVO Art. 15: the coordination office downloads what is held about one person (its district)."""
    import json

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.utils.text import slugify
    from django.utils.translation import gettext as _

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (request.user.is_coordination or request.user.is_superuser):
        raise PermissionDenied(_("Die Auskunft nach Art. 15 DSGVO erteilt die Koordinierungsstelle."))
    name = " ".join(request.GET.get("name", "").split())[:160]
    if not name:
        error = _("Bitte geben Sie den vollständigen Namen der Person ein.") if "name" in request.GET else ""
        return render(request, "staffing/privacy/export.html", {"name": name, "error": error},
                      status=400 if error else 200)
    data = personal_data_export(name=name, by=request.user)
    logging.getLogger("jobagentur.security").info(
        "personal data export: user=%s subject=%r", request.user.pk, name,
        extra={"event": "personal_data_export", "user_id": request.user.pk})
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="auskunft-{slugify(name) or "person"}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
