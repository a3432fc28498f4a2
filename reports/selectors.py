"""Reads of the reports: the procedure statistics (issue 17, point 2) and the audit trail (issue 17, point 3).

Everything is cut to the user's scope by `staffing.access` (the notices a user sees: `notices_visible_to`; the
cuts through `scope_q`). The statistics take a constant number of queries whatever the rows (counts and sums in
SQL; the durations for median and 90th percentile as value lists, bounded by the scope and the period).

Definitions (PS-2.3 to PS-2.5):
- the period selects the notices by their receipt (`received_at`, the day in the legal time zone, both ends
  included), and the cuts by the day they were decided (`created_at`);
- "outcome": the current state of each notice received in the period (the end states placed / withdrawn and
  the states still open);
- "end of the Wochenfrist": how the week ended for a notice: cleared early, a reaction (concerns or a request
  for clarification) or no reaction (`approve_by_silence`); the share without reaction is the approvals by
  silence over all notices whose week ended in one of these three ways;
- the coordination office's reaction time: from `received_at` to its first reaction event (`clear` or
  `raise_objection`, by the coordination office or the directly involved head acting for it, PS-2.6), in
  calendar hours (not working hours: the Wochenfrist itself runs in calendar days, PS-2.3);
- consultations: notices with a reaction (`raise_objection` event); escalations: notices with an `escalate` event;
- time from receipt to placement: calendar days from the day of receipt to "besetzt am" (`placed_on`) of the
  placed notices;
- cuts (PS-2.5): the cuts of the administrative-cost reimbursement decided in the period, not revoked: their
  number, the sum of those given in euros, and the number of those given in per cent (not summable);
  revoked cuts are counted apart.
- median: the middle value (the mean of the two middle ones for an even count); 90th percentile: the nearest
  rank (the smallest value with at least 90 % of the values at or below it).
"""
from __future__ import annotations

import datetime
import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from staffing import access, selectors
from staffing.deadlines import legal_time_zone
from staffing.models import (
    AdministrativeCostCut,
    NoticeEvent,
    PlacementNotice,
)
from staffing.states import NoticeState

REACTION_STEPS = ("clear", "raise_objection")  # the coordination office's reactions within the week (PS-2.3/2.4)
WEEK_ENDS = ("clear", "approve_by_silence", "raise_objection")  # how a Wochenfrist ends
OUTCOME_STATES = [state for state in NoticeState.values if state != NoticeState.DRAFT]
AUDIT_PERIOD_MAX_DAYS = 3660  # a period export covers at most ten years


# --- the period --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Issue 17: a range of days, both ends included (in the legal time zone)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def this_year(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate(timezone=legal_time_zone())
        return cls(datetime.date(today.year, 1, 1), today)

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[first moment of start, first moment after end) as aware datetimes of the legal time zone."""
        zone = legal_time_zone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(self.end, datetime.time.min, tzinfo=zone) + datetime.timedelta(days=1)
        return start, end

    def q(self, lookup: str) -> Q:
        start, end = self.bounds
        return Q(**{f"{lookup}__gte": start, f"{lookup}__lt": end})


# --- percentiles -------------------------------------------------------------------------------

def median(values: list) -> float | None:
    """The middle value (mean of the two middle ones for an even count); None without values."""
    return statistics.median(values) if values else None


def percentile(values: list, share: int = 90) -> float | None:
    """Nearest rank: the smallest value with at least `share` % of the values at or below it; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


# --- the figures -------------------------------------------------------------------------------

@dataclass
class Figures:
    """The figures of one city (or district, for the operator), or of all of them (`is_total`)."""

    key: int | None
    label: str
    is_total: bool = False
    by_state: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_STATES, 0))
    cleared: int = 0
    silence: int = 0
    concerns: int = 0
    clarification: int = 0
    escalations: int = 0
    reaction_hours: list[float] = field(default_factory=list)
    placement_days: list[int] = field(default_factory=list)
    cuts: int = 0
    cuts_amount: Decimal = Decimal("0.00")
    cuts_percent: int = 0
    cuts_revoked: int = 0

    @property
    def received(self) -> int:
        return sum(self.by_state.values())

    @property
    def consultations(self) -> int:
        return self.concerns + self.clarification

    @property
    def week_ended(self) -> int:
        """Notices whose Wochenfrist ended with a decision on the reaction: cleared, a reaction, or silence."""
        return self.cleared + self.silence + self.consultations

    @property
    def silence_share(self) -> Decimal | None:
        """Per cent (one decimal) of the week-ended notices that went ahead without reaction; None if none."""
        if not self.week_ended:
            return None
        return (Decimal(100 * self.silence) / Decimal(self.week_ended)).quantize(Decimal("0.1"))

    @property
    def reaction_median(self):
        return _round(median(self.reaction_hours))

    @property
    def reaction_p90(self):
        return _round(percentile(self.reaction_hours))

    @property
    def placement_median(self):
        return _round(median(self.placement_days))

    @property
    def placement_p90(self):
        return percentile(self.placement_days)

    def add(self, other: Figures) -> None:
        for state, count in other.by_state.items():
            self.by_state[state] += count
        for name in ("cleared", "silence", "concerns", "clarification", "escalations", "cuts", "cuts_amount",
                     "cuts_percent", "cuts_revoked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reaction_hours += other.reaction_hours
        self.placement_days += other.placement_days


def _round(value):
    return None if value is None else round(Decimal(str(value)), 1)


@dataclass
class Statistics:
    """Issue 17, point 2: the figures per group (city, or district for the operator) and in total."""

    period: Period
    per: str  # "city" or "district"
    rows: list[Figures]
    total: Figures

    @property
    def max_received(self) -> int:
        return max([row.received for row in self.rows] + [1])


def _groups(user, per: str) -> list[tuple[int, str]]:
    if per == "district":
        return list(selectors.districts_visible_to(user).order_by("name").values_list("pk", "name"))
    return list(selectors.cities_visible_to(user).order_by("name").values_list("pk", "name"))


def procedure_statistics(user, period: Period) -> Statistics:
    """Issue 17, point 2 (PS-2.3 to PS-2.5): the procedure's figures in the user's scope and period, per city
    (the coordination office, the district administration) or per district (the operator: `statistics.all_districts`).
    Five queries whatever the number of notices, events and cuts. The definitions: this module's docstring."""
    per = "district" if access.can(user, "statistics.all_districts") else "city"
    group = "office__district_id" if per == "district" else "office__city_id"
    notices = selectors.notices_visible_to(user).filter(period.q("received_at"))
    rows = {pk: Figures(key=pk, label=name) for pk, name in _groups(user, per)}

    def row(key) -> Figures:
        if key not in rows:  # a notice of a group the list does not hold (cannot happen in a scope): keep it
            rows[key] = Figures(key=key, label=str(key))
        return rows[key]

    # 1: the notices by group and state (SQL)
    for key, state, count in (notices.order_by().values_list(group, "state").annotate(n=Count("pk"))
                              .values_list(group, "state", "n")):
        if state in row(key).by_state:
            row(key).by_state[state] += count
    # 2: the end of the week, the first reaction and the escalations, per notice (bounded by the scope)
    first_reaction: dict[int, tuple] = {}
    week_end: dict[int, tuple] = {}
    escalated: dict[int, int] = {}
    events = (NoticeEvent.objects.filter(notice__in=notices.order_by().values("pk"),
                                         transition__in=(*WEEK_ENDS, "escalate"))
              .order_by("at", "pk")
              .values_list("notice_id", f"notice__{group}", "transition", "at", "notice__received_at",
                           "notice__objection_kind"))
    for notice_id, key, transition, at, received_at, objection_kind in events:
        if transition == "escalate":
            escalated[notice_id] = key
            continue
        week_end.setdefault(notice_id, (key, transition, objection_kind))
        if transition in REACTION_STEPS and notice_id not in first_reaction:
            first_reaction[notice_id] = (key, (at - received_at).total_seconds() / 3600)
    for key, transition, objection_kind in week_end.values():
        figures = row(key)
        if transition == "clear":
            figures.cleared += 1
        elif transition == "approve_by_silence":
            figures.silence += 1
        elif objection_kind == "clarification":
            figures.clarification += 1
        else:
            figures.concerns += 1
    for key, hours in first_reaction.values():
        row(key).reaction_hours.append(hours)
    for key in escalated.values():
        row(key).escalations += 1
    # 3: the placed notices' days from receipt to placement
    zone = legal_time_zone()
    for key, received_at, placed_on in (notices.order_by().filter(state=NoticeState.PLACED, placed_on__isnull=False)
                                        .values_list(group, "received_at", "placed_on")):
        row(key).placement_days.append((placed_on - timezone.localtime(received_at, zone).date()).days)
    # 4: the cuts decided in the period (SQL)
    cuts = AdministrativeCostCut.objects.filter(period.q("created_at"))
    scope = access.scope_q(user, city="city_id", district="city__district_id")
    if scope is not None:
        cuts = cuts.filter(scope)
    cut_group = "city__district_id" if per == "district" else "city_id"
    active = Q(revoked_at__isnull=True)
    for key, count, amount, in_percent, revoked in (
            cuts.order_by().values_list(cut_group)
            .annotate(n=Count("pk", filter=active), amount=Sum("amount", filter=active),
                      percent=Count("pk", filter=active & Q(percent__isnull=False)),
                      revoked=Count("pk", filter=~active))
            .values_list(cut_group, "n", "amount", "percent", "revoked")):
        figures = row(key)
        figures.cuts += count
        figures.cuts_amount += amount or Decimal("0.00")
        figures.cuts_percent += in_percent
        figures.cuts_revoked += revoked
    total = Figures(key=None, label="", is_total=True)
    ordered = list(rows.values())
    for figures in ordered:
        total.add(figures)
    return Statistics(period=period, per=per, rows=ordered, total=total)


# --- the audit trail ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail: a step (event), a comment, the district's decision or a cut."""

    notice_id: int
    reference: str
    city: str
    kind: str  # "event", "comment", "decision", "cut"
    at: datetime.datetime | None
    transition: str = ""
    from_state: str = ""
    to_state: str = ""
    actor: str = ""
    on_behalf_of: str = ""
    text: str = ""


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _event_entry(event: NoticeEvent, notice: PlacementNotice) -> AuditEntry:
    return AuditEntry(
        notice_id=notice.pk, reference=notice.reference, city=notice.office.city.name if notice.office.city_id else "",
        kind="event", at=event.at, transition=event.transition, from_state=event.from_state,
        to_state=event.to_state, actor=_person(event.actor) if event.actor_id else "System",
        on_behalf_of=_person(event.on_behalf_of) if event.on_behalf_of_id else "", text=event.reason)


def notice_for_audit(user, pk) -> PlacementNotice:
    """Issue 17, point 3: the notice if the user sees it (else Http404: another district's notice is not told)."""
    return selectors.get_or_404(selectors.notices_visible_to(user).select_related("created_by"), pk)


def notice_audit_trail(notice: PlacementNotice) -> list[AuditEntry]:
    """Issue 17, point 3 (PS-2): a notice's full audit trail: every step (who, when, from, to, why, "i. V. für"),
    the comments, the district's decision (PS-2.5) and the cuts with their revocation. Three queries."""
    entries = [_event_entry(event, notice) for event in
               notice.events.select_related("actor", "on_behalf_of").order_by("at", "pk")]
    city = notice.office.city.name if notice.office.city_id else ""
    for comment in notice.comments.select_related("author").order_by("created_at", "pk"):
        entries.append(AuditEntry(notice_id=notice.pk, reference=notice.reference, city=city, kind="comment",
                                  at=comment.created_at, actor=_person(comment.author), text=comment.text))
    if notice.decision_kind:
        decided = next((e for e in reversed(entries) if e.transition == "decide"), None)
        text = notice.get_decision_kind_display()
        if notice.directive:
            text = f"{text}: {notice.directive}"
        entries.append(AuditEntry(notice_id=notice.pk, reference=notice.reference, city=city, kind="decision",
                                  at=decided.at if decided else None, actor=decided.actor if decided else "",
                                  on_behalf_of=decided.on_behalf_of if decided else "", text=text))
    for cut in notice.cost_cuts.select_related("created_by", "revoked_by").order_by("created_at", "pk"):
        text = (f"{cut.value_label} ({cut.period_from:%d.%m.%Y}–{cut.period_to:%d.%m.%Y}), {cut.legal_basis}")
        entries.append(AuditEntry(notice_id=notice.pk, reference=notice.reference, city=city, kind="cut",
                                  at=cut.created_at, actor=_person(cut.created_by), text=text))
        if cut.revoked_at is not None:
            entries.append(AuditEntry(notice_id=notice.pk, reference=notice.reference, city=city, kind="cut_revoked",
                                      at=cut.revoked_at, actor=_person(cut.revoked_by),
                                      text=f"{cut.value_label}: {cut.revoke_reason}"))
    return sorted(entries, key=lambda e: (e.at is None, e.at or timezone.now()))


def period_audit_trail(user, period: Period):
    """Issue 17, point 3 (PS-2): every step of the notices in the user's scope taken in the period, oldest first,
    as an iterator of `AuditEntry` (one query, streamed)."""
    events = (NoticeEvent.objects.filter(period.q("at"),
                                         notice__in=selectors.notices_visible_to(user).order_by().values("pk"))
              .select_related("actor", "on_behalf_of", "notice", "notice__office", "notice__office__city")
              .order_by("at", "pk"))
    for event in events.iterator(chunk_size=2000):
        yield _event_entry(event, event.notice)


def period_audit_count(user, period: Period) -> int:
    return NoticeEvent.objects.filter(period.q("at"),
                                      notice__in=selectors.notices_visible_to(user).order_by().values("pk")).count()
