"""Thin views: each reads through selectors (visibility rule) and writes through services."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import access, hooks, inbox, records, selectors, services, ui
from .deadlines import legal_time_zone, objection_period
from .forms import (
    ACTION_FORMS,
    CandidateFormSet,
    CareerTrackForm,
    CommentForm,
    EmailPreferencesForm,
    GoalForm,
    LoginForm,
    NoticeFilterForm,
    NoticeForm,
    RuleSetForm,
    positions_for_notice,
    transition_of,
)
from .models import OPEN_STATES, RULE_SET_FIELDS, NoticeState, PlacementNotice, rule_set_defaults
from .redirects import safe_next
from .templatetags.kern import days_left_text

PAGE_SIZE = 25
ESCALATION_PAGE_SIZE = 10  # issue 16, point 6: each row is a card with the record (the decision form: its own URL)
CANDIDATE_PREFIX = "personen"
CONCURRENT_MESSAGE = _("Die Mitteilung wurde inzwischen von jemand anderem bearbeitet. Bitte prüfen Sie den "
                       "aktuellen Stand und wiederholen Sie den Schritt, falls er noch nötig ist.")

SERVICES = {
    "submit": services.notice_submit,
    "clear": services.notice_clear,
    "request_clarification": services.notice_raise_objection,
    "raise_concerns": services.notice_raise_objection,
    "city_statement": services.notice_city_statement,
    "propose_agreement": services.notice_propose_agreement,
    "confirm_agreement": services.notice_confirm_agreement,
    "reject_agreement": services.notice_reject_agreement,
    "agree": services.notice_agree,
    "escalate": services.notice_escalate,
    "decide": services.notice_decide,
    "revoke_cut": services.notice_revoke_cut,
    "place": services.notice_place,
    "withdraw": services.notice_withdraw,
}
SUCCESS = {
    "submit": _("Die Mitteilung wurde eingereicht. Die Wochenfrist läuft."),
    "clear": _("Die Mitteilung wurde ohne Bedenken freigegeben."),
    "request_clarification": _("Ihr Klärungsbedarf wurde festgehalten; die Wochenfrist ist angehalten, die "
                               "Erörterung beginnt."),
    "raise_concerns": _("Ihre Bedenken wurden festgehalten; die Wochenfrist ist angehalten, die Erörterung "
                        "beginnt."),
    "city_statement": _("Die Stellungnahme der Stadt wurde festgehalten."),
    "propose_agreement": _("Die Einigung wurde vorgeschlagen; die andere Seite bestätigt sie oder lehnt sie ab."),
    "confirm_agreement": _("Die Einigung wurde bestätigt."),
    "reject_agreement": _("Die vorgeschlagene Einigung wurde abgelehnt; die Erörterung geht weiter."),
    "agree": _("Die einvernehmliche Lösung wurde festgehalten."),
    "escalate": _("Die Mitteilung wurde an die Kreisverwaltung eskaliert."),
    "decide": _("Die Entscheidung des Kreises wurde festgehalten."),
    "revoke_cut": _("Die Kürzung wurde aufgehoben; die Stadt wird benachrichtigt."),
    "place": _("Die Besetzung wurde eingetragen."),
    "withdraw": _("Die Mitteilung wurde zurückgezogen."),
}


def has_qualification_check() -> bool:
    """The qualification advice (PS-1.1 to PS-1.3) is shown unless SHOW_QUALIFICATION_CHECK turns it off."""
    return getattr(settings, "SHOW_QUALIFICATION_CHECK", True)


def _error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- start page -----------------------------------------------------------------------------

LONG_VACANCIES_SHOWN = 20


@login_required
def home(request):
    """Start page per role: what waits for this user, and counts by state (PS-2, PS-4.3)."""
    user = request.user
    counts = selectors.notice_state_counts(user)
    state_counts = [(state, label, counts.get(state, 0)) for state, label in NoticeState.choices]
    role = access.role_of(user)
    waiting = [(n, n.meaning.duty_of(role).todo)
               for n in selectors.notices_waiting_rows(user, selectors.START_PAGE_WAITING)]
    flag_days = selectors.vacancy_flag_days(access.scope_of(user).district_id)  # issue 17: the district's
    today = timezone.localdate()
    # the count costs a query only when the list is cut
    shown = selectors.vacancies_open_longer_rows(user, flag_days, LONG_VACANCIES_SHOWN + 1, today)
    long_count = (len(shown) if len(shown) <= LONG_VACANCIES_SHOWN
                  else selectors.vacancies_open_longer_than(user, flag_days).count())
    return render(request, "staffing/home.html", {
        "state_counts": state_counts,
        "waiting": waiting,
        "show_days_left": any(n.meaning.period_runs for n, _todo in waiting),
        "flag_days": flag_days,
        # issue 14: the work first, then overviews; the long table collapsed behind its count
        "long_vacancies": [(v, (today - v.vacated_on).days) for v in shown[:LONG_VACANCIES_SHOWN]],
        "long_vacancy_count": long_count,
        "panels": hooks.start_panels(request),  # e.g. planning's continuity figures (PS-4.1)
    })


# --- notice list and CSV --------------------------------------------------------------------

def _filtered_notices(request):
    form = NoticeFilterForm(request.GET or None, cities=selectors.cities_visible_to(request.user))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sort = request.GET.get("sortierung", "-erstellt")
    if sort not in selectors.NOTICE_SORTS:
        sort = "-erstellt"
    qs = selectors.notices_filtered(
        request.user, state=filters.get("status", ""), city=filters.get("stadt"), function=filters.get("funktion"),
        deadline_from=filters.get("frist_von"), deadline_to=filters.get("frist_bis"), text=filters.get("q", ""),
        sort=sort)
    return form, qs, sort


SORT_COLUMNS = [("stadt", _("Stadt")), ("status", _("Status")), ("frist", _("Frist endet")),
                ("erstellt", _("angelegt am"))]


@login_required
def notice_list(request):
    """The notices the user may see, filtered, sorted and paged (PS-2)."""
    form, qs, sort = _filtered_notices(request)
    columns = []
    for key, label in SORT_COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = f"-{key}" if current and not descending else key
        aria = ("descending" if descending else "ascending") if current else ""
        columns.append({"key": key, "label": label, "next": next_sort, "aria_sort": aria})
    template = "staffing/notices/list.html"
    # htmx 4 names the target as "tag#id" (htmx 2: "id")
    if request.htmx and (request.htmx.target or "").split("#")[-1] == "ergebnis":
        template += "#results"
    return render(request, template, {
        "form": form, "columns": columns, "sort": sort,
        "page": ui.paginate(request, qs, per_page=PAGE_SIZE, rows=lambda ids: selectors.notice_list_rows(ids, sort)),
        "may_create": access.can(request.user, "notice.create"),
    })


CSV_HEADERS = [
    _("Nr."), _("Stadt"), _("Stellennummer"), _("Stelle"), _("Funktion"), _("Status"), _("Aktenzeichen"),
    _("eingegangen am"), _("Frist endet am"), _("Fristverlängerung"), _("geplanter Besetzungstermin"),
    _("Anzahl Personen"), _("Leitung beteiligt"), _("besetzt am"), _("Art der Veränderung"),
]


@login_required
def notice_export(request):
    """The filtered list as CSV for Excel: German headers, ";" separator, UTF-8 with BOM; streamed in chunks of
    500 rows from a server-side cursor (issue 16, point 6: constant memory whatever the rows). The rows are
    plain tuples; labels, "ja"/"nein" and the time zone are looked up once per export, not per row. Only the
    text someone typed passes `ui.csv_cell` per row (the formula guard); the labels pass it once, and ids,
    counts and the dates (formatted here: `strftime` was the export's largest single cost) need none."""
    _form, qs, _sort = _filtered_notices(request)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    fields = PlacementNotice._meta
    cell = ui.csv_cell
    states = {value: cell(str(label)) for value, label in fields.get_field("state").flatchoices}
    kinds = {value: cell(str(label)) for value, label in fields.get_field("notice_kind").flatchoices}
    yes, no = cell(str(_("ja"))), cell(str(_("nein")))
    zone = timezone.get_current_timezone()

    def day(value):
        return f"{value.day:02}.{value.month:02}.{value.year:04}" if value else ""

    def moment(value):
        if not value:
            return ""
        value = value.astimezone(zone)
        return f"{value.day:02}.{value.month:02}.{value.year:04} {value.hour:02}:{value.minute:02}"

    rows = ((
        pk, cell(city), cell(number), cell(title), cell(function), states.get(state) or cell(state), cell(reference),
        moment(received_at), day(period_last_day), cell(extension_reason), day(planned_start), candidates,
        yes if head_involved else no, day(placed_on), kinds.get(kind) or cell(kind),
    ) for (pk, city, number, title, function, state, reference, received_at, period_last_day, extension_reason,
           planned_start, candidates, head_involved, placed_on, kind) in selectors.notice_export_values(qs))
    return ui.csv_response(f"mitteilungen-{stamp}.csv", CSV_HEADERS, rows, streaming=True, cells_final=True)


# --- notice form (create and edit a draft) --------------------------------------------------

def _positions_for(user, notice: PlacementNotice | None):
    qs = positions_for_notice(selectors.positions_visible_to(user))
    busy = PlacementNotice.objects.filter(state__in=OPEN_STATES, position__isnull=False)
    if notice is not None:
        busy = busy.exclude(pk=notice.pk)
    return qs.exclude(pk__in=busy.values("position_id"))


def _rules_now(user):
    """Issue 17: the settings of the user's district in force now (None: the environment's defaults)."""
    district_id = access.scope_of(user).district_id
    rule_set = selectors.rule_set_in_force(district_id) if district_id else None
    return rule_set.rules if rule_set is not None else None


def _start_warning(planned_start, rules=None):
    """A planned start before the end of the objection period that would start now (PS-2.3)."""
    if not planned_start:
        return None
    period = objection_period(timezone.now(), rules)
    if planned_start <= period.last_day:
        return {"planned_start": planned_start, "last_day": period.last_day}
    return None


def _candidate_initial(notice: PlacementNotice | None) -> list[dict]:
    if notice is None:
        return []
    fields = CandidateFormSet.form.Meta.fields
    return [{name: getattr(c, name) for name in fields} for c in notice.candidates.all()]


@login_required
def notice_create(request):
    """PS-2.2: a city clerk starts a notice."""
    if not access.can(request.user, "notice.create"):
        raise PermissionDenied(_("Nur die Personalsachbearbeitung einer Stadt kann Mitteilungen anlegen."))
    return _notice_form(request, None)


@login_required
def notice_edit(request, pk):
    """PS-2.2: the city edits its draft until it is submitted."""
    notice = selectors.notice_for_user(request.user, pk)
    if not access.can(request.user, "notice.edit", notice):
        if access.can(request.user, "notice.submit", notice):  # the notice's own city, no longer a draft
            messages.info(request, _("Die Mitteilung ist bereits eingereicht und kann nicht mehr geändert werden."))
            return redirect("staffing:notice_detail", pk=notice.pk)
        raise PermissionDenied(_("Nur die Personalsachbearbeitung der Stadt kann den Entwurf ändern."))
    return _notice_form(request, notice)


def _notice_form(request, notice: PlacementNotice | None):
    user = request.user
    rules = _rules_now(user)
    positions = _positions_for(user, notice)
    goals = selectors.goals_visible_to(user).filter(active=True)
    if notice is not None:  # a goal retired since stays on the draft that named it
        goals = selectors.goals_visible_to(user).filter(Q(active=True) | Q(notices=notice)).distinct()
    status = 200
    summary_messages: list[str] = []
    if request.method == "POST":
        action = request.POST.get("aktion", "entwurf")
        complete = action == "einreichen"
        data = request.POST
        if action == "person_hinzufuegen":
            data = data.copy()
            total = f"{CANDIDATE_PREFIX}-TOTAL_FORMS"
            try:
                data[total] = str(min(int(data.get(total, "1")) + 1, 50))
            except ValueError:
                data[total] = "1"
        form = NoticeForm(data, instance=notice, positions=positions, goals=goals, complete=complete, rules=rules,
                          all_positions=positions_for_notice(selectors.positions_visible_to(user)))
        formset = CandidateFormSet(data, prefix=CANDIDATE_PREFIX, complete=complete)
        if action != "person_hinzufuegen":
            forms_valid = form.is_valid()
            forms_valid = formset.is_valid() and forms_valid
            if forms_valid:
                saved = _save_notice(request, notice, form, formset, submit=complete, errors=summary_messages)
                if saved is not None:
                    if complete:
                        messages.success(request, SUCCESS["submit"])
                    else:
                        messages.success(request, _("Der Entwurf wurde gespeichert."))
                    return redirect("staffing:notice_detail", pk=saved.pk)
            status = 400
    else:
        form = NoticeForm(instance=notice, positions=positions, goals=goals, rules=rules)
        formset = CandidateFormSet(initial=_candidate_initial(notice), prefix=CANDIDATE_PREFIX)
    summary_items = []
    if form.is_bound:
        summary_messages = list(form.non_field_errors()) + summary_messages
        summary_items += ui.summary_items(form)
        summary_messages += list(formset.non_form_errors())
        for index, cform in enumerate(formset.forms, start=1):
            summary_items += ui.summary_items(cform, label_prefix=_("Person %(n)d: ") % {"n": index})
            summary_messages += list(cform.non_field_errors())
    if formset.non_form_errors() and formset.forms:
        summary_items.insert(0, (formset.forms[0]["full_name"].auto_id, "", formset.non_form_errors()[0]))
        summary_messages = [m for m in summary_messages if m not in formset.non_form_errors()]
    planned = (form.cleaned_data.get("planned_start") if form.is_bound and hasattr(form, "cleaned_data")
               else (notice.planned_start if notice else None))
    function = form.chosen_function() if form.is_bound and hasattr(form, "cleaned_data") else (
        notice.function if notice else None)
    # PS-1.1: the advice measures each person against the grade of the position chosen (the district's table)
    position = (form.cleaned_data.get("position") if form.is_bound and hasattr(form, "cleaned_data")
                else (notice.position if notice else None))
    if position is not None:
        for cform in formset.forms:
            cform.advice_notice = PlacementNotice(position=position, office=position.office)
    return render(request, "staffing/notices/form.html", {
        "notice": notice, "form": form, "formset": formset, "has_errors": bool(summary_items or summary_messages),
        "summary_items": summary_items, "summary_messages": summary_messages,
        "start_warning": _start_warning(planned, rules), "function": function,
        "qualification_check": has_qualification_check(),
        "period_preview": objection_period(timezone.now(), rules),
        "submit_attempted": request.method == "POST" and request.POST.get("aktion") == "einreichen",
    }, status=status)


def _save_notice(request, notice, form, formset, *, submit: bool, errors: list[str]):
    """Save the draft (and submit it) in one transaction; on refusal nothing is kept."""
    user = request.user
    try:
        with transaction.atomic():
            if notice is None:
                saved = services.notice_create(by=user, candidates=formset.service_data(), **form.service_data())
            else:
                saved = services.notice_update_draft(notice_id=notice.pk, by=user,
                                                     candidates=formset.service_data(), **form.service_data())
            if submit:
                services.notice_submit(notice_id=saved.pk, by=user)
    except services.WorkflowError as error:
        ui.apply_service_error(form, error)
        return None
    except IntegrityError:
        other = services.open_notice_on(form.cleaned_data.get("position") and form.cleaned_data["position"].pk,
                                        exclude_pk=notice.pk if notice else None)
        form.add_error("position", services.open_notice_message(other) if other else
                       _("Für diese Stelle gibt es bereits eine offene Mitteilung."))
        return None
    except (ConcurrentTransition, TransitionNotAllowed):
        errors.append(CONCURRENT_MESSAGE)
        return None
    return saved


# --- notice detail and actions --------------------------------------------------------------

def _detail_context(request, notice, *, overrides=None, comment_form=None) -> dict:
    user = request.user
    overrides = overrides or {}
    available = {t.name for t in notice.get_available_user_state_transitions(user)}
    actions = []
    for name, form_class in ACTION_FORMS.items():
        if transition_of(name) in available:
            form = overrides.get(name) or form_class(prefix=name, initial={"seen_state": notice.state},
                                                     notice=notice)
            actions.append({"name": name, "form": form, "title": form.title, "dom_id": f"schritt-{name}",
                            "help": getattr(form_class, "help", ""),
                            "url": reverse("staffing:notice_action", args=[notice.pk, name])})
    steps = {a["name"] for a in actions}
    # PS-2.3/PS-2.4: while the week runs a comment does not stop it; the formal reactions do
    reactions = [a for a in actions if a["name"] in ("request_clarification", "raise_concerns")]
    period_runs = notice.meaning.period_runs and notice.period_running()
    summary_items, summary_messages = [], []
    for form in overrides.values():
        summary_items += ui.summary_items(form)
        summary_messages += list(form.non_field_errors())
    may_comment = access.can(user, "notice.comment", notice)
    if comment_form is not None:
        summary_items += ui.summary_items(comment_form)
    candidates = list(notice.candidates.all())
    # PS-2.6/DSGVO: the head of the JobAgentur sees the candidates only where involved or escalated
    shows_candidates = access.can(user, "notice.candidates", notice)
    request.candidate_data_shown = shows_candidates and bool(candidates)  # read by privacy's access log
    # ... with the unerased candidates shown, so the log reads them from here (issue 16, point 4)
    request.candidate_ids_shown = [c.pk for c in candidates if c.erased_at is None] if shows_candidates else []
    qualification_kinds = sorted({c.get_qualification_display() for c in candidates if c.qualification})
    return {
        "notice": notice, "actions": actions, "candidates": candidates if shows_candidates else [],
        "shows_candidates": shows_candidates, "candidate_count": len(candidates),
        "qualification_kinds": qualification_kinds,
        "reactions": reactions, "period_runs": period_runs, "steps": steps,
        "head_may_react": notice.head_involved and notice.function_id is not None
        and notice.function.is_leadership and notice.state == NoticeState.INFORMED,
        "events": list(notice.events.all()), "comments": list(notice.comments.all()),
        "comment_form": comment_form or (CommentForm() if may_comment else None),
        "may_edit": access.can(user, "notice.edit", notice),
        "missing": notice.missing_for_submission() if notice.state == NoticeState.DRAFT else [],
        "start_warning": (_start_warning(notice.planned_start, _rules_now(user))
                          if notice.state == NoticeState.DRAFT else None),
        "qualification_check": has_qualification_check(), "function": notice.function,
        "notice_links": hooks.notice_links(notice, user),
        "summary_items": summary_items, "summary_messages": summary_messages,
        "has_errors": bool(summary_items or summary_messages),
        "legal_basis": services.legal_basis_cut(notice),
        "days_left": days_left_text(notice),
    }


@login_required
def notice_detail(request, pk):
    """All data of a notice, its deadline, audit trail, comments and the user's possible steps (PS-2)."""
    notice = selectors.notice_detail_for_user(request.user, pk)
    return render(request, "staffing/notices/detail.html", _detail_context(request, notice))


def _concurrent(request, pk, name: str):
    """A step refused because the notice changed since the page was loaded. The notice as it is now
    decides what the user is told (`services.late_refusal`): the Wochenfrist ended (repeating cannot
    help), or someone else acted (look and repeat the step if it is still needed)."""
    late = services.late_refusal(selectors.notice_for_user(request.user, pk), name)
    if late:
        messages.error(request, late)
    else:
        messages.warning(request, CONCURRENT_MESSAGE)
    return redirect("staffing:notice_detail", pk=pk)


@login_required
@require_POST
def notice_action(request, pk, name):
    """One step of the workflow (a django-fsm transition) through its service (PS-2.2 to PS-2.5)."""
    if name not in ACTION_FORMS:
        raise Http404
    notice = selectors.notice_detail_for_user(request.user, pk)
    form = ACTION_FORMS[name](request.POST, prefix=name, notice=notice)
    seen = request.POST.get(f"{name}-seen_state", "")
    if seen and seen != notice.state:
        return _concurrent(request, pk, name)
    available = {t.name for t in notice.get_available_user_state_transitions(request.user)}
    transition = transition_of(name)
    if form.is_valid():
        # issue 15: where to go is settled before the step is committed, so the answer to a committed
        # step is always the success redirect (a bad `next` falls back to the notice)
        target = safe_next(request, reverse("staffing:notice_detail", args=[pk]))
        try:
            SERVICES[name](notice_id=notice.pk, by=request.user, **form.service_kwargs())
        except services.WorkflowError as error:
            if transition not in available:
                for message in _error_messages(error):
                    messages.error(request, message)
                return redirect("staffing:notice_detail", pk=pk)
            ui.apply_service_error(form, error)
        except (ConcurrentTransition, TransitionNotAllowed):
            return _concurrent(request, pk, name)
        else:
            messages.success(request, form.success_message or SUCCESS[name])
            return HttpResponseRedirect(target)
    elif transition not in available:
        raise PermissionDenied(_("Dieser Schritt steht Ihnen bei dieser Mitteilung jetzt nicht zur Verfügung."))
    context = _detail_context(request, notice, overrides={name: form})
    return render(request, "staffing/notices/detail.html", context, status=400)


@login_required
@require_POST
def notice_comment(request, pk):
    """PS-2.4/2.6: a comment on a notice."""
    notice = selectors.notice_detail_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.notice_comment(notice_id=notice.pk, by=request.user, text=form.cleaned_data["text"])
        except services.WorkflowError as error:
            ui.apply_service_error(form, error)
        else:
            messages.success(request, _("Ihr Kommentar wurde gespeichert."))
            return redirect(reverse("staffing:notice_detail", args=[pk]) + "#kommentare")
    elif not access.can(request.user, "notice.comment", notice):
        raise PermissionDenied(_("Sie können diese Mitteilung nicht kommentieren."))
    context = _detail_context(request, notice, comment_form=form)
    return render(request, "staffing/notices/detail.html", context, status=400)


# --- escalations (district) -----------------------------------------------------------------

@login_required
def escalation_list(request):
    """PS-2.4/2.5: consultations and escalations of the district with their record; paged by `?seite=`
    (issue 16, point 6: a large district's page stays flat; a bad page number shows the first or last page).
    Issue 16, point 4: the decision form is not built per row; a row the user may decide links to its form
    (`escalation_decide`), which htmx loads into the row and which is a page of its own without JavaScript."""
    user = request.user
    if not access.can(user, "escalations.view"):
        raise PermissionDenied(_("Die Eskalationen sieht nur der Kreis."))
    page = ui.paginate(request, selectors.escalations_visible_to(user), per_page=ESCALATION_PAGE_SIZE,
                       rows=selectors.escalation_rows)
    rows = [{"notice": notice,
             "may_decide": "decide" in {t.name for t in notice.get_available_user_state_transitions(user)}}
            for notice in page.object_list]
    return render(request, "staffing/escalations.html", {"rows": rows, "page": page})


def _decide_action(notice, form) -> dict:
    return {"name": "decide", "form": form, "title": ACTION_FORMS["decide"].title,
            "url": reverse("staffing:escalation_decide", args=[notice.pk]), "dom_id": f"schritt-decide-{notice.pk}"}


@login_required
def escalation_decide(request, pk):
    """PS-2.5: the district's decision on one escalated notice, the form of a row of the escalation page
    (issue 16, point 4: built only when asked for). Same access as the page (`escalations.view`; a notice
    outside the user's scope is 404; one the user cannot decide now sends them back with a message, a POST as
    a step refused because the notice changed); GET shows the form (for htmx only the form), POST decides through
    the same service as the notice's step (`services.notice_decide`); then back to `next` (the page)."""
    user = request.user
    if not access.can(user, "escalations.view"):
        raise PermissionDenied(_("Die Eskalationen sieht nur der Kreis."))
    notice = selectors.notice_for_user(user, pk)
    back = safe_next(request, reverse("staffing:escalation_list"))
    if "decide" not in {t.name for t in notice.get_available_user_state_transitions(user)}:
        if request.method == "POST":  # e.g. decided by someone else since the form was loaded
            return _concurrent(request, pk, "decide")
        messages.info(request, _("Zu dieser Mitteilung ist zurzeit keine Entscheidung des Kreises möglich."))
        return redirect(back)
    status = 200
    if request.method == "POST":
        form = ACTION_FORMS["decide"](request.POST, prefix="decide", notice=notice, auto_id=f"id_{notice.pk}_%s")
        seen = request.POST.get("decide-seen_state", "")
        if seen and seen != notice.state:
            return _concurrent(request, pk, "decide")
        if form.is_valid():
            try:
                SERVICES["decide"](notice_id=notice.pk, by=user, **form.service_kwargs())
            except services.WorkflowError as error:
                ui.apply_service_error(form, error)
            except (ConcurrentTransition, TransitionNotAllowed):
                return _concurrent(request, pk, "decide")
            else:
                messages.success(request, form.success_message or SUCCESS["decide"])
                return HttpResponseRedirect(back)
        status = 400
    else:
        form = ACTION_FORMS["decide"](prefix="decide", initial={"seen_state": notice.state}, notice=notice,
                                      auto_id=f"id_{notice.pk}_%s")
    template = "staffing/escalation_decide.html"
    if request.htmx and request.method == "GET":
        template += "#decide"  # loaded into the row of the escalation page
    return render(request, template, {
        "notice": notice, "action": _decide_action(notice, form), "next": back,
        "legal_basis": services.legal_basis_cut(notice),  # the statute of the notice's district (issue 17)
        "summary_items": ui.summary_items(form), "summary_messages": list(form.non_field_errors()),
        "has_errors": form.is_bound and bool(form.errors)}, status=status)


# --- PS-2.5: the ledger of administrative-cost cuts; PS-2.1: the goals of the JobAgentur EN ----------

@login_required
def cost_cut_ledger(request):
    """PS-2.5: the cuts of the administrative-cost reimbursement per city and year, apart from the
    personnel-cost reimbursement of PS-5.1; revoked cuts stay listed, marked as revoked."""
    user = request.user
    if not access.can(user, "cuts.view"):
        raise PermissionDenied(_("Diese Übersicht ist Ihnen nicht zugänglich."))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("jahr", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    cuts = list(selectors.cost_cuts_visible_to(user, year=year))
    by_city: dict = {}
    for cut in cuts:
        by_city.setdefault(cut.city, []).append(cut)
    return render(request, "staffing/cost_cuts.html", {
        "year": year, "years": list(range(today.year - 3, today.year + 2)), "by_city": list(by_city.items()),
        "legal_basis": services.LEGAL_BASIS_CUT,
    })


@login_required
def goal_list(request):
    """PS-2.1: the overall goals of the JobAgentur EN of the district; kept by the coordination office or
    the district administration, named by the cities in their notices."""
    user = request.user
    may_keep = access.can(user, "goals.keep")
    form = GoalForm()
    status = 200
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die Ziele."))
        if "ziel" in request.POST:
            try:
                goal_id = int(request.POST["ziel"])
            except ValueError:
                raise Http404 from None
            try:
                services.goal_set_active(by=user, goal_id=goal_id, active=request.POST.get("aktiv") == "1")
            except services.WorkflowError as error:
                for message in _error_messages(error):
                    messages.error(request, message)
            else:
                messages.success(request, _("Das Ziel wurde geändert."))
            return redirect("staffing:goal_list")
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                services.goal_create(by=user, title=form.cleaned_data["title"])
            except services.WorkflowError as error:
                ui.apply_service_error(form, error)
            else:
                messages.success(request, _("Das Ziel wurde angelegt."))
                return redirect("staffing:goal_list")
        status = 400
    return render(request, "staffing/goals.html", {
        "goals": selectors.goals_visible_to(user), "form": form if may_keep else None,
        "summary_items": ui.summary_items(form) if form.is_bound else [],
        "has_errors": form.is_bound and bool(form.errors),
    }, status=status)


# --- PS-1.1: the district's career-track table -------------------------------------------------------

def _grade_order(row):
    grade = row.grade
    prefix, _sep, rest = grade.partition(" ")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (prefix != "A", int(digits or 0), rest, row.district_id)


@login_required
def career_track_list(request):
    """PS-1.1: the career track each pay grade presumes, per district; every role reads its district's
    table, the coordination office and the district administration add rows here (audited)."""
    user = request.user
    if not access.can(user, "career_tracks.view"):
        raise PermissionDenied(_("Diese Übersicht ist Ihnen nicht zugänglich."))
    may_keep = access.can(user, "career_tracks.keep")
    form = CareerTrackForm()
    status = 200
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die "
                                     "Laufbahntabelle."))
        form = CareerTrackForm(request.POST)
        if form.is_valid():
            try:
                row = records.career_track_save(by=user, **form.cleaned_data)
            except ValidationError as error:
                ui.apply_service_error(form, error)
            else:
                messages.success(request, _("%(grade)s wurde in die Laufbahntabelle aufgenommen.")
                                 % {"grade": row.grade})
                return redirect("staffing:career_tracks")
        status = 400
    rows = sorted(selectors.career_tracks_visible_to(user), key=_grade_order)
    return render(request, "staffing/career_tracks/list.html", {
        "rows": rows, "form": form if may_keep else None, "may_keep": may_keep,
        "changes": list(selectors.career_track_changes_visible_to(user)[:20]),
        "summary_items": ui.summary_items(form) if form.is_bound else [],
        "has_errors": form.is_bound and bool(form.errors),
    }, status=status)


def _career_track_kept_by(user, pk):
    """The row of the user's district if the user keeps the table (else 403); another district's row 404."""
    if not access.can(user, "career_tracks.keep"):
        raise PermissionDenied(_("Nur die Koordinierungsstelle oder die Kreisverwaltung pflegt die "
                                 "Laufbahntabelle."))
    return selectors.get_or_404(selectors.career_tracks_visible_to(user), pk)


@login_required
def career_track_edit(request, pk):
    """PS-1.1: the district changes the track a grade presumes (audited)."""
    user = request.user
    row = _career_track_kept_by(user, pk)
    form = CareerTrackForm(request.POST or None, initial={"grade": row.grade, "employment": row.employment,
                                                          "track": row.track})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = records.career_track_save(by=user, row_id=row.pk, **form.cleaned_data)
            except ValidationError as error:
                ui.apply_service_error(form, error)
            else:
                messages.success(request, _("Die Zeile %(grade)s wurde geändert.") % {"grade": row.grade})
                return redirect("staffing:career_tracks")
        status = 400
    return render(request, "staffing/career_tracks/edit.html", {
        "row": row, "form": form, "summary_items": ui.summary_items(form) if form.is_bound else [],
        "has_errors": form.is_bound and bool(form.errors),
    }, status=status)


@login_required
@require_POST
def career_track_delete(request, pk):
    """PS-1.1: the district removes a grade from its table (audited)."""
    row = _career_track_kept_by(request.user, pk)
    records.career_track_delete(by=request.user, row_id=row.pk)
    messages.success(request, _("Die Zeile %(grade)s wurde gelöscht.") % {"grade": row.grade})
    return redirect("staffing:career_tracks")


# --- notifications and settings ---------------------------------------------------------------

@login_required
def notification_list(request):
    """The user's in-app notifications."""
    qs = selectors.notifications_for_list(request.user)
    page = ui.paginate_counted_in_rows(request, qs, per_page=PAGE_SIZE)  # issue 16, point 3: one statement
    page.object_list = selectors.name_notifications(request.user, page.object_list)
    return render(request, "staffing/notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    target = safe_next(request, reverse("staffing:notification_list"))  # issue 15: settled before the write
    inbox.notifications_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("oeffnen"):
        return HttpResponseRedirect(safe_next(request, target, target=notification.get_absolute_url()))
    messages.success(request, _("Die Benachrichtigung wurde als gelesen markiert."))
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read_all(request):
    count = inbox.notifications_mark_read(user=request.user)
    messages.success(request, _("%(n)d Benachrichtigungen als gelesen markiert.") % {"n": count})
    return redirect("staffing:notification_list")


@login_required
def user_settings(request):
    """Personal settings: e-mails per kind of notification on or off."""
    user = request.user
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            inbox.user_set_email_kinds(user=user, wanted=form.cleaned_data["email_kinds"])
            messages.success(request, _("Ihre Einstellungen wurden gespeichert."))
            return redirect("staffing:user_settings")
        status = 400
    else:
        muted = set(user.muted_email_kinds or [])
        form = EmailPreferencesForm(initial={"email_kinds": [k for k in hooks.notification_kind_values()
                                                             if k not in muted]})
        status = 200
    return render(request, "staffing/settings.html", {"form": form}, status=status)


# --- positions and vacancies (the staff register and the vacancy list are planning's pages) -----

@login_required
def position_list(request):
    qs = selectors.positions_visible_to(request.user)
    return render(request, "staffing/positions/list.html", {"page": ui.paginate(request, qs, per_page=PAGE_SIZE)})


@login_required
def position_detail(request, pk):
    position = selectors.position_for_user(request.user, pk)
    return render(request, "staffing/positions/detail.html", {"position": position})


@login_required
def vacancy_detail(request, pk):
    """PS-4.3: one vacancy, with its days open and the long-open flag of the vacancy list (one rule)."""
    vacancy = selectors.vacancy_for_user(request.user, pk)
    flag_days = selectors.vacancy_flag_days(vacancy.position.office.district_id)  # issue 17: its district's
    return render(request, "staffing/vacancies/detail.html", {
        "vacancy": vacancy, "row": selectors.vacancy_rows([vacancy], days=flag_days)[0], "flag_days": flag_days})


# --- sign-in and sign-out (issue 15: the one safe `next`) --------------------------------------------

class LoginView(auth_views.LoginView):
    """Django's login page with the long-name guard (`LoginForm`) and the safe `next` (issue 15, point 2):
    after signing in, `next` only if `staffing.redirects` accepts it, else the start page."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return safe_next(self.request, "")


class LogoutView(auth_views.LogoutView):
    """Django's logout with the safe `next` (issue 15, point 2)."""

    def get_redirect_url(self):
        return safe_next(self.request, "")


def set_language(request):
    """Django's language switch (`django.views.i18n.set_language`, which sets the language cookie) with the one
    safe `next` (issue 15, point 2): a `next` that is not a page of the application leads to the start page."""
    response = i18n_views.set_language(request)
    if isinstance(response, HttpResponseRedirect):
        response["Location"] = safe_next(request, reverse("staffing:home"))
    return response


# --- issue 17: the district's agreement settings (rule sets) ------------------------------------------

@login_required
def rule_set_overview(request):
    """Issue 17, point 1: the district's settings in force, the scheduled ones and their history, read-only
    for the district's people; the district administration changes them (`rule_set_edit`)."""
    user = request.user
    if not access.can(user, "rule_set.view"):
        raise PermissionDenied(_("Die Einstellungen des Kreises sind Ihnen nicht zugänglich."))
    rows = selectors.rule_set_overview_for(user)
    for row in rows:
        row["may_keep"] = access.can(user, "rule_set.keep", row["district"])
    return render(request, "staffing/rule_sets/overview.html", {"rows": rows})


@login_required
def rule_set_edit(request, pk):
    """Issue 17, point 1: the district administration changes its district's settings for notices received
    from a day on (a new version, audited; running periods do not move). Another district's: 404."""
    user = request.user
    district = selectors.rule_set_district_for_user(user, pk)
    if not access.can(user, "rule_set.keep", district):
        raise PermissionDenied(_("Nur die Kreisverwaltung ändert die Einstellungen ihres Kreises."))
    current = selectors.rule_set_in_force(district.pk)
    initial = {name: getattr(current, name) for name in RULE_SET_FIELDS} if current else rule_set_defaults()
    initial["valid_from"] = timezone.localdate()
    form = RuleSetForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            day = data.pop("valid_from")
            valid_from = None if day == timezone.localdate() else timezone.make_aware(
                datetime.datetime.combine(day, datetime.time.min), legal_time_zone())
            try:
                rule_set = services.rule_set_change(by=user, district_id=district.pk, valid_from=valid_from, **data)
            except ValidationError as error:
                ui.apply_service_error(form, error)
            else:
                messages.success(request, _("Die Einstellungen wurden als Fassung %(version)s gespeichert. Sie "
                                            "gelten für Mitteilungen, die ab %(day)s eingehen.") % {
                    "version": rule_set.version,
                    "day": timezone.localtime(rule_set.valid_from).strftime("%d.%m.%Y, %H:%M Uhr")})
                return redirect("staffing:rule_sets")
        status = 400
    return render(request, "staffing/rule_sets/edit.html", {
        "district": district, "current": current, "form": form,
        "summary_items": ui.summary_items(form) if form.is_bound else [],
        "has_errors": form.is_bound and bool(form.errors),
    }, status=status)
