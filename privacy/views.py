"""The page of the coordination office: DSGVO Art. 15 export."""
import json
import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from staffing.access import can

from .selectors import personal_data_export

security_log = logging.getLogger("jobagentur.security")


def personal_data_export_view(request):
    """DSGVO Art. 15: the coordination office downloads what is held about one person (its district)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, "privacy.export"):
        raise PermissionDenied(_("Die Auskunft nach Art. 15 DSGVO erteilt die Koordinierungsstelle."))
    name = " ".join(request.GET.get("name", "").split())[:160]
    if not name:
        error = _("Bitte geben Sie den vollständigen Namen der Person ein.") if "name" in request.GET else ""
        return render(request, "privacy/export.html", {"name": name, "error": error},
                      status=400 if error else 200)
    data = personal_data_export(name=name, by=request.user)
    security_log.info(
        "personal data export: user=%s subject=%r", request.user.pk, name,
        extra={"event": "personal_data_export", "user_id": request.user.pk})
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="auskunft-{slugify(name) or "person"}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
