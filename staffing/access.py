"""The one access policy: whose records a user sees (the scope) and what a user may do (`can`).

The agreement's rule ("The people who use it", DOMAIN.md): a city's people see their own city's
records only; the district's people (coordination office, district administration, head of the
JobAgentur) see every city of their own district and nothing of another district. Superusers see
everything and act in no role. Every selector, the django-fsm `permission=` callables, the services,
the navigation and the templates ask this module; none of them compares roles on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from .states import AgreementSide, NoticeState, Role, side_of_role

NOTHING = Q(pk__in=[])


# --- the scope ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Where a user's view ends: everything, one city, one district, or nothing."""

    everything: bool = False
    city_id: int | None = None
    district_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.city_id is None and self.district_id is None


def scope_of(user) -> Scope:
    """PS-2 ("The people who use it"): the one scope rule. A city's people: their city; the district's
    people: their district; superusers: everything; anybody else (signed out, inactive, no
    organisation): nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    if not user.organisation_id:
        return Scope()
    organisation = user.organisation
    if organisation.kind == Role.CITY_CLERK:
        return Scope(city_id=organisation.city_id, district_id=organisation.district_id)
    return Scope(district_id=organisation.district_id)


def scope_q(user, *, city: str, district: str) -> Q | None:
    """The filter for the user's scope on a model whose city and district are reached by the lookups
    `city` and `district` (e.g. "office__city_id", "office__district_id"); None means everything."""
    scope = scope_of(user)
    if scope.everything:
        return None
    if scope.nothing:
        return NOTHING
    if scope.city_id is not None:
        return Q(**{city: scope.city_id})
    return Q(**{district: scope.district_id})


def office_scope_q(user, office_path: str = "") -> Q | None:
    """`scope_q` for a model that hangs off an office (office_path "" is the Office itself)."""
    prefix = f"{office_path}__" if office_path else ""
    return scope_q(user, city=f"{prefix}city_id", district=f"{prefix}district_id")


def notice_scope_q(user) -> Q | None:
    """PS-2.2: notices in the user's scope; a draft is the city's own working paper until it informs the
    district, so only its city's clerks see it. None means everything.

    Issue 16: the district's people are scoped by the notice's own district (its office's, copied on creation),
    not through the office: their lists read the district's rows from notice_district_created_idx instead of
    every notice of the country in that order, filtered by the joined office."""
    q = scope_q(user, city="office__city_id", district="district_id")
    if q is None or role_of(user) == Role.CITY_CLERK:
        return q
    return q & ~Q(state=NoticeState.DRAFT)


def district_q(user, district: str = "district_id") -> Q | None:
    """The user's whole district, also for a city's people: offers that every city of the district may
    book (training, coaching, PS-1.4, PS-3.3). None means everything."""
    scope = scope_of(user)
    if scope.everything:
        return None
    if scope.district_id is None:
        return NOTHING
    return Q(**{district: scope.district_id})


def people_of(*roles: str, city_id: int | None, district_id: int):
    """The active people of these roles whose scope covers a city of the district (the other side of
    `scope_of`): the city's own clerks, the district's coordination office, administration and head."""
    q = Q()
    for role in roles:
        if role == Role.CITY_CLERK:
            q |= Q(organisation__kind=role, organisation__city_id=city_id)
        else:
            q |= Q(organisation__kind=role, organisation__district_id=district_id)
    return get_user_model().objects.filter(q, is_active=True) if q else get_user_model().objects.none()


def role_of(user) -> str | None:
    """The user's role (the kind of their organisation), or None (signed out, superuser, no organisation)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.organisation_id:
        return None
    return user.organisation.kind


def regional_office_of(user):
    """"My regional office": the regional office of a city clerk's own city (PS-2.2, PS-6.1), else None."""
    if role_of(user) != Role.CITY_CLERK:
        return None
    office_model = apps.get_model("staffing", "Office")
    return office_model.objects.filter(kind=office_model.Kind.REGIONAL, city_id=scope_of(user).city_id).first()


def own_office_of(user):
    """The office whose data the user keeps (PS-3.1, PS-6.1): a city clerk their regional office, the
    coordination office its own office; anybody else none."""
    role = role_of(user)
    if role == Role.CITY_CLERK:
        return regional_office_of(user)
    if role == Role.COORDINATION:
        office_model = apps.get_model("staffing", "Office")
        return office_model.objects.filter(kind=office_model.Kind.COORDINATION,
                                           district_id=scope_of(user).district_id).first()
    return None


# --- predicates -------------------------------------------------------------------------------------

def _has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def _acts_for_city_of(user, notice) -> bool:
    """A clerk of the notice's own city."""
    return _has_role(user, Role.CITY_CLERK) and scope_of(user).city_id == notice.office.city_id


def _in_district_of(user, notice, *roles: str) -> bool:
    return _has_role(user, *roles) and scope_of(user).district_id == notice.office.district_id


def _sees_notice(user, notice) -> bool:
    """PS-2.2: `notice_scope_q` for one notice: a draft is the city's own until submitted; otherwise
    the scope decides."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if notice.state == NoticeState.DRAFT:
        return _acts_for_city_of(user, notice)
    if scope.city_id is not None:
        return scope.city_id == notice.office.city_id
    return scope.district_id is not None and scope.district_id == notice.office.district_id


def _may_comment(user, notice) -> bool:
    """PS-2.4/PS-2.6: everybody who sees the notice, but the head only where directly involved; a
    draft only the city."""
    if not _sees_notice(user, notice) or role_of(user) is None:
        return False
    if _has_role(user, Role.HEAD) and not notice.head_involved:
        return False
    return not (notice.state == NoticeState.DRAFT and not _has_role(user, Role.CITY_CLERK))


def _head_reacts_for_coordination(user, notice) -> bool:
    """PS-2.6: on a leadership position the city involved the head directly: the head of the JobAgentur
    (of the notice's district) may react instead of the coordination office."""
    return (_in_district_of(user, notice, Role.HEAD) and notice.head_involved
            and notice.function_id is not None and notice.function.is_leadership)


def _reacts_in_week(user, notice) -> bool:
    """PS-2.3/PS-2.4/PS-2.6: who clears or stops the Wochenfrist: the coordination office, or the directly
    involved head."""
    return _in_district_of(user, notice, Role.COORDINATION) or _head_reacts_for_coordination(user, notice)


def _consultation_side(user, notice) -> bool:
    """PS-2.4 "Kreis und Stadt erörtern": the city of the notice, or the district's coordination office
    or administration."""
    return _acts_for_city_of(user, notice) or _in_district_of(user, notice, Role.COORDINATION,
                                                               Role.DISTRICT_ADMIN)


def _other_side_of_proposal(user, notice) -> bool:
    """PS-2.4: a proposed agreed solution is confirmed or rejected only by the other side."""
    proposed_by = notice.agreement_proposed_side
    if not proposed_by or not _consultation_side(user, notice):
        return False
    mine = AgreementSide.CITY if _acts_for_city_of(user, notice) else side_of_role(role_of(user))
    return mine != proposed_by


def _sees_candidates(user, notice) -> bool:
    """PS-2.6/DSGVO: everybody who sees the notice sees its candidates' data, except the head of the
    JobAgentur: only where directly involved or once the notice was escalated to the district."""
    if not _sees_notice(user, notice):
        return False
    if not _has_role(user, Role.HEAD):
        return True
    return bool(notice.head_involved or notice.escalation_reason
                or notice.state in (NoticeState.ESCALATED, NoticeState.DECIDED))


def _keeps_records_of(user, office) -> bool:
    """PS-3.1/PS-6.1: an office's staff and vacancies are kept by the people whose office it is
    (`own_office_of`): a city clerk their regional office, the coordination office its own. Positions (the
    staff plan) are the district's since issue 13: "staff_plan.keep"."""
    own = own_office_of(user)
    return own is not None and office is not None and own.pk == office.pk


def _district_side(user, obj=None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, Role.COORDINATION, Role.DISTRICT_ADMIN, Role.HEAD))


def _sees_office(user, office) -> bool:
    """Issue 13, PS-4.2: the office lies in the user's scope (a city its own regional office, the district
    every office of its district)."""
    scope = scope_of(user)
    if office is None or scope.nothing:
        return False
    if scope.everything:
        return True
    if scope.city_id is not None:
        return office.city_id == scope.city_id
    return office.district_id == scope.district_id


def _keeps_staff_plan(user, office=None) -> bool:
    """Issue 13, PS-4.2 ("Die Budget- und Personalplanung des Kreises … ist Basis der Stellenbesetzungen"):
    the staff plan of every office of the district is kept by the coordination office or the district
    administration of that district; without an office: whether the user keeps any."""
    if not _has_role(user, Role.COORDINATION, Role.DISTRICT_ADMIN):
        return False
    return office is None or office.district_id == scope_of(user).district_id


def _proposes_for(user, office=None) -> bool:
    """Issue 13, PS-4.2: a city clerk proposes changes of their own city's regional office's staff plan."""
    if not _has_role(user, Role.CITY_CLERK):
        return False
    return office is None or (office.city_id is not None and office.city_id == scope_of(user).city_id)


def _sees_statistics(user, obj=None) -> bool:
    """Issue 17, point 2: the procedure statistics are read by the coordination office and the district
    administration (their district, per city) and by the installation's operator (a superuser: every district,
    per district). Not by a city (it would see the other cities' figures) nor by the head of the JobAgentur."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, Role.COORDINATION, Role.DISTRICT_ADMIN))


def _exports_audit(user, notice=None) -> bool:
    """Issue 17, point 3: the audit export (Prüfprotokoll) for the auditors (Rechnungsprüfung). The application
    has no auditor role (an Organisation kind of its own would be one): the audit is carried out with the
    records the district's coordination office or district administration export for their district, or the
    operator (a superuser) for any district. A city's people and the head of the JobAgentur export nothing.
    With a notice: a notice of the user's own district (the scope decides 404 before this 403)."""
    if not _sees_statistics(user):
        return False
    if notice is None or user.is_superuser:
        return True
    return scope_of(user).district_id == notice.office.district_id


CITY, COORD, ADMIN, HEAD = Role.CITY_CLERK, Role.COORDINATION, Role.DISTRICT_ADMIN, Role.HEAD

# action -> predicate(user, obj). Notice steps take the notice; the others take no object.
RULES = {
    # the placement notice (PS-2)
    "notice.view": _sees_notice,
    "notice.create": lambda user, obj=None: _has_role(user, CITY),
    "notice.edit": lambda user, notice: _acts_for_city_of(user, notice) and notice.state == NoticeState.DRAFT,
    "notice.comment": _may_comment,
    "notice.submit": _acts_for_city_of,
    "notice.place": _acts_for_city_of,
    "notice.withdraw": _acts_for_city_of,
    "notice.candidates": _sees_candidates,
    "notice.clear": _reacts_in_week,
    "notice.raise_objection": _reacts_in_week,
    "notice.city_statement": _acts_for_city_of,
    "notice.propose_agreement": _consultation_side,
    "notice.confirm_agreement": _other_side_of_proposal,
    "notice.reject_agreement": _other_side_of_proposal,
    "notice.agree": lambda user, notice: _in_district_of(user, notice, COORD, ADMIN),
    "notice.escalate": lambda user, notice: _in_district_of(user, notice, COORD, ADMIN),
    "notice.decide": lambda user, notice: _in_district_of(user, notice, ADMIN),
    "notice.revoke_cut": lambda user, notice: _in_district_of(user, notice, ADMIN),
    "notice.approve_by_silence": lambda user, notice: False,  # only the system (the deadline sweep)
    "escalations.view": _district_side,
    # PS-2.5: the ledger of administrative-cost cuts: the district side, a city its own (scope)
    "cuts.view": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or role_of(user) is not None),
    # PS-2.1: the overall goals of the JobAgentur EN, kept by the coordination office or the district
    "goals.keep": lambda user, obj=None: _has_role(user, COORD, ADMIN),
    # planning (PS-1.4, PS-3, PS-5.1, PS-6.1)
    "office_data.keep": lambda user, obj=None: own_office_of(user) is not None,
    "office_records.keep": _keeps_records_of,  # obj: the office of the position, person or vacancy
    "report.confirm": lambda user, obj=None: _has_role(user, CITY),
    "reports.overview": _district_side,
    "training.view": lambda user, obj=None: not _has_role(user, HEAD),
    "training_need.prioritise": lambda user, obj=None: _has_role(user, COORD),
    "training_offer.create": lambda user, obj=None: _has_role(user, COORD),
    "training.register": lambda user, obj=None: _has_role(user, CITY, COORD),
    "coaching.view": lambda user, obj=None: not _has_role(user, HEAD),
    "coaching.organise": lambda user, obj=None: _has_role(user, COORD),
    "coaching.sign_up": lambda user, obj=None: _has_role(user, CITY, COORD),
    # PS-3.3: nobody but the coordination office sees who takes part
    "coaching.participants": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, COORD)),
    "costs.view": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, CITY, COORD, ADMIN)),
    "cap.set": lambda user, obj=None: _has_role(user, ADMIN),
    # integrations and data protection
    "integrations.admin": lambda user, obj=None: scope_of(user).everything,  # accounts span organisations
    "import.run": lambda user, obj=None: _has_role(user, CITY),
    "privacy.export": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, COORD)),
    # issue 13: career tracks (PS-1.1): every role reads its district's table, the district keeps it
    "career_tracks.view": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or role_of(user) is not None),
    "career_tracks.keep": lambda user, obj=None: _has_role(user, COORD, ADMIN),
    # issue 13: PS-5.1 cap consultation ("in Abstimmung mit allen Städten", "rechtzeitig")
    "cap_consultation.view": _district_side,
    "cap_consultation.propose": lambda user, obj=None: _has_role(user, ADMIN),
    "cap_consultation.fix": lambda user, consultation: _has_role(user, ADMIN) and consultation is not None
    and scope_of(user).district_id == consultation.district_id,  # obj: the consultation
    "cap_consultation.state": lambda user, proposal: _has_role(user, CITY) and proposal is not None
    and scope_of(user).city_id == proposal.city_id,  # obj: the city's proposal
    # issue 13: training (PS-1.4, PS-3.2): who lacks the field-specific training is read by the coordination
    # office (which ensures the offer) and the district administration; only the coordination office reminds
    # a city; whoever marks attendance records the induction an attended induction offer completes
    "training_coverage.view": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, COORD, ADMIN)),
    "training_coverage.remind": lambda user, obj=None: _has_role(user, COORD),
    "training.record_induction": lambda user, obj=None: _has_role(user, CITY, COORD),
    # issue 13: continuity of staff (PS-4.1): every role sees the figures of the offices in its scope (a city
    # its own regional office); the district's start page shows them to the coordination office and the
    # district administration
    "continuity.view": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or role_of(user) is not None),
    "continuity.start_panel": lambda user, obj=None: _has_role(user, COORD, ADMIN),
    # issue 13: coaching (PS-3.3)
    # the person's HR (their city) or the coordination office records the revocation of a sign-up
    "coaching.revoke": lambda user, obj=None: _has_role(user, CITY, COORD),
    # leaders read the coaches' evaluations only aggregated (offer, period, themes)
    "coaching.evaluations": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, COORD, ADMIN, HEAD)),
    # the coaches' free text: the coordination office only
    "coaching.evaluation_text": lambda user, obj=None: bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or _has_role(user, COORD)),
    # the coordination office hands the external coach a personal, expiring, signed link per offer
    "coaching.coach_link": lambda user, obj=None: _has_role(user, COORD),
    # issue 13: staff plan (PS-4.2) -- obj: the office of the plan (of the position or proposal)
    "staff_plan.view": _sees_office,
    "staff_plan.keep": _keeps_staff_plan,
    "staff_plan.propose": _proposes_for,
    "staff_plan.decide": _keeps_staff_plan,
    # issue 17: procedure statistics (point 2) and the audit export (point 3)
    "statistics.view": _sees_statistics,
    "statistics.all_districts": lambda user, obj=None: scope_of(user).everything,  # the operator, per district
    "audit.export": _exports_audit,  # obj: the notice, or None for a period of the user's scope
    # issue 17: the district's agreement settings (rule sets): the district side reads its own district's,
    # the district administration changes them (obj: the district)
    "rule_set.view": _district_side,
    "rule_set.keep": lambda user, district=None: _has_role(user, ADMIN) and (
        district is None or scope_of(user).district_id == district.pk),
    # issue 14: development mail viewer -- only while DEBUG; staff and superusers, or the demo logins (which
    # sign in only while DEMO_LOGINS_ENABLED): a newcomer sees what every demo user would receive
    "dev_mail.view": lambda user, obj=None: settings.DEBUG and bool(getattr(user, "is_authenticated", False))
    and user.is_active and (user.is_staff or user.is_superuser or bool(getattr(user, "is_demo", False))),
}


def can(user, action: str, obj=None) -> bool:
    """Whether the user may take `action` (on `obj`): the one answer for views, services, templates and
    the django-fsm transitions. An unknown action is a programming error (KeyError)."""
    rule = RULES[action]
    return bool(rule(user, obj))


def transition_permission(name: str):
    """The django-fsm `permission=` callable of a notice transition: `can(user, "notice.<name>", notice)`."""
    action = f"notice.{name}"
    RULES[action]  # fail at import for a transition without a rule

    def permitted(notice, user) -> bool:
        return can(user, action, notice)

    permitted.__name__ = f"may_{name}"
    return permitted
