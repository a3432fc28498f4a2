"""Thin views of the integrations app: read through staffing.selectors, write through services."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from staffing.selectors import notice_for_user

from . import documents


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
