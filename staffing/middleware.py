"""German first: the interface is German unless the user picked another language with the switch; a request
with a NUL byte is refused with 400 (issue 15); the idle timer of the session is renewed at most once a minute
(issue 16, point 3)."""
import logging
import time

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


def stamp_session_at_login(sender, request, user, **kwargs):
    """issue 16, point 3: the login saves the new session anyway; it carries the idle timer's stamp from then
    on, so the first page after it does not write the session again (`SessionIdleRefreshMiddleware`)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionIdleRefreshMiddleware.STAMP_KEY] = int(time.time())


class SessionIdleRefreshMiddleware:
    """issue 16, point 3: the idle timeout (SESSION_COOKIE_AGE, 30 minutes without a request) without writing
    the session on every request. A request that changed the session saves it anyway; one that only read a
    signed-in session writes it (new expiry date: now + SESSION_COOKIE_AGE) only when its last save is
    REFRESH_SECONDS or more ago, stamped in the session. So a session ends between 29 and 30 minutes after
    the last request (correct to the minute), and a page view within the minute costs no UPDATE and COMMIT.
    Replaces SESSION_SAVE_EVERY_REQUEST; listed right after Django's SessionMiddleware (whose response phase
    saves what this marks)."""

    REFRESH_SECONDS = 60
    STAMP_KEY = "_idle_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or not session.keys():
            return response  # no session, or never read (static file, anonymous page), or empty (after logout)
        now = int(time.time())
        stamp = session.get(self.STAMP_KEY)
        if session.modified or not isinstance(stamp, int) or not 0 <= now - stamp < self.REFRESH_SECONDS:
            session[self.STAMP_KEY] = now  # saved (and the expiry date renewed) by SessionMiddleware
        return response
