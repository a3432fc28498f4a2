"""Thin views of the integrations app: read through staffing.selectors, write through services."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from staffing.access import can
from staffing.redirects import NEXT_PARAMETER, safe_next
from staffing.selectors import notice_for_user
from staffing.ui import apply_service_error, csv_response, id_or_404

from . import calendar, documents, imports
from . import substitutes as substitutes_service
from .forms import ImportUploadForm, SubstitutionForm
from .models import CalendarFeed, PendingImport, Substitution, hash_token


@login_required
@require_GET
def notice_certificate(request, pk):
    """The PDF certificate of a notice's outcome (PS-2.3 to PS-2.5); 404 outside the user's scope."""
    notice = notice_for_user(request.user, pk)
    if documents.notice_outcome(notice) is None:
        raise Http404("Für diese Mitteilung liegt noch kein Ergebnis vor.")
    response = HttpResponse(documents.notice_certificate_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Bescheinigung-Mitteilung-{notice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- calendar -------------------------------------------------------------------------------

@login_required
def calendar_settings(request):
    """Create or revoke the personal calendar feed; the address is shown once, only its hash is kept."""
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    new_url = None
    if request.method == "POST":
        action = request.POST.get("aktion")
        if action == "anlegen":
            feed, token = CalendarFeed.issue(request.user)
            new_url = request.build_absolute_uri(reverse("integrations:calendar_feed", args=[token]))
            messages.success(request, _("Ihr persönliches Kalender-Abonnement wurde angelegt. Bisherige Adressen "
                                        "gelten nicht mehr."))
        elif action == "widerrufen" and feed is not None:
            CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=timezone.now())
            feed = None
            messages.success(request, _("Das Kalender-Abonnement wurde widerrufen. Die Adresse liefert keine "
                                        "Termine mehr."))
            return redirect("integrations:calendar_settings")
    return render(request, "integrations/calendar.html", {"feed": feed, "new_url": new_url})


@require_GET
def calendar_feed(request, token):
    """The personal ICS feed of running objection periods (PS-2.3); 404 for unknown or revoked tokens."""
    feed = (CalendarFeed.objects.select_related("user", "user__organisation")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True).first())
    if feed is None:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    response = HttpResponse(calendar.feed_for_user(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fristen.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- substitutes ----------------------------------------------------------------------------

@login_required
def substitutes(request):
    """Name a substitute for an absence; see whose work you stand in for today (Abwesenheitsvertretung)."""
    user = request.user
    form = SubstitutionForm(request.POST or None, user=user)
    if request.method == "POST" and request.POST.get("aktion") == "beenden":
        substitutes_service.substitution_cancel(by=user, substitution_id=id_or_404(request.POST.get("id")))
        messages.success(request, _("Die Vertretung wurde beendet."))
        return redirect("integrations:substitutes")
    if request.method == "POST" and form.is_valid():
        try:
            substitutes_service.substitution_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Ihre Vertretung wurde benannt."))
            return redirect("integrations:substitutes")
    mine = Substitution.objects.filter(absent=user, cancelled_at__isnull=True,
                                       ends_on__gte=substitutes_service.today()).select_related("substitute")
    return render(request, "integrations/substitutes.html", {
        "form": form, "mine": mine,
        "standing_in": substitutes_service.notices_of_absent_colleagues(user),
    })


# --- spreadsheet import ---------------------------------------------------------------------

LIST_PAGES = {"personal": "planning:staff_register", "vakanzen": "planning:vacancies"}


@login_required
def import_upload(request):
    """Upload an XLSX/CSV file of staff or vacancies; the preview follows (PS-6.1). Positions are the district's
    staff plan (issue 13)."""
    office = imports.import_office_for(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=imports.kind_choices(),
                            initial={"kind": request.GET.get("art", "personal")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            form.add_error("file", _("Die Datei ist größer als 5 MB."))
        else:
            PendingImport.objects.filter(user=request.user,
                                         created_at__lt=timezone.now() - timezone.timedelta(days=1)).delete()
            pending = PendingImport.objects.create(user=request.user, kind=form.cleaned_data["kind"],
                                                   filename=upload.name[:200], content=upload.read())
            return redirect("integrations:import_preview", pk=pending.pk)
    return render(request, "integrations/import_upload.html", {"form": form, "office": office,
                                                               "kinds": imports.KINDS.values()})


@login_required
def import_preview(request, pk):
    """Every row with its errors; nothing is saved until the user confirms the error-free file."""
    office = imports.import_office_for(request.user)
    pending = get_object_or_404(PendingImport, pk=pk, user=request.user)
    content = bytes(pending.content)
    if request.method == "POST":
        if request.POST.get("aktion") == "verwerfen":
            pending.delete()
            messages.info(request, _("Der Import wurde verworfen; es wurde nichts gespeichert."))
            return redirect("integrations:import_upload")
        try:
            result = imports.import_confirm(by=request.user, kind=pending.kind, content=content,
                                            filename=pending.filename)
        except imports.ImportRejected as rejected:
            preview = rejected.preview
            messages.error(request, _("Die Datei enthält Fehler; es wurde nichts gespeichert."))
        else:
            pending.delete()
            messages.success(request, _("%(n)s Zeilen wurden übernommen.") % {"n": len(result.rows)})
            return redirect(LIST_PAGES[result.kind])
    else:
        preview = imports.import_preview(by=request.user, kind=pending.kind, content=content,
                                         filename=pending.filename)
    return render(request, "integrations/import_preview.html", {
        "pending": pending, "preview": preview, "office": office, "kind": imports.KINDS[pending.kind]})


@login_required
@require_GET
def import_template(request, kind, fmt):
    """The empty template file with the expected columns (and allowed values in the XLSX)."""
    if kind not in imports.KINDS or fmt not in ("xlsx", "csv"):
        raise Http404
    name = f"Vorlage-{imports.KINDS[kind].label}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", imports.template_header(kind), [])
    response = HttpResponse(imports.template_xlsx(kind), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- single sign-on (OpenID Connect) --------------------------------------------------------

def _oidc_enabled():
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


def oidc_login(request):
    """Start the OpenID Connect login (authorization code flow with PKCE) at the configured provider."""
    _oidc_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    if NEXT_PARAMETER in request.GET:  # issue 15, point 2: the provider's view keeps only the one safe `next`
        query = request.GET.copy()
        target = safe_next(request, "")
        if target:
            query[NEXT_PARAMETER] = target
        else:
            del query[NEXT_PARAMETER]
        request.GET = query
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request):
    """The provider returns here; the code is exchanged, the ID token verified, the user mapped."""
    _oidc_enabled()
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

    response = OIDCAuthenticationCallbackView.as_view()(request)
    if not request.user.is_authenticated:
        messages.error(request, _("Die Anmeldung über Single Sign-on ist fehlgeschlagen, oder Ihr Konto ist "
                                  "keiner Organisation zugeordnet. Bitte wenden Sie sich an die Administration."))
    return response


@login_required
def home(request):
    """The entry to the integrations: calendar subscription, substitutes, spreadsheet import."""
    user = request.user
    return render(request, "integrations/home.html", {
        "feed": CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first(),
        "my_substitutions": Substitution.objects.filter(absent=user, cancelled_at__isnull=True,
                                                        ends_on__gte=substitutes_service.today())
        .select_related("substitute"),
        "standing_in": substitutes_service.absent_colleagues_of(user),
        "can_import": can(user, "import.run"),
    })
