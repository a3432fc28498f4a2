"""Thin views of the planning side: reads through `planning.selectors`, writes through `planning.services`."""
import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffing import records
from staffing import selectors as staffing_selectors
from staffing.access import can, scope_of
from staffing.qualification import deviations
from staffing.ui import apply_service_error, csv_response, paginate, parse_date_param

from . import capacity, coaching, continuity, costs, field_training, forms, reports, selectors, services
from .models import TrainingKind, TrainingParticipation
from .quarters import Quarter

PAGE_SIZE = 50




# --- staff register (PS-6.1): the one page of the staff data; writes through staffing.records -------

@login_required
def staff_register(request):
    """PS-6.1: the staff register per regional office; the district chooses the office."""
    offices = list(staffing_selectors.offices_visible_to(request.user))
    office = None
    if request.GET.get("dienststelle"):
        office = selectors.office_for_user(request.user, request.GET["dienststelle"])
    qs = staffing_selectors.staff_visible_to(request.user).order_by("office__name", "last_name", "first_name")
    if office is not None:
        qs = qs.filter(office=office)
    former = request.GET.get("ausgeschieden") == "1"
    qs = qs.filter(left_on__isnull=not former).prefetch_related("trainings__offer")
    only_deviations = request.GET.get("abweichung") == "1"
    if only_deviations:  # PS-1: the people whose qualification deviates from the standard (advice)
        qs = [m for m in qs if deviations(m, m.function)]
    return render(request, "planning/staff/list.html", {
        "page": paginate(request, qs, per_page=PAGE_SIZE), "offices": offices, "office": office, "former": former,
        "only_deviations": only_deviations,
        "editable_office": selectors.editable_office_for(request.user),
    })


@login_required
def staff_detail(request, pk):
    """PS-6.1: one person of the register with everything the register keeps about them."""
    member = staffing_selectors.staff_member_for_user(request.user, pk)
    trainings = list(member.trainings.select_related("offer").order_by("offer__starts_on"))
    return render(request, "planning/staff/detail.html", {
        "member": member, "trainings": trainings,
        # PS-1.3: the induction an attended induction offer completed; PS-1.4: the field-specific training
        "induction_offers": [t.offer for t in trainings if t.offer.kind == TrainingKind.INDUCTION
                             and t.status == TrainingParticipation.Status.ATTENDED],
        "field_training": field_training.field_training_status(member) if field_training.is_concerned(member) else None,
        "may_edit": member.left_on is None and can(request.user, "office_records.keep", member.office),
    })


@login_required
def staff_create(request):
    office = selectors.editable_office_for(request.user)
    if office is None:
        raise PermissionDenied
    form = forms.StaffMemberForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            records.staff_member_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Die Person wurde in das Personalverzeichnis aufgenommen."))
            return redirect("planning:staff_register")
    return render(request, "planning/staff/form.html", {"form": form, "office": office})


def _member_kept_by(user, pk):
    """The person if the user sees them (else 404) and keeps their office's register (else 403)."""
    member = staffing_selectors.staff_member_for_user(user, pk)
    if not can(user, "office_records.keep", member.office):
        raise PermissionDenied
    return member


@login_required
def staff_edit(request, pk):
    member = _member_kept_by(request.user, pk)
    form = forms.StaffMemberForm(request.POST or None, instance=member, office=member.office)
    if request.method == "POST" and form.is_valid():
        try:
            records.staff_member_update(member_id=member.pk, by=request.user,
                                        **{k: form.cleaned_data[k] for k in forms.STAFF_FIELDS})
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen wurden gespeichert."))
            return redirect("planning:staff_register")
    return render(request, "planning/staff/form.html", {"form": form, "office": member.office, "member": member})


@login_required
def staff_leave(request, pk):
    member = _member_kept_by(request.user, pk)
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = records.staff_member_leave(member_id=member.pk, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            if vacancy:
                messages.success(request, _("Austritt erfasst; die Stelle ist als Vakanz geöffnet (PS-4.3)."))
            else:
                messages.success(request, _("Austritt erfasst."))
            return redirect("planning:staff_register")
    return render(request, "planning/staff/leave.html", {"form": form, "member": member})


# --- quarterly report (PS-6.1, PS-6.2) ---------------------------------------------------------

def _stichtag(request) -> tuple[datetime.date, str]:
    """The day of `?stichtag=`: TT.MM.JJJJ as typed (issue 14) or ISO; else today. issue 15: a day that is
    not valid or lies outside 1900..2199 shows today with the German message (answered with 400)."""
    return parse_date_param(request.GET.get("stichtag", ""), default=timezone.localdate())


def _confirmable(request):
    """PS-6.1: (office, quarter) when the user's city still has to confirm the last ended quarter."""
    if not can(request.user, "report.confirm"):
        return None
    office = selectors.editable_office_for(request.user)
    quarter = Quarter.last_ended_before(timezone.localdate())
    if office is None or selectors.reports_visible_to(request.user).filter(
            office=office, year=quarter.year, quarter=quarter.quarter).exists():
        return None
    return office, quarter


@login_required
def report_list(request, confirm_form=None, status=200):
    """PS-6.1: the city sees its quarters and confirms; the district sees who is overdue on a date."""
    day, day_error = _stichtag(request)
    if day_error:
        messages.error(request, day_error)
        status = 400
    offices = selectors.regional_offices_visible_to(request.user)
    statuses = reports.report_status(offices, day)
    context = {"day": day, "statuses": statuses, "quarter": Quarter.last_ended_before(day),
               "overdue": [s for s in statuses if s.overdue],
               "recent": selectors.reports_visible_to(request.user).order_by("-year", "-quarter", "office__name")[:40]}
    confirmable = _confirmable(request)
    if confirmable:
        office, quarter = confirmable
        rows = reports.snapshot_rows(office, quarter)
        context.update({
            "preview_quarter": quarter, "preview_rows": rows, "preview_summary": reports.summarise(rows),
            "preview_diff": reports.difference(reports.previous_rows(office, quarter), rows),
            "confirm_form": confirm_form or forms.ReportConfirmForm(
                initial={"year": quarter.year, "quarter": quarter.quarter}),
        })
    return render(request, "planning/reports/list.html", context, status=status)


@login_required
@require_POST
def report_confirm(request):
    """PS-6.1, PS-6.2: confirm the snapshot, with the quarter's actual personnel costs if given; a bad
    amount shows the page again with the German message next to the field (nothing typed is lost)."""
    form = forms.ReportConfirmForm(request.POST)
    if not form.is_valid():
        if set(form.errors) <= {"personnel_costs", "remark"} and _confirmable(request):
            return report_list(request, confirm_form=form, status=400)
        messages.error(request, _("Die Meldung konnte nicht bestätigt werden."))
        return redirect("planning:report_list")
    try:
        report = services.report_confirm(by=request.user, quarter=Quarter(form.cleaned_data["year"],
                                                                          form.cleaned_data["quarter"]),
                                         remark=form.cleaned_data["remark"],
                                         personnel_costs=form.cleaned_data["personnel_costs"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("planning:report_list")
    messages.success(request, _("Die Quartalsmeldung ist bestätigt und unverändert gespeichert."))
    return redirect("planning:report_detail", report.pk)


@login_required
def report_detail(request, pk):
    report = selectors.report_for_user(request.user, pk)
    quarter = Quarter(report.year, report.quarter)
    return render(request, "planning/reports/detail.html", {
        "report": report, "quarter": quarter, "summary": reports.summarise(report.rows),
        "diff": reports.difference(reports.previous_rows(report.office, quarter), report.rows),
    })


# --- capacity and qualification plan (PS-3.1, PS-4.2) --------------------------------------------

def _plan(request):
    return capacity.capacity_plan(staffing_selectors.offices_visible_to(request.user))


def _bars(plan):
    """Bar geometry for the server-rendered SVG chart (values in FTE, widths in px)."""
    width, top = 420, plan.chart_max
    bars = []
    for i, p in enumerate(plan.offices):
        bars.append({
            "label": p.office.name, "y": 10 + i * 44,
            "budgeted": p.total.budgeted_fte, "filled": p.total.filled_fte,
            "w_budgeted": int(p.total.budgeted_fte / top * width), "w_filled": int(p.total.filled_fte / top * width),
        })
    return {"bars": bars, "height": 20 + 44 * len(bars), "label_width": 290, "width": width}


@login_required
def capacity_view(request):
    plan = _plan(request)
    context = {"plan": plan, "chart": _bars(plan)}
    if can(request.user, "continuity.view"):
        year_form, year = _continuity_year(request)
        context.update({"continuity": continuity.continuity_report([p.office for p in plan.offices], year),
                        "continuity_form": year_form})
    return render(request, "planning/capacity.html", context)


def _fmt(value):
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.001"))
    return value


@login_required
def capacity_csv(request):
    plan = _plan(request)
    header, rows = capacity.export_rows(plan)
    return csv_response("kapazitaetsplan.csv", header, ([_fmt(v) for v in row] for row in rows))


def xlsx_response(filename: str, sheets) -> HttpResponse:
    """An XLSX download: one sheet per `(title, (header, rows))`, the header bold, Decimals as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    for i, (title, (header, rows)) in enumerate(sheets):
        if i:
            sheet = workbook.create_sheet(title)
        else:
            sheet.title = title
        sheet.append(header)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def capacity_xlsx(request):
    plan = _plan(request)
    return xlsx_response("kapazitaetsplan.xlsx", [("Kapazitätsplan", capacity.export_rows(plan)),
                                                  ("Qualifikationsmix", capacity.export_mix_rows(plan))])


# --- continuity of staff (PS-4.1): on the capacity page, the district's start page and as exports ----------

def _continuity_year(request):
    """PS-4.1: the year asked for (`?jahr=`), validated: the form (with its German message) and the year to
    show; a bad year shows the current year's figures with the message."""
    years = continuity.valid_years()
    form = forms.ContinuityYearForm(request.GET if "jahr" in request.GET else None, years=years)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["jahr"]
    return form, years[-1]


def _continuity_export(request):
    """PS-4.1: the report of the export, or a German 400 for a bad year (nothing is guessed in a download)."""
    if not can(request.user, "continuity.view"):
        raise PermissionDenied
    form, year = _continuity_year(request)
    if form.is_bound and not form.is_valid():
        return None, HttpResponseBadRequest(" ".join(form.errors["jahr"]), content_type="text/plain; charset=utf-8")
    offices = selectors.regional_offices_visible_to(request.user)
    return continuity.continuity_report(offices, year, years_back=0), None


@login_required
def continuity_csv(request):
    """PS-4.1: the continuity figures of the chosen year as CSV (the offices the user sees)."""
    report, error = _continuity_export(request)
    if error:
        return error
    header, rows = continuity.export_rows(report)
    return csv_response(f"kontinuitaet-{report.year}.csv", header, rows)


@login_required
def continuity_xlsx(request):
    """PS-4.1: the continuity figures of the chosen year as XLSX (the offices the user sees)."""
    report, error = _continuity_export(request)
    if error:
        return error
    return xlsx_response(f"kontinuitaet-{report.year}.xlsx", [(_("Kontinuität %(year)s") % {"year": report.year},
                                                               continuity.export_rows(report))])


# --- vacancies (PS-4.3): the one vacancy page ----------------------------------------------------

@login_required
def vacancy_list(request):
    """PS-4.3: open vacancies (refilled ones on request) with days open and whether a placement notice
    exists, the long-open ones flagged (staffing.selectors: one rule); positions nobody fills."""
    refilled = request.GET.get("wiederbesetzte") == "1"
    page = paginate(request, staffing_selectors.vacancies_for_page(request.user, refilled=refilled),
                    per_page=PAGE_SIZE)
    limit = staffing_selectors.vacancy_flag_days(scope_of(request.user).district_id)  # issue 17
    rows = staffing_selectors.vacancy_rows(page, days=limit)
    return render(request, "planning/vacancies.html", {
        "page": page, "rows": rows, "limit": limit, "refilled": refilled,
        "flagged": sum(r["flagged"] for r in rows),
        "unfilled": staffing_selectors.positions_unfilled_visible_to(request.user)[:100],
    })


# --- training (PS-1.4, PS-3.2) -------------------------------------------------------------------

@login_required
def training(request):
    user = request.user
    needs = selectors.training_needs_visible_to(user)
    need_form = offer_form = None
    need_rows = list(needs)  # issue 16, point 4: the table and the offer form's options from one read
    may_report, may_offer = selectors.editable_office_for(user), can(user, "training_offer.create")
    functions = selectors.functions_in_order() if may_report or may_offer else None  # both forms' options
    if may_report:
        need_form = forms.TrainingNeedForm(request.POST if request.POST.get("form") == "need" else None,
                                           prefix="need", functions=functions)
    if may_offer:
        offer_form = forms.TrainingOfferForm(request.POST if request.POST.get("form") == "offer" else None,
                                             prefix="offer", needs=needs, need_rows=need_rows, functions=functions)
    if request.method == "POST":
        form = need_form if request.POST.get("form") == "need" else offer_form
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form is need_form:
                    services.training_need_create(by=user, **form.cleaned_data)
                    messages.success(request, _("Der Fortbildungsbedarf wurde erfasst."))
                else:
                    services.training_offer_create(by=user, **form.cleaned_data)
                    messages.success(request, _("Das Fortbildungsangebot wurde angelegt."))
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                return redirect("planning:training")
    return render(request, "planning/training/index.html", {
        "needs": need_rows, "offers": selectors.training_offer_rows_visible_to(user),
        "need_form": need_form, "offer_form": offer_form,
        "participations": selectors.participation_lines_visible_to(user, limit=200),
    })


@login_required
@require_POST
def training_need_priority(request, pk):
    selectors.training_need_for_user(request.user, pk)  # 404 outside the user's scope, before anything else
    form = forms.PriorityForm(request.POST)
    if form.is_valid():
        services.training_need_prioritise(need_id=pk, by=request.user, priority=form.cleaned_data["priority"])
        messages.success(request, _("Die Priorität wurde gespeichert."))
    else:
        messages.error(request, _("Die Priorität muss eine ganze Zahl ab 1 sein."))
    return redirect("planning:training")


@login_required
def training_offer(request, pk):
    user = request.user
    offer = selectors.training_offer_for_user(user, pk)
    members = staffing_selectors.staff_visible_to(user).filter(left_on__isnull=True).order_by("last_name")
    form = forms.MemberChoiceForm(request.POST or None, members=members) if can(user, "training.register") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.training_register(offer_id=offer.pk, member_id=form.cleaned_data["staff_member"].pk, by=user)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Die Anmeldung wurde gespeichert."))
                return redirect("planning:training_offer", offer.pk)
    return _training_offer_page(request, offer, form)


def _training_offer_page(request, offer, form, *, status_form=None, status_row=None, status=200):
    participations = selectors.participations_visible_to(request.user).filter(offer=offer)
    booked = offer.participations.exclude(status=TrainingParticipation.Status.CANCELLED).count()
    return render(request, "planning/training/offer.html", {
        "offer": offer, "form": form, "participations": participations, "booked": booked,
        "free": max(offer.places - booked, 0), "statuses": TrainingParticipation.Status.choices,
        "status_form": status_form, "status_row": status_row,
    }, status=status)


@login_required
@require_POST
def training_participation_status(request, pk):
    """PS-1.4: record attendance; a missing or unknown status is refused at the field (400), nothing saved."""
    # the ids match the status select of the participation's row, so the error summary links to it
    status_form = forms.ParticipationStatusForm(request.POST, auto_id=f"%s-{pk}")
    try:
        # the service decides who may mark (403/404) before it looks at the value
        participation = services.training_mark(participation_id=pk, by=request.user,
                                               status=request.POST.get("status"))
    except ValidationError as error:
        if status_form.is_valid():  # refused for another reason than the form's: show the service's message
            apply_service_error(status_form, error)
        participation = selectors.participations_visible_to(request.user).select_related("offer").get(pk=pk)
        user = request.user
        members = staffing_selectors.staff_visible_to(user).filter(left_on__isnull=True).order_by("last_name")
        return _training_offer_page(request, participation.offer, forms.MemberChoiceForm(members=members),
                                    status_form=status_form, status_row=participation.pk, status=400)
    messages.success(request, _("Der Status wurde gespeichert."))
    return redirect("planning:training_offer", participation.offer_id)


@login_required
def training_coverage(request):
    """PS-1.4: placement officers and counsellors without the field-specific training, per regional office,
    with the period's end (noch offen bis … / überfällig) and a reminder to the city."""
    if not can(request.user, "training_coverage.view"):
        raise PermissionDenied
    offices = field_training.gaps_by_office(request.user)
    return render(request, "planning/training/coverage.html", {
        "offices": offices, "months": field_training.period_months(),
        "total_open": sum(o.open for o in offices), "total_overdue": sum(o.overdue for o in offices),
    })


@login_required
@require_POST
def training_coverage_remind(request, pk):
    """PS-1.4: the coordination office reminds the city (pk) of its people without the field-specific training."""
    if not can(request.user, "training_coverage.remind"):
        raise PermissionDenied
    try:
        reminder = services.training_reminder_send(by=request.user, city_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Stadt wurde erinnert (%(people)s Personen, %(recipients)s Empfänger/innen).")
                         % {"people": len(reminder.people), "recipients": reminder.recipients})
    return redirect("planning:training_coverage")


# --- coaching (PS-3.3) ---------------------------------------------------------------------------

def _coaching_page(request, *, offer_form=None, signup_form=None, signup_offer=None, status=200):
    """The coaching page: offers with their aggregated participation; a bound sign-up form (with its
    errors) is shown at its offer, so nothing typed is lost."""
    user = request.user
    offers = list(selectors.coaching_offers_visible_to(user))
    if offer_form is None and can(user, "coaching.organise"):
        offer_form = forms.CoachingOfferForm()
    members = None
    if offers and can(user, "coaching.sign_up"):  # the sign-up form sits at an offer: no offer, no staff list
        # issue 16, point 4: the list shows name and function only (`{{ m }} ({{ m.function }})`), about 1,000
        # people of a district: read without the office, city and position the register joins
        members = list(staffing_selectors.staff_visible_to(user).filter(left_on__isnull=True)
                       .select_related(None).select_related("function")
                       .only("id", "last_name", "first_name", "function__name").order_by("last_name", "first_name"))
    return render(request, "planning/coaching/index.html", {
        "reports": coaching.coaching_report(offers), "offer_form": offer_form, "members": members,
        "signup_form": signup_form, "signup_offer": signup_offer, "today": timezone.localdate(),
        "min_group": coaching.MIN_GROUP, "sees_participants": selectors.may_see_coaching_participants(user),
    }, status=status)


@login_required
def coaching_view(request):
    """PS-3.3: coaching offers with aggregated participation; the coordination office creates offers."""
    user = request.user
    if request.method != "POST":
        return _coaching_page(request)
    if not can(user, "coaching.organise"):
        raise PermissionDenied
    offer_form = forms.CoachingOfferForm(request.POST)
    if offer_form.is_valid():
        try:
            services.coaching_offer_create(by=user, **offer_form.cleaned_data)
        except ValidationError as error:
            apply_service_error(offer_form, error)
        else:
            messages.success(request, _("Das Coaching-Angebot wurde angelegt."))
            return redirect("planning:coaching")
    return _coaching_page(request, offer_form=offer_form)


@login_required
@require_POST
def coaching_sign_up(request, pk):
    """PS-3.3: the person's own sign-up, recorded with their consent and its date."""
    user = request.user
    offer = selectors.coaching_offer_for_user(user, pk)
    if not can(user, "coaching.sign_up"):
        raise PermissionDenied
    members = staffing_selectors.staff_visible_to(user).filter(left_on__isnull=True)
    form = forms.CoachingSignupForm(request.POST, members=members, prefix=f"o{offer.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.coaching_sign_up(offer_id=offer.pk, member_id=data["staff_member"].pk, by=user,
                                      consent_given=data["consent_given"], consent_on=data["consent_on"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Die Anmeldung zum Coaching ist gespeichert. Die Teilnahme ist freiwillig."))
            return redirect("planning:coaching")
    return _coaching_page(request, signup_form=form, signup_offer=offer.pk, status=400)


def _revoke_from_post(request) -> None:
    signup_id = request.POST.get("signup", "")
    if not signup_id.isdigit():  # a tampered value: no such sign-up, as for one outside the scope
        raise Http404
    services.coaching_revoke(signup_id=int(signup_id), by=request.user)
    messages.success(request, _("Die Rücknahme der Anmeldung ist gespeichert. Die Person zählt in keiner "
                                "Auswertung mehr."))


@login_required
def coaching_signups(request):
    """PS-3.3: the sign-ups the user recorded (the city: its own staff; the coordination office: its
    district), with consent date; a sign-up is revoked here at the person's request."""
    if not can(request.user, "coaching.revoke"):
        raise PermissionDenied
    if request.method == "POST":
        _revoke_from_post(request)
        return redirect("planning:coaching_signups")
    signups = selectors.coaching_signups_kept_by(request.user).select_related("recorded_by").order_by(
        "revoked_on", "offer__starts_on", "staff_member__last_name", "staff_member__first_name")
    return render(request, "planning/coaching/signups.html", {"signups": signups})


@login_required
def coaching_participants(request, pk):
    """PS-3.3: who takes part: the coordination office only (everybody else: 404)."""
    if not selectors.may_see_coaching_participants(request.user):
        raise Http404
    offer = selectors.coaching_offer_for_user(request.user, pk)
    if request.method == "POST":
        _revoke_from_post(request)
        return redirect("planning:coaching_participants", offer.pk)
    signups = selectors.coaching_signups_visible_to(request.user).filter(offer=offer).order_by(
        "staff_member__last_name")
    return render(request, "planning/coaching/participants.html", {"offer": offer, "signups": signups})


@login_required
def coaching_evaluations(request):
    """PS-3.3: the coaches' evaluations as leaders read them: aggregated per offer and period (themes,
    participants; small-group rule). The coordination office, the district administration, the head."""
    if not can(request.user, "coaching.evaluations"):
        raise PermissionDenied
    offers = list(selectors.coaching_offers_visible_to(request.user))
    return render(request, "planning/coaching/evaluations.html", {
        "reports": coaching.coaching_report(offers), "evaluations": coaching.evaluation_report(offers),
        "min_group": coaching.MIN_GROUP, "sees_text": can(request.user, "coaching.evaluation_text")})


@login_required
def coaching_offer_evaluations(request, pk):
    """PS-3.3: the coaches' free text of one offer, and the coach's personal link: the coordination
    office only (everybody else: 404). A POST creates a new link and shows it once."""
    if not can(request.user, "coaching.evaluation_text"):
        raise Http404
    offer = selectors.coaching_offer_for_user(request.user, pk)
    link = None
    if request.method == "POST":
        if not can(request.user, "coaching.coach_link"):
            raise PermissionDenied
        link = request.build_absolute_uri(reverse("planning:coaching_coach_form",
                                                  args=[offer.pk, coaching.coach_token(offer)]))
    evaluations = selectors.coaching_evaluations_with_text_visible_to(request.user).filter(offer=offer).order_by(
        "-year", "-quarter", "-submitted_at")
    return render(request, "planning/coaching/offer_evaluations.html", {
        "offer": offer, "evaluations": evaluations, "link": link,
        "max_age_days": settings.COACHING_LINK_MAX_AGE_DAYS})


def coaching_coach_form(request, pk, token):
    """PS-3.3: the external coach's evaluation form at the personal signed link (no account; CSRF-protected):
    several evaluations per offer. A tampered link or one of another offer: 404; an expired one: 400."""
    try:
        offer = coaching.offer_for_token(token, offer_id=pk, max_age_days=settings.COACHING_LINK_MAX_AGE_DAYS)
    except coaching.LinkExpired:
        return render(request, "planning/coaching/coach_link_refused.html", {"expired": True}, status=400)
    except coaching.LinkInvalid:
        return render(request, "planning/coaching/coach_link_refused.html", {"expired": False}, status=404)
    today = timezone.localdate()
    initial = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    form = forms.CoachingEvaluationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.coaching_evaluation_submit(offer=offer, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Vielen Dank. Die Auswertung ist gespeichert. Sie können über "
                                            "diesen Link weitere Auswertungen senden."))
                return redirect(request.path)
        status = 400
    return render(request, "planning/coaching/coach_form.html", {"offer": offer, "form": form}, status=status)


# --- reimbursement cap (PS-5.1) --------------------------------------------------------------------

def _quarter_param(request) -> Quarter:
    """The quarter asked for (?jahr=&quartal=); by default the last ended one, the latest that can
    have a confirmed quarterly report (PS-6.1)."""
    default = Quarter.last_ended_before(timezone.localdate())
    try:
        year = int(request.GET.get("jahr", default.year))
        quarter = int(request.GET.get("quartal", default.quarter))
    except ValueError:
        return default
    return Quarter(year, quarter) if 1 <= quarter <= 4 and 2000 <= year <= 2100 else default


def _comparison(request):
    quarter = _quarter_param(request)
    cities = staffing_selectors.cities_visible_to(request.user).order_by("name")
    return quarter, costs.cost_comparison(cities, quarter)


@login_required
def costs_view(request):
    """PS-6.2, PS-5.1: per city the claim, the estimate from the confirmed quarterly report and the cap's
    quarter, deviations beyond the tolerance and claims above the cap flagged."""
    quarter, rows = _comparison(request)
    reported = [r for r in rows if r.has_report]
    return render(request, "planning/costs/index.html", {
        "quarter": quarter, "rows": rows, "previous": quarter.previous, "next": quarter.next,
        "tolerance": costs.tolerance(),
        "totals": {
            "claim": sum((r.claim for r in reported if r.claim is not None), Decimal("0")),
            "estimate": sum((r.estimate.amount for r in reported), Decimal("0")),
            "cap": sum((r.cap_quarter for r in rows if r.cap), Decimal("0")),
            "reimbursable": sum((r.reimbursable for r in rows if r.reimbursable is not None), Decimal("0")),
        },
    })


@login_required
def costs_csv(request):
    """PS-6.2: the comparison of the costs page as CSV (same quarter, same cities)."""
    quarter, rows = _comparison(request)
    header, body = costs.export_rows(rows)
    return csv_response(f"personalkosten-{quarter.year}-q{quarter.quarter}.csv", header, body)


@login_required
def cap_create(request):
    if not can(request.user, "cap.set"):
        raise PermissionDenied
    cities = staffing_selectors.cities_visible_to(request.user).order_by("name")
    form = forms.CapForm(request.POST or None, cities=cities,
                         initial={"year": timezone.localdate().year, "city": request.GET.get("stadt")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        city = data.pop("city")
        try:
            services.cap_set(city_id=city.pk, by=request.user, **data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Der Höchstrahmen ist festgesetzt; die Stadt wurde benachrichtigt."))
            return redirect("planning:cap_history", city.pk)
    return render(request, "planning/costs/cap_form.html", {"form": form})


@login_required
def cap_history(request, pk):
    """PS-5.1: a city's caps over time, each with the consultation it came from and the city's statement."""
    city = selectors.city_for_user(request.user, pk)
    caps = selectors.caps_visible_to(request.user).filter(city=city).select_related(
        "consultation").order_by("-year", "-set_at", "-pk")
    proposals = selectors.cap_proposals_visible_to(request.user).filter(city=city).order_by(
        "-consultation__year", "-consultation__proposed_at")
    return render(request, "planning/costs/cap_history.html", {"city": city, "caps": caps, "proposals": proposals})


# --- consultation of the cap with all cities (PS-5.1) ------------------------------------------------

@login_required
def cap_consultation_list(request):
    """PS-5.1: the district's consultations of the cap, open and fixed, with how many cities answered."""
    if not can(request.user, "cap_consultation.view"):
        raise PermissionDenied
    consultations = selectors.cap_consultations_visible_to(request.user).annotate(
        cities=Count("proposals", distinct=True), answered=Count("proposals__statement", distinct=True),
        concerns=Count("proposals__statement", filter=Q(proposals__statement__verdict="concerns"), distinct=True),
    ).order_by("-year", "-proposed_at")
    return render(request, "planning/costs/consultation_list.html", {
        "page": paginate(request, consultations, per_page=PAGE_SIZE), "today": timezone.localdate()})


@login_required
def cap_consultation_create(request):
    """PS-5.1: the district administration proposes the caps of a year to all cities of its district."""
    if not can(request.user, "cap_consultation.propose"):
        raise PermissionDenied
    today = timezone.localdate()
    cities = staffing_selectors.cities_visible_to(request.user).order_by("name")
    initial = {"year": today.year + 1, "period_ends_on": services.default_cap_period_end(today)}
    latest = costs.current_caps(cities, today.year)
    for city in cities:
        if city.pk in latest:
            initial[forms.AMOUNT_FIELD.format(city.pk)] = latest[city.pk].amount
    form = forms.CapConsultationForm(request.POST or None, cities=cities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.cap_consultation_propose(
                by=request.user, year=form.cleaned_data["year"], amounts=form.amounts(),
                period_ends_on=form.cleaned_data["period_ends_on"], note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Der Vorschlag ist allen Städten des Kreises zur Stellungnahme zugegangen."))
            return redirect("planning:cap_consultation_detail", consultation.pk)
    return render(request, "planning/costs/consultation_form.html", {
        "form": form, "deadline": services.cap_deadline(today.year + 1)})


@login_required
def cap_consultation_detail(request, pk):
    """PS-5.1: one consultation: each city's proposed cap, who has and who has not answered, and fixing it."""
    if not can(request.user, "cap_consultation.view"):
        raise PermissionDenied
    consultation = selectors.cap_consultation_for_user(request.user, pk)
    return _render_consultation(request, consultation, forms.CapFixForm())


def _render_consultation(request, consultation, fix_form, status=200):
    proposals = list(selectors.cap_proposals_visible_to(request.user).filter(consultation=consultation).order_by(
        "city__name"))
    today = timezone.localdate()
    missing = [p for p in proposals if not hasattr(p, "statement")]
    return render(request, "planning/costs/consultation_detail.html", {
        "consultation": consultation, "proposals": proposals, "missing": missing, "today": today,
        "running": consultation.period_running(today), "fix_form": fix_form,
        "may_fix": can(request.user, "cap_consultation.fix", consultation),
        "may_fix_now": not consultation.is_fixed and (today > consultation.period_ends_on or not missing),
        "lateness": "" if consultation.is_fixed else services.cap_lateness(consultation.year, today),
        "total": sum((p.amount for p in proposals), Decimal("0")),
    }, status=status)


@login_required
@require_POST
def cap_consultation_fix(request, pk):
    """PS-5.1: the district fixes the consulted caps (form on the detail page)."""
    consultation = selectors.cap_consultation_for_user(request.user, pk)
    if not can(request.user, "cap_consultation.fix", consultation):
        raise PermissionDenied
    form = forms.CapFixForm(request.POST)
    if form.is_valid():
        try:
            services.cap_consultation_fix(consultation_id=consultation.pk, by=request.user,
                                          reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Der Höchstrahmen ist festgesetzt; alle Städte wurden benachrichtigt."))
            return redirect("planning:cap_consultation_detail", consultation.pk)
    return _render_consultation(request, consultation, form, status=400)


@login_required
def cap_statement(request, pk):
    """PS-5.1: a city's clerk states the city's view on its proposed cap within the period."""
    proposal = selectors.cap_proposal_for_user(request.user, pk)
    if not can(request.user, "cap_consultation.state", proposal):
        raise PermissionDenied
    consultation = proposal.consultation
    statement = getattr(proposal, "statement", None)
    form = forms.CapStatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cap_statement_record(proposal_id=proposal.pk, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Ihre Stellungnahme ist beim Kreis eingegangen."))
            return redirect("planning:cap_statement", proposal.pk)
    return render(request, "planning/costs/statement_form.html", {
        "proposal": proposal, "consultation": consultation, "statement": statement, "form": form,
        "running": consultation.period_running(timezone.localdate()),
        "current": costs.current_caps([proposal.city], timezone.localdate().year).get(proposal.city_id),
    })


@login_required
def message_list(request):
    """The former inbox of the planning side: its messages are notifications now (one inbox for all)."""
    return redirect("staffing:notification_list", permanent=True)


# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

def _plan_office(request, office_pk):
    """The office if the user sees it, else 404."""
    return staffing_selectors.get_or_404(staffing_selectors.offices_visible_to(request.user), office_pk)


def _plan_totals(positions) -> dict:
    active = [p for p in positions if p.is_active]
    by_function: dict = {}
    for p in active:
        row = by_function.setdefault(p.function_id, {"function": p.function, "positions": 0, "fte": Decimal("0")})
        row["positions"] += 1
        row["fte"] += p.fte
    return {"positions": len(active), "fte": sum((p.fte for p in active), Decimal("0")),
            "inactive": len(positions) - len(active),
            "by_function": sorted(by_function.values(), key=lambda r: (r["function"].sort_order, r["function"].name))}


@login_required
def staff_plan(request):
    """PS-4.2: the staff plans of the offices in the user's scope (positions and FTE), the waiting proposals;
    a city sees its own regional office's plan right here."""
    from staffing.models import Position, PositionProposal

    offices = list(staffing_selectors.offices_visible_to(request.user).order_by("kind", "name"))
    ids = [o.pk for o in offices]
    sums = {r["office_id"]: r for r in Position.objects.filter(office_id__in=ids, is_active=True).order_by()
            .values("office_id").annotate(n=Count("pk"), fte=Sum("fte"))}
    waiting = dict(PositionProposal.objects.filter(office_id__in=ids, state=PositionProposal.State.WAITING)
                   .order_by().values("office_id").annotate(n=Count("pk")).values_list("office_id", "n"))
    for o in offices:
        o.active_positions = sums.get(o.pk, {}).get("n", 0)
        o.active_fte = sums.get(o.pk, {}).get("fte") or Decimal("0")
        o.waiting = waiting.get(o.pk, 0)
    if len(offices) == 1 and not can(request.user, "staff_plan.keep"):
        return staff_plan_office(request, offices[0].pk)
    return render(request, "planning/staffplan/index.html", {
        "offices": offices, "total_positions": sum(o.active_positions for o in offices),
        "total_fte": sum((o.active_fte or Decimal("0") for o in offices), Decimal("0")),
        "waiting": sum(o.waiting for o in offices)})


@login_required
def staff_plan_office(request, office_pk):
    """PS-4.2: the staff plan of one office: positions with grade, FTE, function and active flag, totals, the
    waiting proposals and the latest changes (audit)."""
    office = _plan_office(request, office_pk)
    positions = list(office.positions.select_related("function").order_by("-is_active", "number"))
    waiting = {p.position_id: p for p in staffing_selectors.position_proposals_visible_to(request.user)
               .filter(office=office, state="waiting")}
    return render(request, "planning/staffplan/office.html", {
        "office": office, "positions": positions, "totals": _plan_totals(positions),
        "waiting": list(waiting.values()), "waiting_positions": set(waiting),
        "changes": staffing_selectors.position_changes_of(office, limit=20),
        "may_keep": can(request.user, "staff_plan.keep", office),
        "may_propose": can(request.user, "staff_plan.propose", office)})


def _position_form_view(request, *, office, position=None):
    if not can(request.user, "staff_plan.keep", office):
        raise PermissionDenied
    form = forms.PositionForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in records.POSITION_FIELDS}
        try:
            records.position_save(by=request.user, position_id=position and position.pk, office_id=office.pk,
                                  reason=form.cleaned_data["reason"], **data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Der Stellenplan wurde geändert."))
            return redirect("planning:staff_plan_office", office.pk)
    return render(request, "planning/staffplan/position_form.html", {"form": form, "office": office,
                                                                     "position": position})


@login_required
def staff_plan_position_create(request, office_pk):
    return _position_form_view(request, office=_plan_office(request, office_pk))


@login_required
def staff_plan_position_edit(request, pk):
    position = staffing_selectors.get_or_404(staffing_selectors.positions_visible_to(request.user), pk)
    return _position_form_view(request, office=position.office, position=position)


@login_required
def staff_plan_import(request, office_pk):
    """PS-4.2: the district reads an office's staff plan from a CSV file; any bad row: nothing saved, every
    row's German message shown."""
    from . import staffplan

    office = _plan_office(request, office_pk)
    if not can(request.user, "staff_plan.keep", office):
        raise PermissionDenied
    form = forms.StaffPlanImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        parsed = staffplan.parse_csv(form.cleaned_data["file"].read())
        row_errors = parsed.errors
        if not row_errors:
            try:
                counts = records.staff_plan_import(by=request.user, office_id=office.pk, rows=parsed.rows,
                                                   reason=form.cleaned_data["reason"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    apply_service_error(form, error)
                else:
                    row_errors = error.messages
            else:
                messages.success(request, _("Stellenplan eingelesen: %(created)s neu, %(changed)s geändert, "
                                            "%(unchanged)s unverändert.") % counts)
                return redirect("planning:staff_plan_office", office.pk)
        if row_errors:
            form.add_error("file", _("Die Datei wurde nicht übernommen; nichts wurde gespeichert. Bitte "
                                     "korrigieren Sie die genannten Zeilen."))
    return render(request, "planning/staffplan/import.html", {"form": form, "office": office,
                                                              "row_errors": row_errors}, status=200)


@login_required
def staff_plan_template(request):
    from . import staffplan

    return csv_response("stellenplan-vorlage.csv", [header for header, _key, _required in staffplan.COLUMNS], [])


@login_required
def position_proposal_create(request, office_pk):
    """PS-4.2: a city proposes a change of its regional office's staff plan (`?stelle=` preselects a position)."""
    office = _plan_office(request, office_pk)
    if not can(request.user, "staff_plan.propose", office):
        raise PermissionDenied
    initial = {"kind": "new"}
    position = None
    if request.GET.get("stelle"):
        position = staffing_selectors.get_or_404(
            staffing_selectors.positions_visible_to(request.user).filter(office=office), request.GET["stelle"])
        initial = {"kind": request.GET.get("art") if request.GET.get("art") in ("change", "deactivate") else "change",
                   "position": position, "title": position.title, "function": position.function,
                   "grade": position.grade, "fte": position.fte}
    form = forms.PositionProposalForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("position")
        try:
            proposal = services.position_propose(by=request.user, office_id=office.pk,
                                                 position_id=chosen.pk if chosen else None, **data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Ihr Vorschlag ist beim Kreis eingegangen."))
            return redirect("planning:position_proposal_detail", proposal.pk)
    return render(request, "planning/staffplan/proposal_form.html", {"form": form, "office": office,
                                                                     "position": position})


@login_required
def position_proposals(request):
    """PS-4.2: proposals of changes of the staff plan: the district sees its offices', a city its own; the
    waiting ones first."""
    page = paginate(request, staffing_selectors.position_proposals_visible_to(request.user), per_page=PAGE_SIZE)
    return render(request, "planning/staffplan/proposals.html", {"page": page})


@login_required
def position_proposal_detail(request, pk):
    """PS-4.2: one proposal, before and proposed values; the district accepts or rejects it with a note."""
    proposal = staffing_selectors.position_proposal_for_user(request.user, pk)
    may_decide = proposal.is_waiting and can(request.user, "staff_plan.decide", proposal.office)
    form = forms.ProposalDecisionForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "staff_plan.decide", proposal.office):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.position_proposal_decide(by=request.user, proposal_id=proposal.pk,
                                                  accept=form.cleaned_data["decision"] == "annehmen",
                                                  note=form.cleaned_data["note"])
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Die Entscheidung ist gespeichert; die Stadt ist benachrichtigt."))
                return redirect("planning:position_proposal_detail", proposal.pk)
        proposal = staffing_selectors.position_proposal_for_user(request.user, pk)
        may_decide = proposal.is_waiting
    from staffing.records import proposal_values

    after = proposal_values(proposal)
    fields = [("number", _("Stellennummer")), ("title", _("Stellenbezeichnung")), ("function", _("Funktion")),
              ("grade", _("Besoldungs-/Entgeltgruppe")), ("fte", _("Stellenanteil (VZÄ)")),
              ("is_active", _("im Stellenplan"))]
    rows = [{"label": label, "before": proposal.before.get(name, "–") if proposal.before else "–",
             "after": after.get(name, "–"),
             "changed": bool(proposal.before) and proposal.before.get(name) != after.get(name)}
            for name, label in fields]
    return render(request, "planning/staffplan/proposal_detail.html", {
        "proposal": proposal, "rows": rows, "form": form, "may_decide": may_decide,
        "changes": proposal.changes.select_related("actor").order_by("at", "pk")})
