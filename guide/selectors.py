"""Reads of the guide (issue 17, points 4 and 5): the operator's settings and what the checks found."""
from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Feedback

AUDIT_FILE = Path(__file__).with_name("data") / "accessibility_audit.json"
RATE_LIMIT_PER_HOUR = 5


@functools.lru_cache(maxsize=1)
def accessibility_audit() -> dict:
    """issue 17, point 4: the checks behind the accessibility statement (guide/data/accessibility_audit.json,
    the same file the browser test reads), with its dates as dates."""
    data = json.loads(AUDIT_FILE.read_text(encoding="utf-8"))
    for key in ("statement_date", "last_review"):
        data[key] = datetime.date.fromisoformat(data[key])
    return data


def conformity(audit: dict) -> str:
    """BITV 2.0 § 7 / EU 2016/2102, model statement: "vollständig" only without known limitations; the
    checks are automated and the limitations listed, so the honest state is "teilweise barrierefrei"."""
    if audit["limitations"]:
        return _("teilweise barrierefrei")
    return _("barrierefrei")


def operator() -> dict:
    """issue 17, point 4: the operator of the installation as configured (OPERATOR_*), and whether the
    values are the shipped examples (then the pages say so)."""
    return {
        "name": settings.OPERATOR_NAME,
        "address": settings.OPERATOR_ADDRESS,
        "email": settings.OPERATOR_EMAIL,
        "phone": settings.OPERATOR_PHONE,
        "representative": settings.OPERATOR_REPRESENTATIVE,
        "dpo": settings.OPERATOR_DATA_PROTECTION_OFFICER,
        "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL or settings.OPERATOR_EMAIL,
        "is_example": settings.OPERATOR_IS_EXAMPLE,
    }


def enforcement_body() -> dict:
    """BITV 2.0 § 7 Abs. 1 Nr. 4: the conciliation / enforcement body (for NRW the Ombudsstelle für
    barrierefreie Informationstechnik), configurable (ACCESSIBILITY_ENFORCEMENT_*)."""
    return {
        "name": settings.ACCESSIBILITY_ENFORCEMENT_NAME,
        "address": settings.ACCESSIBILITY_ENFORCEMENT_ADDRESS,
        "email": settings.ACCESSIBILITY_ENFORCEMENT_EMAIL,
        "url": settings.ACCESSIBILITY_ENFORCEMENT_URL,
    }


def feedback_count_since(client_key: str, since) -> int:
    """How many messages a sender (its keyed hash) sent since `since` (the rate limit of the form)."""
    return Feedback.objects.filter(client_key=client_key, created_at__gte=since).count()
