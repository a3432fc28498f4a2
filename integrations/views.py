"""Thin views of the integrations app: read through staffing.selectors, write through services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from staffing.selectors import notice_for_user

from . import calendar, documents
from . import substitutes as substitutes_service
from .forms import SubstitutionForm
from .models import CalendarFeed, Substitution, hash_token


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
        substitutes_service.substitution_cancel(by=user, substitution_id=request.POST.get("id"))
        messages.success(request, _("Die Vertretung wurde beendet."))
        return redirect("integrations:substitutes")
    if request.method == "POST" and form.is_valid():
        try:
            substitutes_service.substitution_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Ihre Vertretung wurde benannt."))
            return redirect("integrations:substitutes")
    mine = Substitution.objects.filter(absent=user, cancelled_at__isnull=True,
                                       ends_on__gte=substitutes_service.today()).select_related("substitute")
    return render(request, "integrations/substitutes.html", {
        "form": form, "mine": mine,
        "standing_in": substitutes_service.notices_of_absent_colleagues(user),
    })
