"""Writes of data protection (DSGVO): erasure after the retention period and the record of access."""
from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from staffing.models import Candidate, User

from .models import CandidateDataAccess
from .selectors import expired_candidates

logger = logging.getLogger(__name__)

ERASED_FIELDS = ("full_name", "qualification_detail", "professional_background")


def erase_expired_personal_data(*, now: datetime.datetime | None = None) -> int:
    """DSGVO Art. 5 (1) e / Art. 17: erase candidates' personal data after the retention period.

    After RETENTION_DAYS (default 730) from the notice's closing, the personal data of candidates who
    were not placed, and of every candidate of a withdrawn notice, is erased (name, degree, professional
    background blanked; `erased_at` set). The audit trail (NoticeEvent) keeps the fact of each decision:
    it holds states, times, actors and reasons, never candidate fields.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(expired_candidates(now).select_for_update().values_list("pk", flat=True))
        erased = Candidate.objects.filter(pk__in=ids).update(erased_at=now, **dict.fromkeys(ERASED_FIELDS, ""))
    if erased:
        logger.info("retention: erased personal data of %s candidates", erased,
                    extra={"event": "retention_erased", "count": erased})
    return erased


def record_candidate_access(*, user: User, notice_id, view: str, candidate_ids=None) -> None:
    """DSGVO record of access: `user` was shown the candidates of a notice (only if it has unerased
    candidates). `notice_id` comes from the URL; anything that is not a number records nothing.
    `candidate_ids`: the unerased candidates the view showed, when it says so (issue 16, point 4: no query
    for what the page has read already); else all unerased candidates of the notice are read."""
    try:
        notice_id = int(notice_id)
    except (TypeError, ValueError):
        return
    if candidate_ids is not None:
        ids = sorted(int(pk) for pk in candidate_ids)
    else:
        ids = list(Candidate.objects.filter(notice_id=notice_id, erased_at__isnull=True)
                   .values_list("pk", flat=True))
    if ids:
        CandidateDataAccess.objects.create(user=user, notice_id=notice_id, candidate_ids=ids, view=view)
