"""German first: the interface is German unless the user picked another language with the switch; a request
with a NUL byte is refused with 400 (issue 15)."""
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

security_log = logging.getLogger("jobagentur.security")


class GermanFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not consulted: municipal
    staff get German (LANGUAGE_CODE) until they choose English in the header (language cookie)."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulBytesMiddleware:
    """issue 15, point 1: a request with a NUL byte in its path, in a query-string or form field name or
    value, or in an uploaded file's name is refused with the German 400 page before any view runs
    (PostgreSQL cannot store or compare text with NUL: the view would end in a 500, possibly after a
    write). No view has a use for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            security_log.warning("request refused: NUL byte in path=%r method=%s", request.path[:200],
                                 request.method, extra={"event": "nul_byte_refused"})
            return HttpResponseBadRequest(render_to_string("400.html", {"reason": NUL_BYTE_MESSAGE}, request))
        return self.get_response(request)


NUL_BYTE_MESSAGE = _("Die Anfrage enthält ungültige Zeichen (ein Nullzeichen) und wurde nicht bearbeitet. "
                     "Es wurde nichts gespeichert.")


def has_nul_byte(request) -> bool:
    """issue 15: NUL in the path, the query string, the form fields or the names of uploaded files."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in str(value) for value in values):
                return True
    if request.method == "POST":
        for key, files in request.FILES.lists():
            if "\x00" in key or any("\x00" in (f.name or "") for f in files):
                return True
    return False
