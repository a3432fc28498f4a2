"""Thin views of the reports (issue 17, points 2 and 3): reads through `reports.selectors`, the record of each
export through `reports.services`, who may through `staffing.access`."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from staffing.access import can
from staffing.states import NoticeState
from staffing.ui import csv_response

from . import charts, exports, selectors, services
from .forms import PeriodForm
from .models import ExportLog

AUDIT_PDF_MAX_ROWS = 5000  # a longer period: the CSV, or a shorter period (a PDF of thousands of pages helps nobody)


def _may_see_statistics(request) -> None:
    if not can(request.user, "statistics.view"):
        raise PermissionDenied(_("Die Verfahrensstatistik sehen die Koordinierungsstelle und die Kreisverwaltung."))


def _may_export_audit(request, notice=None) -> None:
    if not can(request.user, "audit.export", notice):
        raise PermissionDenied(_("Das Prüfprotokoll exportieren die Koordinierungsstelle und die Kreisverwaltung "
                                 "für ihren Kreis."))


def _period_form(request) -> PeriodForm:
    """The period of `?von=&bis=` (TT.MM.JJJJ); the form knows the German message of a bad value."""
    return PeriodForm(request.GET if ("von" in request.GET or "bis" in request.GET) else None)


def _bad_period(form: PeriodForm) -> HttpResponse:
    """A download never guesses: a bad period is a German 400."""
    return HttpResponseBadRequest(form.error_text(), content_type="text/plain; charset=utf-8")


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def statistics_view(request):
    """Issue 17, point 2: the procedure statistics of the user's scope in a period, as SVG charts with a table
    each, and the links to the exports (statistics CSV/XLSX, audit trail of the period CSV/PDF)."""
    _may_see_statistics(request)
    form = _period_form(request)
    period = form.period()
    stats = selectors.procedure_statistics(request.user, period)
    states = dict(NoticeState.choices)
    group_chart = charts.bar_chart(
        "chart-groups", _("Eingegangene Mitteilungen je Kreis") if stats.per == "district"
        else _("Eingegangene Mitteilungen je Stadt"), [(row.label, row.received) for row in stats.rows])
    outcome_chart = charts.bar_chart(
        "chart-outcomes", _("Mitteilungen nach aktuellem Stand"),
        [(states[state], stats.total.by_state[state]) for state in selectors.OUTCOME_STATES])
    week_chart = charts.bar_chart(
        "chart-week", _("Ende der Wochenfrist"),
        [(_("Freigegeben ohne Bedenken"), stats.total.cleared),
         (_("Ohne Reaktion: Besetzung darf erfolgen"), stats.total.silence),
         (_("Bedenken"), stats.total.concerns), (_("Klärungsbedarf"), stats.total.clarification)])
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(request, "reports/statistics.html", {
        "form": form, "period": period, "stats": stats, "error": form.error_text(), "query": query,
        "group_chart": group_chart, "outcome_chart": outcome_chart, "week_chart": week_chart,
        "outcome_rows": [(states[state], stats.total.by_state[state]) for state in selectors.OUTCOME_STATES],
        "may_export_audit": can(request.user, "audit.export"),
    })


def _statistics_export(request):
    _may_see_statistics(request)
    form = _period_form(request)
    if form.is_bound and not form.is_valid():
        return None, _bad_period(form)
    return selectors.procedure_statistics(request.user, form.period()), None


def _filename(stem: str, period) -> str:
    return f"{stem}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"


@login_required
def statistics_csv(request):
    """Issue 17, point 2: the figures of the page as CSV (German numbers, ";" separated), logged."""
    stats, error = _statistics_export(request)
    if error:
        return error
    rows = exports.statistics_rows(stats)
    services.log_export(by=request.user, kind=ExportLog.Kind.STATISTICS, file_format="csv", period=stats.period,
                        rows=len(rows))
    return _no_store(csv_response(f"{_filename('verfahrensstatistik', stats.period)}.csv",
                                  exports.statistics_header(stats), rows))


@login_required
def statistics_xlsx(request):
    """Issue 17, point 2: the figures of the page as XLSX (numbers as numbers), logged."""
    stats, error = _statistics_export(request)
    if error:
        return error
    rows = exports.statistics_rows(stats, typed=True)
    services.log_export(by=request.user, kind=ExportLog.Kind.STATISTICS, file_format="xlsx", period=stats.period,
                        rows=len(rows))
    note = _("Verfahrensstatistik, Eingang vom %(start)s bis %(end)s") % {
        "start": f"{stats.period.start:%d.%m.%Y}", "end": f"{stats.period.end:%d.%m.%Y}"}
    content = exports.xlsx_bytes(_("Verfahrensstatistik"), exports.statistics_header(stats), rows, note=note)
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename("verfahrensstatistik", stats.period)}.xlsx"'
    return _no_store(response)


# --- the audit export (issue 17, point 3) -----------------------------------------------------------

def _notice_audit(request, pk):
    """The notice (404 outside the scope), then who may export it (403), and its trail."""
    notice = selectors.notice_for_audit(request.user, pk)
    _may_export_audit(request, notice)
    return notice, selectors.notice_audit_trail(notice)


@login_required
def audit_notice_csv(request, pk):
    """Issue 17, point 3: a notice's full audit trail as CSV, logged."""
    notice, entries = _notice_audit(request, pk)
    services.log_export(by=request.user, kind=ExportLog.Kind.AUDIT_NOTICE, file_format="csv", notice=notice,
                        rows=len(entries))
    return _no_store(csv_response(f"pruefprotokoll-mitteilung-{notice.pk}.csv", exports.audit_header(),
                                  (exports.audit_row(entry) for entry in entries)))


@login_required
def audit_notice_pdf(request, pk):
    """Issue 17, point 3: a notice's full audit trail as PDF, logged."""
    notice, entries = _notice_audit(request, pk)
    services.log_export(by=request.user, kind=ExportLog.Kind.AUDIT_NOTICE, file_format="pdf", notice=notice,
                        rows=len(entries))
    city = notice.office.city.name if notice.office.city_id else ""
    content = exports.audit_pdf(
        title=_("Prüfprotokoll der Mitteilung Nr. %(number)s") % {"number": notice.pk},
        facts=[(_("Kreis"), notice.office.district.name),
               (_("Stadt / Regionalstelle"), f"{city} / {notice.office.name}"),
               (_("Aktenzeichen"), notice.reference), (_("Status"), notice.get_state_display()),
               (_("Exportiert von"), request.user.get_full_name() or request.user.username)],
        entries=entries, footer=_("Prüfprotokoll Mitteilung Nr. %(number)s") % {"number": notice.pk})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pruefprotokoll-mitteilung-{notice.pk}.pdf"'
    return _no_store(response)


def _period_audit(request):
    _may_export_audit(request)
    form = _period_form(request)
    if form.is_bound and not form.is_valid():
        return None, _bad_period(form)
    return form.period(), None


@login_required
def audit_period_csv(request):
    """Issue 17, point 3: every step of the notices in the user's scope taken in the period, as CSV, logged."""
    period, error = _period_audit(request)
    if error:
        return error
    count = selectors.period_audit_count(request.user, period)
    services.log_export(by=request.user, kind=ExportLog.Kind.AUDIT_PERIOD, file_format="csv", period=period,
                        rows=count)
    return _no_store(csv_response(f"{_filename('pruefprotokoll', period)}.csv", exports.audit_header(),
                                  (exports.audit_row(entry) for entry in
                                   selectors.period_audit_trail(request.user, period))))


@login_required
def audit_period_pdf(request):
    """Issue 17, point 3: the same as PDF (at most AUDIT_PDF_MAX_ROWS steps: beyond, a German 400), logged."""
    period, error = _period_audit(request)
    if error:
        return error
    count = selectors.period_audit_count(request.user, period)
    if count > AUDIT_PDF_MAX_ROWS:
        return HttpResponseBadRequest(
            _("Der Zeitraum umfasst %(count)s Schritte; als PDF werden höchstens %(max)s ausgegeben. Bitte wählen "
              "Sie einen kürzeren Zeitraum oder laden Sie die CSV-Datei.")
            % {"count": count, "max": AUDIT_PDF_MAX_ROWS},
            content_type="text/plain; charset=utf-8")
    services.log_export(by=request.user, kind=ExportLog.Kind.AUDIT_PERIOD, file_format="pdf", period=period,
                        rows=count)
    content = exports.audit_pdf(
        title=_("Prüfprotokoll vom %(start)s bis %(end)s") % {"start": f"{period.start:%d.%m.%Y}",
                                                            "end": f"{period.end:%d.%m.%Y}"},
        facts=[(_("Umfang"), _("alle Schritte der Mitteilungen im eigenen Bereich, nach Zeitpunkt des Schritts")),
               (_("Schritte"), str(count)),
               (_("Exportiert von"), request.user.get_full_name() or request.user.username)],
        entries=selectors.period_audit_trail(request.user, period), footer=_("Prüfprotokoll"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pruefprotokoll", period)}.pdf"'
    return _no_store(response)
