"""Abwesenheitsvertretung (substitutes): a user names a colleague of the same organisation and a period;
during it the colleague acts on the absent person's notices, audited as "i. V. für <name>".

Whose work a notice is: on each side (city, coordination office, district administration) the person
who handled it last, or on the city's side the person who created it."""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from staffing.deadlines import legal_time_zone
from staffing.models import NoticeState, PlacementNotice, User
from staffing.selectors import notices_visible_to

from .models import Substitution

FINAL_STATES = (NoticeState.PLACED, NoticeState.WITHDRAWN)


def today() -> date:
    return timezone.localtime(timezone.now(), legal_time_zone()).date()


def substitutions_active(on: date | None = None) -> QuerySet[Substitution]:
    on = on or today()
    return Substitution.objects.filter(cancelled_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


def absent_colleagues_of(substitute: User, on: date | None = None) -> list[User]:
    """Substitutes: the colleagues (same organisation) the user stands in for today."""
    if not substitute.organisation_id:
        return []
    return [s.absent for s in substitutions_active(on).filter(
        substitute=substitute, absent__organisation_id=substitute.organisation_id, absent__is_active=True,
    ).select_related("absent")]


def notice_owner(notice: PlacementNotice, organisation_id: int) -> User | None:
    """Whose work the notice is on one side: who handled it last there, else (city) who created it."""
    last = (notice.events.filter(actor__organisation_id=organisation_id)
            .select_related("actor", "on_behalf_of").order_by("-at", "-pk").first())
    if last is not None:
        return last.on_behalf_of or last.actor
    if notice.created_by_id and notice.created_by.organisation_id == organisation_id:
        return notice.created_by
    return None


def absent_colleague_for(notice: PlacementNotice, by: User) -> User | None:
    """Substitutes: the absent colleague `by` stands in for on this notice, if it is that colleague's work.
    The core's on-behalf-of resolver for audited steps (`IntegrationsConfig.ready()`)."""
    if not getattr(by, "organisation_id", None):
        return None
    absent = {u.pk: u for u in absent_colleagues_of(by)}
    if not absent:
        return None
    owner = notice_owner(notice, by.organisation_id)
    return absent.get(owner.pk) if owner is not None else None


def notices_of_absent_colleagues(substitute: User) -> list[tuple[User, list[PlacementNotice]]]:
    """Substitutes: each colleague the user stands in for, with that colleague's open notices."""
    result = []
    for absent in absent_colleagues_of(substitute):
        candidates = (notices_visible_to(substitute).exclude(state__in=FINAL_STATES)
                      .filter(Q(created_by=absent) | Q(events__actor=absent) | Q(events__on_behalf_of=absent))
                      .distinct().order_by("period_ends_at", "-updated_at"))
        mine = [n for n in candidates if (notice_owner(n, substitute.organisation_id) or substitute).pk == absent.pk]
        result.append((absent, mine))
    return result


def colleagues_for(user: User) -> QuerySet[User]:
    """Who may stand in for the user: active members of the same organisation."""
    if not user.organisation_id:
        return User.objects.none()
    return (User.objects.filter(organisation_id=user.organisation_id, is_active=True).exclude(pk=user.pk)
            .order_by("last_name", "first_name", "username"))


@transaction.atomic
def substitution_create(*, by: User, substitute: User, starts_on: date, ends_on: date,
                        note: str = "") -> Substitution:
    """Substitutes: name a colleague of the same organisation for a period (one at a time)."""
    errors = {}
    if not by.organisation_id:
        raise PermissionDenied(_("Nur Mitarbeitende einer Organisation können eine Vertretung benennen."))
    if substitute is None or substitute.pk == by.pk:
        errors["substitute"] = _("Bitte wählen Sie eine andere Person als Vertretung.")
    elif substitute.organisation_id != by.organisation_id or not substitute.is_active:
        errors["substitute"] = _("Die Vertretung muss ein aktives Mitglied Ihrer Organisation sein.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    elif ends_on and ends_on < today():
        errors["ends_on"] = _("Das Ende darf nicht in der Vergangenheit liegen.")
    if not errors:
        User.objects.select_for_update().filter(pk=by.pk).first()  # one naming at a time per person
        overlap = Substitution.objects.filter(absent=by, cancelled_at__isnull=True, starts_on__lte=ends_on,
                                              ends_on__gte=starts_on).first()
        if overlap is not None:
            errors["starts_on"] = _("Für diesen Zeitraum ist bereits eine Vertretung benannt (%(existing)s).") % {
                "existing": f"{overlap.substitute.get_full_name() or overlap.substitute.username}, "
                            f"{overlap.starts_on:%d.%m.%Y}–{overlap.ends_on:%d.%m.%Y}"}
    if errors:
        raise ValidationError(errors)
    return Substitution.objects.create(absent=by, substitute=substitute, starts_on=starts_on, ends_on=ends_on,
                                       note=(note or "").strip())


@transaction.atomic
def substitution_cancel(*, by: User, substitution_id: int) -> Substitution:
    """Substitutes: the absent person (or the substitute) ends a substitution early."""
    substitution = (Substitution.objects.select_for_update()
                    .filter(Q(absent=by) | Q(substitute=by), pk=substitution_id, cancelled_at__isnull=True).first())
    if substitution is None:
        raise Http404
    substitution.cancelled_at = timezone.now()
    substitution.save(update_fields=["cancelled_at"])
    return substitution
