"""Coaching reports (PS-3.3): aggregates only ("in anonymisierter und allgemeiner Form, die eine
Identifizierung einzelner Mitarbeiter nicht zulässt").

The small-group rule (`suppress`) is applied to every breakdown that counts people: participants by area
and by office (per offer), participants per period (per offer, from the coaches' evaluations) and the
themes per offer and period. Only sign-ups with recorded consent that are not revoked count
(`CoachingSignup.objects.counted()`). No names, no performance data. Who reads what:
- the aggregated participation and themes (`coaching_report`, `evaluation_report`): the coordination
  office, the district administration and the head of the JobAgentur (rule "coaching.evaluations");
- the coaches' free text: the coordination office only (rule "coaching.evaluation_text").
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from staffing.models import Function, Office

from .models import CoachingEvaluation, CoachingOffer, CoachingSignup, CoachingTheme

MIN_GROUP = 5
LINK_SALT = "planning.coaching.evaluation-link"  # one salt per purpose: this token opens nothing else


def suppress(counts: Sequence[int], *, total_shown: bool, min_group: int = MIN_GROUP) -> list[bool]:
    """PS-3.3, the small-group rule: which cells of one breakdown to hide (True = hidden).

    1. Every cell of 1 to min_group-1 people is hidden (a 0 identifies nobody and stays).
    2. If the total is shown, what the hidden cells hold together (= total minus the shown cells) must be
       0 or at least min_group: otherwise the next smallest shown non-zero cell is hidden too, until it is.
    3. If the total itself is 1 to min_group-1, the caller hides it, and every cell is hidden.
    Pure: it looks at the numbers only and returns a new list."""
    total = sum(counts)
    if total_shown and 0 < total < min_group:
        return [True] * len(counts)
    hidden = [0 < c < min_group for c in counts]
    if total_shown:
        while 0 < sum(c for c, h in zip(counts, hidden, strict=True) if h) < min_group:
            candidates = [i for i, (c, h) in enumerate(zip(counts, hidden, strict=True)) if not h and c > 0]
            if not candidates:  # cannot happen while total >= min_group; hide all to be safe
                return [True] * len(counts)
            hidden[min(candidates, key=lambda i: (counts[i], i))] = True
    return hidden


def total_hidden(total: int, min_group: int = MIN_GROUP) -> bool:
    """PS-3.3: a total of 1 to min_group-1 people is not shown."""
    return 0 < total < min_group


@dataclass
class Cell:
    label: str
    count: int
    suppressed: bool = False

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.count


def breakdown(pairs: Sequence[tuple[str, int]], *, total: Cell | None) -> list[Cell]:
    """Cells of one breakdown of `total` (None: no total shown) with the small-group rule applied
    (`suppress`); a hidden total hides every cell, also the zeros."""
    if total is not None and total.suppressed:
        return [Cell(label, n, True) for label, n in pairs]
    flags = suppress([n for _label, n in pairs], total_shown=total is not None)
    return [Cell(label, n, flag) for (label, n), flag in zip(pairs, flags, strict=True)]


@dataclass
class OfferReport:
    offer: CoachingOffer
    total: Cell
    by_area: list[Cell] = field(default_factory=list)
    by_office: list[Cell] = field(default_factory=list)


AREA_PLACEMENT = "Arbeitsvermittlung / Fachberatung"
AREA_BENEFITS = "Leistungssachbearbeitung"
AREAS = [AREA_PLACEMENT, AREA_BENEFITS]


def _area(code: str) -> str:
    return AREA_BENEFITS if code == Function.Code.BENEFITS else AREA_PLACEMENT


def coaching_report(offers) -> list[OfferReport]:
    """PS-3.3: per offer, participants in total, by area and by office, the small-group rule applied to
    each breakdown against the total. Every office of the district is listed (also with none), so a
    listed name reveals nothing. Counts consented, not revoked sign-ups only."""
    offers = list(offers)
    office_names: dict[int, list[str]] = {}
    for district_id, name in Office.objects.filter(
            district_id__in={o.district_id for o in offers}).values_list("district_id", "name"):
        office_names.setdefault(district_id, []).append(name)
    counts: dict[int, dict] = {o.pk: {"total": 0, "area": {}, "office": {}} for o in offers}
    rows = (CoachingSignup.objects.counted().filter(offer__in=offers).order_by()
            .values("offer_id", "staff_member__function__code", "staff_member__office__name")
            .annotate(n=Count("pk")))
    for r in rows:
        c = counts[r["offer_id"]]
        c["total"] += r["n"]
        area = _area(r["staff_member__function__code"])
        c["area"][area] = c["area"].get(area, 0) + r["n"]
        office = r["staff_member__office__name"]
        c["office"][office] = c["office"].get(office, 0) + r["n"]
    reports = []
    for offer in offers:
        c = counts[offer.pk]
        total = Cell("Gesamt", c["total"], suppressed=total_hidden(c["total"]))
        by_area = breakdown([(k, c["area"].get(k, 0)) for k in AREAS], total=total)
        names = sorted(office_names.get(offer.district_id, []))
        by_office = breakdown([(k, c["office"].get(k, 0)) for k in names], total=total)
        reports.append(OfferReport(offer, total, by_area, by_office))
    return reports


# --- the coaches' evaluations, aggregated (PS-3.3) --------------------------------------------------

@dataclass
class PeriodRow:
    label: str
    participants: Cell
    themes: list[Cell]


@dataclass
class EvaluationReport:
    offer: CoachingOffer
    total: Cell
    periods: list[PeriodRow] = field(default_factory=list)


def evaluation_report(offers) -> list[EvaluationReport]:
    """PS-3.3: what leaders read of the coaches' evaluations: per offer and period (quarter) the number of
    participants the coaches reported and how often each theme was named, counted per participant (the
    participants of the evaluations that name it). Participants per period are a breakdown of the offer's
    total; each theme splits its period's participants into "named" and "not named": the small-group rule
    (`suppress`) is applied to both against the shown total, so neither a theme's count nor what it leaves
    of the period is 1–4. A period whose participants are hidden hides its themes. No free text here."""
    offers = list(offers)
    by_offer: dict[int, dict[tuple[int, int], dict]] = {o.pk: {} for o in offers}
    for ev in CoachingEvaluation.objects.filter(offer__in=offers).only(
            "offer_id", "year", "quarter", "participants", "themes").order_by("year", "quarter"):
        slot = by_offer[ev.offer_id].setdefault((ev.year, ev.quarter), {"n": 0, "themes": {}})
        slot["n"] += ev.participants
        for theme in set(ev.themes):
            slot["themes"][theme] = slot["themes"].get(theme, 0) + ev.participants
    reports = []
    for offer in offers:
        periods = sorted(by_offer[offer.pk].items())
        total_n = sum(p["n"] for _key, p in periods)
        total = Cell("Gesamt", total_n, suppressed=total_hidden(total_n))
        participant_cells = breakdown([(f"{y}-Q{q}", p["n"]) for (y, q), p in periods], total=total)
        rows = []
        for (_key, p), cell in zip(periods, participant_cells, strict=True):
            themes = []
            for code, label in CoachingTheme.choices:
                named = p["themes"].get(code, 0)
                hide_named, _hide_rest = suppress([named, p["n"] - named], total_shown=True)
                themes.append(Cell(str(label), named, suppressed=cell.suppressed or hide_named))
            rows.append(PeriodRow(_period_label(cell.label), cell, themes))
        reports.append(EvaluationReport(offer, total, rows))
    return reports


def _period_label(key: str) -> str:
    year, quarter = key.split("-Q")
    return str(_("%(quarter)s. Quartal %(year)s") % {"quarter": quarter, "year": year})


# --- the coach's personal link (PS-3.3) ---------------------------------------------------------

class LinkInvalid(Exception):
    """The link was tampered with, belongs to another offer, or its coach was changed."""


class LinkExpired(Exception):
    """The link is older than COACHING_LINK_MAX_AGE_DAYS."""


def coach_token(offer: CoachingOffer) -> str:
    """PS-3.3: the signed token of the coach's personal link to the evaluation form of one offer. It names
    the offer and the coach; changing the offer's coach makes earlier links invalid."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object({"offer": offer.pk, "coach": offer.coach},
                                                               compress=True)


def offer_for_token(token: str, *, offer_id: int, max_age_days: int) -> CoachingOffer:
    """PS-3.3: the offer the link opens; LinkExpired or LinkInvalid otherwise."""
    try:
        data = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=max_age_days * 86400)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    if not isinstance(data, dict) or data.get("offer") != offer_id:
        raise LinkInvalid
    offer = CoachingOffer.objects.filter(pk=offer_id).first()
    if offer is None or offer.coach != data.get("coach"):
        raise LinkInvalid
    return offer
