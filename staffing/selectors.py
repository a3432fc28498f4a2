"""Reads of the core: every query is cut to the user's scope by `staffing.access` (PS-2, "The people
who use it"). Every view and the admin read through these functions.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from . import access, states
from .compiled import CompiledLookup
from .models import (
    OPEN_STATES,
    AdministrativeCostCut,
    AgreementRuleSet,
    Candidate,
    City,
    District,
    GradeCareerTrack,
    GradeCareerTrackChange,
    JobAgenturGoal,
    NoticeComment,
    NoticeEvent,
    NoticeState,
    Notification,
    Office,
    Organisation,
    PlacementNotice,
    Position,
    Role,
    StaffMember,
    User,
    Vacancy,
)


def _scoped(qs: QuerySet, user: User, office_path: str) -> QuerySet:
    q = access.office_scope_q(user, office_path)
    return qs if q is None else qs.filter(q)


def offices_visible_to(user: User) -> QuerySet[Office]:
    """Offices in the user's scope: a city sees its regional office; the district sees all of its own."""
    return _scoped(Office.objects.select_related("city", "district"), user, "")


def cities_visible_to(user: User) -> QuerySet[City]:
    """Cities in the user's scope."""
    q = access.scope_q(user, city="pk", district="district_id")
    return City.objects.all() if q is None else City.objects.filter(q)


def districts_visible_to(user: User) -> QuerySet[District]:
    """The user's own district (for a city's people too: their city's district); superusers: all (issue 15,
    point 7: the admin's district filters and lists)."""
    q = access.district_q(user, district="pk")
    return District.objects.all() if q is None else District.objects.filter(q)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations in the user's scope: a city's people their own city's; the district's people every
    organisation of their district (issue 15, point 7)."""
    q = access.scope_q(user, city="city_id", district="district_id")
    return Organisation.objects.all() if q is None else Organisation.objects.filter(q)


def users_visible_to(user: User) -> QuerySet[User]:
    """Accounts of the organisations in the user's scope; superusers: all (issue 15, point 7: the admin)."""
    if access.scope_of(user).everything:
        return User.objects.all()
    return User.objects.filter(organisation__in=organisations_visible_to(user))


def positions_visible_to(user: User) -> QuerySet[Position]:
    """Budgeted positions (PS-4.2) of the offices in the user's scope."""
    qs = Position.objects.select_related("office", "office__city", "function")
    return _scoped(qs, user, "office")


def staff_visible_to(user: User) -> QuerySet[StaffMember]:
    """Staff register (PS-6.1) of the offices in the user's scope."""
    qs = StaffMember.objects.select_related("office", "office__city", "function", "position")
    return _scoped(qs, user, "office")


def vacancies_visible_to(user: User) -> QuerySet[Vacancy]:
    """Vacancies (PS-4.3) of the offices in the user's scope."""
    qs = Vacancy.objects.select_related("position", "position__office", "position__office__city",
                                        "position__function")
    return _scoped(qs, user, "position__office")


NOTICE_LIST_RELATED = ("office", "office__city", "position", "function")  # what a notice's row shows


def notices_visible_to(user: User) -> QuerySet[PlacementNotice]:
    """Placement notices (PS-2) of the user's own city; all cities of the district for district staff.

    A draft is the city's own working paper until it informs the district (PS-2.2): only the city sees it.
    """
    qs = PlacementNotice.objects.select_related(*NOTICE_LIST_RELATED)
    q = access.notice_scope_q(user)
    return qs if q is None else qs.filter(q)


def get_or_404(qs: QuerySet, pk, *, for_update: bool = False):
    """The row of `qs` with this pk, else Http404 (also for a malformed pk). With for_update it is locked."""
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_for_user(user: User, pk, *, for_update: bool = False) -> PlacementNotice:
    """The notice if the user may see it, else Http404. With for_update the row is locked."""
    return get_or_404(notices_visible_to(user), pk, for_update=for_update)


def staff_member_for_user(user: User, pk) -> StaffMember:
    """The staff member if the user may see them, else Http404."""
    return get_or_404(staff_visible_to(user), pk)


def position_for_user(user: User, pk) -> Position:
    """The position if the user may see it, else Http404."""
    return get_or_404(positions_visible_to(user), pk)


def vacancy_for_user(user: User, pk) -> Vacancy:
    """The vacancy if the user may see it, else Http404."""
    return get_or_404(vacancies_visible_to(user), pk)


def notices_waiting_for(user: User, *, now=None) -> QuerySet[PlacementNotice]:
    """What waits for this user now (PS-2.2 to PS-2.6): the notices in a state where the user's role has a
    due step (staffing.states), the running weeks first by their end, then the oldest change."""
    q = states.waiting_q(user, access.role_of(user), now=now)
    if q is None:
        return PlacementNotice.objects.none()
    return notices_visible_to(user).filter(q).order_by(F("period_ends_at").asc(nulls_last=True), "updated_at", "pk")


# --- reads of the browser pages (issue 4) ----------------------------------------------------

# the columns of a person the notice page names (`get_full_name() or username`): not password, e-mail, ...
PERSON_COLUMNS = ("id", "username", "first_name", "last_name")

# Issue 16, point 4: which relations of the notice have rows, as bits of one column of the notice's row
# (plain SQL: EXISTS per relation costs no compiled subquery), so an empty relation costs no query.
NOTICE_RELATIONS = {"candidates": (1, Candidate, "notice_id"), "events": (2, NoticeEvent, "notice_id"),
                    "comments": (4, NoticeComment, "notice_id"),
                    "goals": (8, PlacementNotice.goals.through, "placementnotice_id"),
                    "cost_cuts": (16, AdministrativeCostCut, "notice_id")}


def _person_columns(*paths: str) -> tuple[str, ...]:
    return tuple(f"{path}__{column}" for path in paths for column in PERSON_COLUMNS)


def _relations_present() -> RawSQL:
    notice = PlacementNotice._meta.db_table
    return RawSQL(" + ".join(
        f"(CASE WHEN EXISTS (SELECT 1 FROM {model._meta.db_table} r WHERE r.{column} = {notice}.id) "
        f"THEN {bit} ELSE 0 END)" for bit, model, column in NOTICE_RELATIONS.values()), [],
        output_field=IntegerField())


def _district_min_months(now) -> RawSQL:
    """PS-1.2 (issue 17): the minimum months of the rule set of the notice's district in force at `now`
    (NULL: none, the setting applies), as `selectors.rule_set_in_force` picks it."""
    notice, office, rules = (m._meta.db_table for m in (PlacementNotice, Office, AgreementRuleSet))
    return RawSQL(
        f"SELECT rs.qualification_min_months FROM {rules} rs JOIN {office} ro ON ro.district_id = rs.district_id "
        f"WHERE ro.id = {notice}.office_id AND rs.valid_from <= %s ORDER BY rs.valid_from DESC, rs.version DESC "
        f"LIMIT 1", [now], output_field=IntegerField())


def _prefetched_empty(obj, name: str, model) -> None:
    """Mark the relation `name` of `obj` as read and empty, as prefetch_related stores a result (no query)."""
    _prefetched(obj, name, model, [])


# The creator's columns the notice page names (`get_full_name() or username`), read by the notice's row
CREATOR_COLUMNS = tuple(c for c in PERSON_COLUMNS if c != "id")


def _creator_columns() -> dict[str, RawSQL]:
    """Issue 16, point 4: the creator's names as columns of the notice's row, not a join: with the user table
    joined as well, PostgreSQL's search of the join orders of seven tables took 4.5-5.3 ms to plan a statement
    that runs in 0.4 ms (2.3-2.8 ms with these three scalar reads by primary key, EXPLAIN SUMMARY at 300
    districts)."""
    notice, user = PlacementNotice._meta.db_table, User._meta.db_table
    return {f"creator_{column}": RawSQL(f"SELECT u.{column} FROM {user} u WHERE u.id = {notice}.created_by_id",
                                        [], output_field=CharField())
            for column in CREATOR_COLUMNS}


def _with_creator(notice: PlacementNotice) -> PlacementNotice:
    """The notice with its creator as `select_related("created_by").only(id, names)` would give it (no query)."""
    if notice.created_by_id is not None:
        creator = User.from_db(notice._state.db, ["id", *CREATOR_COLUMNS],
                               [notice.created_by_id, *(getattr(notice, f"creator_{c}") for c in CREATOR_COLUMNS)])
        PlacementNotice._meta.get_field("created_by").set_cached_value(notice, creator)
    return notice


def _notice_detail_queryset(user: User, now) -> QuerySet[PlacementNotice]:
    return notices_visible_to(user).select_related("rule_set").annotate(
        relations_present=_relations_present(), district_min_months_now=_district_min_months(now),
        **_creator_columns())


def _stand_in(role: str, scope_id: int, user_id: int | None = None) -> User:
    """An unsaved user of `role` whose organisation's city and district are `scope_id`: `notices_visible_to`
    builds the role's scope rule from it (`access.notice_scope_q`), with `scope_id` as its one value
    (`user_id`: its primary key, for a rule that names the user, e.g. the head's own statement)."""
    return User(pk=user_id, is_active=True, is_superuser=False,
                organisation=Organisation(pk=1, kind=role, city_id=scope_id, district_id=scope_id))


def _scope_stand_in(user: User) -> tuple[str, int] | None:
    """(role, scope id) when the stand-in user of that role and scope has the user's scope rules for notices
    and offices (`_stand_in`), so a statement compiled for the role serves the user; else None (the ORM)."""
    role = access.role_of(user)
    scope = access.scope_of(user)
    scope_id = scope.city_id if scope.city_id is not None else scope.district_id
    if role not in Role.values or user.is_superuser or scope.everything or scope_id is None:
        return None
    stand_in = _stand_in(role, scope_id, user.pk)
    if access.notice_scope_q(stand_in) != access.notice_scope_q(user) \
            or access.office_scope_q(stand_in, "position__office") != access.office_scope_q(user, "position__office"):
        return None
    return role, scope_id


# issue 16 (every page within 2x of its floor): the notice page's statement compiled once per process and role
# (the role fixes the shape of the scope rule; the notice, the scope's city or district and the time are values)
_notice_detail_lookups = {
    role: CompiledLookup(
        PlacementNotice,
        lambda pk, scope_id, now, role=role: (  # as QuerySet.get() asks: unordered, by primary key
            _notice_detail_queryset(_stand_in(role, scope_id), now).order_by().filter(pk=pk)[:1]),
        kinds=(int, int, datetime.datetime))
    for role in Role.values
}


def _notice_detail_row(user: User, pk) -> PlacementNotice:
    """The notice's row for `notice_detail_for_user`, else Http404: for a user of a role with a city or district
    scope the compiled statement (the ORM's statement, with LIMIT 1 for get()'s LIMIT 21), else the ORM."""
    now = timezone.now()
    role = access.role_of(user)
    scope = access.scope_of(user)
    scope_id = scope.city_id if scope.city_id is not None else scope.district_id
    lookup = _notice_detail_lookups.get(role)
    if lookup is None or user.is_superuser or scope.everything or scope_id is None or type(pk) is not int \
            or access.notice_scope_q(_stand_in(role, scope_id)) != access.notice_scope_q(user):
        return _with_creator(get_or_404(_notice_detail_queryset(user, now), pk))
    notice = lookup.first(pk, scope_id, now)
    if notice is None:
        raise Http404
    return _with_creator(notice)


def _detail_relation_querysets() -> dict[str, QuerySet]:
    """The notice page's relations as it reads them: persons with the columns the page names only."""
    return {
        "candidates": Candidate.objects.all(),
        "events": (NoticeEvent.objects.select_related("actor", "on_behalf_of")
                   .only(*(f.name for f in NoticeEvent._meta.concrete_fields),
                         *_person_columns("actor", "on_behalf_of")).order_by("at", "pk")),
        "comments": (NoticeComment.objects.select_related("author")
                     .only("id", "notice_id", "author_id", "text", "created_at", *_person_columns("author"))
                     .order_by("created_at", "pk")),
        "goals": JobAgenturGoal.objects.all(),
        "cost_cuts": (AdministrativeCostCut.objects.select_related("created_by", "revoked_by")
                      .only(*(f.name for f in AdministrativeCostCut._meta.concrete_fields),
                            *_person_columns("created_by", "revoked_by"))),
    }


_DETAIL_RELATIONS = _detail_relation_querysets()  # lazy querysets: built once, cloned by each use

# Issue 16, point 4 (every page within 2x of its floor): the notice page's reads of its own rows (candidates, audit
# trail, comments: a foreign key to the notice) compiled once per process, as the notice's row is; building and
# compiling these querysets through prefetch_related cost more Python time than PostgreSQL needs to answer them
_detail_relation_lookups = {
    name: CompiledLookup(queryset.model, lambda notice_id, queryset=queryset: queryset.filter(notice_id=notice_id),
                         many=True)
    for name, queryset in _DETAIL_RELATIONS.items() if name in ("candidates", "events", "comments")
}


def _prefetched(obj, name: str, model, rows: list) -> None:
    """Store `rows` as the read relation `name` of `obj`, as prefetch_related stores a result (no query)."""
    result = model._default_manager.none()
    result._result_cache, result._prefetch_done = rows, True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = result


def notice_detail_for_user(user: User, pk) -> PlacementNotice:
    """The notice with candidates, audit trail and comments in a fixed number of queries (PS-2).

    Issue 16, point 4 (every page within 2x of its floor): the notice's row also says which of candidates,
    events, comments, goals and cuts it has and the district's current minimum months of experience (PS-1.2,
    for a notice without the rule set of its receipt), so an empty relation costs no query and the
    qualification check of the candidates none; persons are read with the columns the page names only.
    The vacancy is not joined: with it the statement joins eight tables, and PostgreSQL's exhaustive search of
    their join orders took longer to plan (several ms, the page's largest single cost) than the small read by
    primary key that replaces it, which Django makes only where the notice names a vacancy.
    Candidates, audit trail and comments are read by statements compiled once per process
    (`_detail_relation_lookups`: the same SQL as the ORM's for one notice, the same instances, each with its
    notice set as prefetch_related sets it); goals and cuts, rare, by prefetch_related."""
    notice = _notice_detail_row(user, pk)
    lookups = []
    for name, queryset in _DETAIL_RELATIONS.items():
        if not notice.relations_present & NOTICE_RELATIONS[name][0]:
            _prefetched_empty(notice, name, queryset.model)
        elif name in _detail_relation_lookups:
            rows = _detail_relation_lookups[name].rows(notice.pk)
            field = queryset.model._meta.get_field("notice")
            for row in rows:
                field.set_cached_value(row, notice)
            _prefetched(notice, name, queryset.model, rows)
        else:  # a copy: prefetch_related writes hints into the queryset it is given
            lookups.append(Prefetch(name, queryset=queryset.all()))
    if lookups:
        prefetch_related_objects([notice], *lookups)
    return notice


def cost_cuts_visible_to(user: User, *, year: int | None = None, city=None) -> QuerySet[AdministrativeCostCut]:
    """PS-2.5: the ledger of administrative-cost cuts: the district side its district, a city its own; the
    cuts whose period touches the year."""
    qs = AdministrativeCostCut.objects.select_related("city", "notice", "notice__position", "created_by",
                                                      "revoked_by")
    q = access.scope_q(user, city="city_id", district="city__district_id")
    if q is not None:
        qs = qs.filter(q)
    if year is not None:
        qs = qs.filter(period_from__year__lte=year, period_to__year__gte=year)
    if city is not None:
        qs = qs.filter(city=city)
    return qs.order_by("city__name", "period_from", "pk")


def goals_visible_to(user: User) -> QuerySet[JobAgenturGoal]:
    """PS-2.1: the goals of the JobAgentur EN of the user's district."""
    q = access.district_q(user)
    return JobAgenturGoal.objects.all() if q is None else JobAgenturGoal.objects.filter(q)


NOTICE_SORTS = {
    "frist": ("period_ends_at", "pk"),
    "-frist": ("-period_ends_at", "-pk"),
    "stadt": ("office__city__name", "-created_at"),
    "-stadt": ("-office__city__name", "-created_at"),
    "status": ("state", "-created_at"),
    "-status": ("-state", "-created_at"),
    "erstellt": ("created_at", "pk"),
    "-erstellt": ("-created_at", "-pk"),
}


def notices_filtered(user: User, *, state: str = "", city=None, function=None, deadline_from=None,
                     deadline_to=None, text: str = "", sort: str = "-erstellt") -> QuerySet[PlacementNotice]:
    """The notice list: the visible notices filtered and sorted (PS-2)."""
    qs = notices_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    if city:
        qs = qs.filter(office__city=city)
    if function:
        qs = qs.filter(function=function)
    if deadline_from:
        qs = qs.filter(period_last_day__gte=deadline_from)
    if deadline_to:
        qs = qs.filter(period_last_day__lte=deadline_to)
    text = (text or "").strip()
    if text:
        by_candidate = Candidate.objects.filter(notice=OuterRef("pk"), full_name__icontains=text)
        # issue 16, point 8: the positions whose title or number match, read among the positions of the user's
        # scope only (a notice's position is one of its own office's: services._apply_draft_data), so the search
        # costs what the district holds, not what the country holds (a join read every position to hash them)
        by_position = _scoped(Position.objects.filter(Q(title__icontains=text) | Q(number__icontains=text)),
                              user, "office")
        q = (Q(position__in=by_position.values("pk"))
             | Q(reference__icontains=text) | Q(reason__icontains=text) | Q(office__city__name__icontains=text))
        if text.isdigit():
            q |= Q(pk=int(text))
        qs = qs.filter(q | Exists(by_candidate))
    return _with_candidate_count(qs).order_by(*NOTICE_SORTS.get(sort, NOTICE_SORTS["-erstellt"]))


def _with_candidate_count(qs: QuerySet[PlacementNotice]) -> QuerySet[PlacementNotice]:
    # a correlated count: PostgreSQL evaluates it for the rows of the page only (after ORDER BY/LIMIT),
    # where a JOIN + GROUP BY counted the candidates of every visible notice first; the paginator's
    # COUNT(*) leaves the unused annotation out
    per_notice = (Candidate.objects.filter(notice=OuterRef("pk")).order_by().values("notice")
                  .annotate(n=Count("pk")).values("n"))
    return qs.annotate(candidate_count=Coalesce(Subquery(per_notice, output_field=IntegerField()), 0))


def notice_list_rows(page_ids: QuerySet, sort: str = "-erstellt") -> QuerySet[PlacementNotice]:
    """The rows of one page of the notice list (PS-2) with their columns, for the ids of that page: `page_ids` is
    `notices_filtered(...).values("pk")[bottom:top]`, so scope, filters and order are the selector's (issue 16,
    every page within 2x of its floor). Read in one statement with the ids as its sub-select: PostgreSQL picks
    the page's 25 ids from the scope first and joins office, city, position and function for those only. With
    the columns and filters in one query it estimated a city's office at 10 notices (the country's average) and
    joined its 3,500 placed notices before sorting them (district 1 at 300 districts: 9.8 -> 2.5 ms)."""
    rows = PlacementNotice.objects.filter(pk__in=page_ids).select_related(*NOTICE_LIST_RELATED)
    return _with_candidate_count(rows).order_by(*NOTICE_SORTS.get(sort, NOTICE_SORTS["-erstellt"]))


# issue 16, point 6: the export's columns, read as plain tuples (no model instances: no per-row __init__)
NOTICE_EXPORT_COLUMNS = (
    "pk", "office__city__name", "position__number", "position__title", "function__name", "state", "reference",
    "received_at", "period_last_day", "period_extension_reason", "planned_start", "candidate_count",
    "head_involved", "placed_on", "notice_kind",
)


def notice_export_values(qs: QuerySet[PlacementNotice], *, chunk_size: int = 500):
    """Issue 16, point 6: the rows of `notices_filtered` as tuples of NOTICE_EXPORT_COLUMNS, fetched chunk by
    chunk from a server-side cursor (constant memory whatever the rows); the candidates are counted in SQL."""
    return qs.values_list(*NOTICE_EXPORT_COLUMNS).iterator(chunk_size=chunk_size)


def _state_counts_queryset(user: User):
    return notices_visible_to(user).order_by().values_list("state").annotate(n=Count("pk"))


def notice_state_counts(user: User) -> dict[str, int]:
    """Visible notices counted by state. Issue 16, point 3 (every page within 2x of its floor): the start
    page's statement, compiled once per process and role (`_start_page_lookups`)."""
    stand_in = _scope_stand_in(user)
    if stand_in is None:
        return dict(_state_counts_queryset(user))
    role, scope_id = stand_in
    return dict(_start_page_lookups[role]["counts"].rows(scope_id))


def notices_waiting_rows(user: User, limit: int, *, now=None) -> list[PlacementNotice]:
    """The first `limit` rows of `notices_waiting_for` (PS-2.2 to PS-2.6), for the start page: issue 16,
    point 3: the statement compiled once per process and role (same SQL and rows as the ORM's)."""
    now = now or timezone.now()
    stand_in = _scope_stand_in(user)
    if stand_in is None or limit != START_PAGE_WAITING:
        return list(notices_waiting_for(user, now=now)[:limit])
    role, scope_id = stand_in  # a role with no step to take: the ORM's empty queryset, no query
    return _start_page_lookups[role]["waiting"].rows(scope_id, user.pk, now)


def vacancies_open_longer_rows(user: User, days: int, limit: int, today=None) -> list[Vacancy]:
    """PS-4.3: the first `limit` rows of `vacancies_open_longer_than(user, days)`, for the start page: issue
    16, point 3: the statement compiled once per process and role (same SQL and rows as the ORM's)."""
    before = long_open_before(today, days=days)
    stand_in = _scope_stand_in(user)
    if stand_in is None or limit != START_PAGE_VACANCIES:
        return list(_long_open_queryset(user, before)[:limit])
    role, scope_id = stand_in
    return _start_page_lookups[role]["vacancies"].rows(scope_id, before)


def _long_open_queryset(user: User, before) -> QuerySet[Vacancy]:
    return vacancies_visible_to(user).filter(refilled_on__isnull=True, vacated_on__lt=before).order_by("vacated_on")


def vacancies_open_longer_than(user: User, days: int | None = None) -> QuerySet[Vacancy]:
    """PS-4.3: vacancies open longer than `days` days (default: the flag rule, `vacancy_flag_days`)."""
    return _long_open_queryset(user, long_open_before(days=days))


# the start page's rows: the waiting notices and the long-open vacancies (one more than shown: the count of
# the whole list costs a query only when the list is cut)
START_PAGE_WAITING = 50
START_PAGE_VACANCIES = 21

# Issue 16, point 3 (every page within 2x of its floor): the start page's three statements compiled once per
# process and role (the role fixes the shape of the scope rule and of the waiting rule; the scope's city or
# district, the user, the time and the flag day are values); a stand-in user of the role gives the rules
_start_page_lookups = {
    role: {
        "counts": CompiledLookup(PlacementNotice, lambda scope_id, role=role: _state_counts_queryset(
            _stand_in(role, scope_id)), many=True),
        "waiting": CompiledLookup(PlacementNotice, lambda scope_id, user_id, now, role=role: notices_waiting_for(
            _stand_in(role, scope_id, user_id), now=now)[:START_PAGE_WAITING],
            kinds=(int, int, (datetime.datetime, PlacementNotice._meta.get_field("period_ends_at"))), many=True),
        "vacancies": CompiledLookup(Vacancy, lambda scope_id, before, role=role: _long_open_queryset(
            _stand_in(role, scope_id), before)[:START_PAGE_VACANCIES],
            kinds=(int, (datetime.date, Vacancy._meta.get_field("vacated_on"))), many=True),
    }
    for role in Role.values
}


# PS-2.4/2.5: the escalation page's order, stated (escalations, consultations, proposals). Issue 16: sorting by the
# state column itself let PostgreSQL walk notice_state_deadline_idx backwards through every open notice of the
# country (5,454 rows for 11 at 300 districts); with the order as an expression it reads the district's few rows
# from notice_district_state_idx and sorts them (8.5 ms -> 1.5 ms).
ESCALATION_ORDER = Case(When(state=NoticeState.ESCALATED, then=Value(0)),
                        When(state=NoticeState.CONSULTATION, then=Value(1)), default=Value(2),
                        output_field=IntegerField())


def escalations_visible_to(user: User) -> QuerySet[PlacementNotice]:
    """PS-2.4/2.5: notices in consultation (also with a proposed agreement) or escalated to the district
    administration: escalations first, then consultations, then proposals; oldest change first."""
    return notices_visible_to(user).filter(
        state__in=states.ESCALATION_PAGE_STATES
    ).order_by(ESCALATION_ORDER, "updated_at")


def escalation_rows(page_ids: QuerySet) -> QuerySet[PlacementNotice]:
    """The rows of one page of the escalation page (PS-2.4/2.5) with their columns, for the ids of that page:
    `page_ids` is `escalations_visible_to(...).values("pk")[bottom:top]` (issue 16, every page within 2x of its
    floor, no page growing with the country). The ids alone are read from notice_escalation_idx; with the columns
    joined in the same statement, the statistics of a fresh seed of 300 districts made PostgreSQL walk every open
    notice of the country (one_open_notice_per_position, 12-14 ms for district 1; by ids first 1.1 ms)."""
    rows = PlacementNotice.objects.filter(pk__in=page_ids).select_related(*NOTICE_LIST_RELATED)
    return rows.order_by(ESCALATION_ORDER, "updated_at")


def notifications_for(user: User):
    """The user's own in-app notifications, newest first."""
    return Notification.objects.filter(recipient=user).select_related(
        "notice", "notice__office__city", "notice__position", "notice__function")


# issue 16 (every page within 2x of its floor): the columns the notifications page shows; issue 16, point 3 (a
# cheap request): the notice's name (`wording.notice_label`: number, city, position title or function) is read
# as three columns of the notification's row (`about_city`, `about_position`, `about_function`), not as five
# joined model instances per row (notice, office, city, position, function: built, then read for three texts)
NOTIFICATION_LIST_COLUMNS = ("url", "kind", "subject", "created_at", "read_at", "notice")
NOTIFICATION_LABEL_COLUMNS = {"about_city": F("notice__office__city__name"),
                              "about_position": F("notice__position__title"),
                              "about_function": F("notice__function__name")}


def notifications_for_list(user: User):
    """The notifications page's rows (`notifications_for`, same rows and order): only the columns the page shows
    and the parts of the notice's name (issue 16)."""
    return (Notification.objects.filter(recipient=user).only(*NOTIFICATION_LIST_COLUMNS)
            .annotate(**NOTIFICATION_LABEL_COLUMNS))


def notice_id_from_url(url: str) -> int | None:
    """The notice a page address of this site shows (its detail page), else None (issue 14: old
    notifications that carry only a link)."""
    from django.urls import Resolver404, resolve

    path = (url or "").split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name == "staffing:notice_detail":
        return match.kwargs.get("pk")
    return None


def name_notifications(user: User, notifications) -> list:
    """Issue 14 (PS-2.3 to PS-2.6 messages): each notification names the notice it is about and links to
    it ("Mitteilung 10, Witten, Arbeitsvermittler/in"): `about_label` and `about_url` on each row. A
    notification that carries only a link to a notice page (older ones) is named from that link, if the
    user may see the notice (one query for all of them)."""
    from . import wording

    rows = list(notifications)
    by_url = {n.pk: notice_id_from_url(n.url) for n in rows if not n.notice_id and n.url}
    wanted = {pk for pk in by_url.values() if pk}
    linked = {}
    if wanted:
        linked = {n.pk: n for n in notices_visible_to(user).filter(pk__in=wanted).select_related(
            "office__city", "position", "function")}
    for n in rows:
        if n.notice_id and hasattr(n, "about_city"):  # the name's parts read with the row (notifications_for_list)
            n.about_label = wording.notice_label_of(n.notice_id, n.about_city, n.about_position, n.about_function)
        else:
            notice = n.notice if n.notice_id else linked.get(by_url.get(n.pk))
            n.about_label = wording.notice_label(notice) if notice is not None else ""
        n.about_url = n.get_absolute_url()
    return rows


def notification_for_user(user: User, pk):
    """One of the user's own notifications, else Http404."""
    return get_or_404(notifications_for(user), pk)



# --- vacancies (PS-4.3): the one "long open" rule and the vacancy page -------------------------------

def vacancy_flag_days(district_id: int | None = None) -> int:
    """PS-4.3 (refill without delay): an open vacancy is flagged once it is open longer than this many
    days: the district's rule set in force (issue 17), else settings.VACANCY_FLAG_DAYS."""
    if district_id:
        rule_set = rule_set_in_force(district_id)
        if rule_set is not None:
            return int(rule_set.vacancy_flag_days)
    return int(settings.VACANCY_FLAG_DAYS)


def long_open_before(today=None, *, days: int | None = None):
    """The flag rule as a date: an open vacancy vacated before this day is open longer than
    `vacancy_flag_days()` days (days open = today - vacated_on)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=vacancy_flag_days() if days is None else days)


def vacancy_rows(vacancies, today=None, *, days: int | None = None) -> list[dict]:
    """Each vacancy with its days open (until its refill, or today) and whether it is flagged (open longer
    than `days`, default `vacancy_flag_days()` days): {"vacancy", "days", "flagged"}."""
    today = today or timezone.localdate()
    limit = long_open_before(today, days=days)
    return [{"vacancy": v, "days": ((v.refilled_on or today) - v.vacated_on).days,
             "flagged": v.refilled_on is None and v.vacated_on < limit} for v in vacancies]


def vacancies_for_page(user: User, *, refilled: bool = False) -> QuerySet[Vacancy]:
    """PS-4.3: the vacancy page: the open vacancies (with `refilled` also the refilled ones, after them),
    oldest first, each with `has_notice`: a placement notice names it or is open for its position."""
    notice = PlacementNotice.objects.filter(
        Q(vacancy=OuterRef("pk")) | Q(position=OuterRef("position"), state__in=OPEN_STATES))
    qs = vacancies_visible_to(user).annotate(has_notice=Exists(notice))
    if not refilled:
        qs = qs.filter(refilled_on__isnull=True)
    return qs.order_by(F("refilled_on").desc(nulls_first=True), "vacated_on", "pk")


def positions_unfilled_visible_to(user: User) -> QuerySet[Position]:
    """PS-4.2/PS-4.3: positions in the staff plan that nobody fills and that have no open vacancy (e.g. newly
    added), each with `has_notice` (an open placement notice for it)."""
    return (positions_visible_to(user).filter(is_active=True)
            .exclude(Exists(StaffMember.objects.filter(position=OuterRef("pk"), left_on__isnull=True)))
            .exclude(Exists(Vacancy.objects.filter(position=OuterRef("pk"), refilled_on__isnull=True)))
            .annotate(has_notice=Exists(PlacementNotice.objects.filter(position=OuterRef("pk"),
                                                                       state__in=OPEN_STATES)))
            .order_by("office__name", "number"))


# --- PS-1.1: the district's career-track table ------------------------------------------------------

def career_tracks_visible_to(user: User) -> QuerySet[GradeCareerTrack]:
    """PS-1.1: the career-track table of the user's district (superusers: every district)."""
    q = access.district_q(user)
    qs = GradeCareerTrack.objects.select_related("district", "changed_by")
    return qs if q is None else qs.filter(q)


def career_track_changes_visible_to(user: User) -> QuerySet[GradeCareerTrackChange]:
    """PS-1.1: who changed the table of the user's district, newest first."""
    q = access.district_q(user)
    qs = GradeCareerTrackChange.objects.select_related("by")
    return qs if q is None else qs.filter(q)
# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

def position_proposals_visible_to(user: User):
    """PS-4.2: proposals of changes of the staff plan in the user's scope (a city its own office's, the
    district every office's); the waiting ones first, then the newest."""
    from django.db.models import Case, Value, When

    from .models import PositionProposal

    qs = PositionProposal.objects.select_related("office", "office__city", "position", "function", "proposed_by",
                                                 "decided_by")
    qs = _scoped(qs, user, "office")
    return qs.annotate(waiting_first=Case(When(state=PositionProposal.State.WAITING, then=Value(0)),
                                          default=Value(1), output_field=IntegerField())
                       ).order_by("waiting_first", "-proposed_at", "-pk")


def position_proposal_for_user(user: User, pk, *, for_update: bool = False):
    """The proposal if the user sees it, else Http404."""
    from .models import PositionProposal

    if for_update:
        return get_or_404(_scoped(PositionProposal.objects.all(), user, "office"), pk, for_update=True)
    return get_or_404(position_proposals_visible_to(user), pk)


def position_changes_of(office: Office, limit: int = 30):
    """PS-4.2: the latest audit rows of an office's staff plan (the office is already checked)."""
    from .models import PositionChange

    return (PositionChange.objects.filter(office=office).select_related("position", "actor", "proposal")
            .order_by("-at", "-pk")[:limit])


def _signed_in_user_queryset(user_id) -> QuerySet[User]:
    unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("recipient").annotate(n=Count("pk")).values("n"))
    return (User._default_manager.select_related("organisation", "organisation__district", "organisation__city")
            .annotate(unread_notifications_count=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
            .filter(pk=user_id).order_by("pk")[:1])


_signed_in_user_lookup = CompiledLookup(User, _signed_in_user_queryset)


def signed_in_user(user_id) -> User | None:
    """Issue 16, point 3 (one cheap request): the signed-in user with organisation, its district and city
    (the role is the organisation's kind, `access.role_of`) and the number of unread notifications (the
    header's badge), in one query. Used by the authentication backends' `get_user` on every request: the
    query is compiled once per process (`staffing.compiled`), a request only runs it."""
    return _signed_in_user_lookup.first(user_id)


def unread_notification_count(user: User) -> int:
    """The header's badge: the user's unread notifications, as loaded with the user (`signed_in_user`), else
    counted (issue 16, point 3)."""
    count = getattr(user, "unread_notifications_count", None)
    return count if count is not None else user.notifications.filter(read_at__isnull=True).count()


# --- issue 17: the districts' agreement settings (rule sets) -----------------------------------------

def _rule_set_queryset(district_id, at):
    return (AgreementRuleSet.objects.filter(district_id=district_id, valid_from__lte=at)
            .order_by("-valid_from", "-version")[:1])


_rule_set_lookup = CompiledLookup(
    AgreementRuleSet, _rule_set_queryset,
    kinds=(int, (datetime.datetime, AgreementRuleSet._meta.get_field("valid_from"))))


def rule_set_in_force(district_id: int, at=None) -> AgreementRuleSet | None:
    """Issue 17, point 1: the district's rule set for a receipt at `at` (default now): the latest version
    whose `valid_from` has come; None for a district without one (then the environment's defaults).
    Issue 16 (every page within 2x of its floor): the start page and the notice's pages read it on every
    request, so the statement is compiled once per process (`staffing.compiled`, the same SQL and rows)."""
    return _rule_set_lookup.first(district_id, at or timezone.now())


def rule_set_districts_visible_to(user: User) -> QuerySet[District]:
    """Issue 17: the districts whose settings the user reads: the district side its own district; a
    superuser every district."""
    qs = District.objects.order_by("name")
    if not access.can(user, "rule_set.view"):
        return qs.none()
    q = access.district_q(user, "pk")
    return qs if q is None else qs.filter(q)


def rule_set_district_for_user(user: User, pk) -> District:
    """Issue 17: the district if the user reads its settings, else Http404 (another district's, too)."""
    return get_or_404(rule_set_districts_visible_to(user), pk)


def rule_set_overview_for(user: User, now=None) -> list[dict]:
    """Issue 17: per district the user reads, the rule set in force now, the ones scheduled and every
    version (newest first), in two queries whatever the number of districts or versions."""
    now = now or timezone.now()
    districts = rule_set_districts_visible_to(user).prefetch_related(Prefetch(
        "rule_sets", queryset=AgreementRuleSet.objects.select_related("created_by").order_by("-valid_from",
                                                                                              "-version")))
    rows = []
    for district in districts:
        versions = list(district.rule_sets.all())
        current = next((r for r in versions if r.valid_from <= now), None)
        rows.append({"district": district, "current": current, "versions": versions,
                     "scheduled": [r for r in versions if r.valid_from > now]})
    return rows


def rule_sets_of(district_id: int) -> QuerySet[AgreementRuleSet]:
    """Issue 17: every version of the district's settings, newest first, with who set it."""
    return (AgreementRuleSet.objects.filter(district_id=district_id).select_related("created_by")
            .order_by("-valid_from", "-version"))
