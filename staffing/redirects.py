"""issue 15, point 2: the one safe `next`. Every view that sends the user on to an address the request
names (a hidden `next` field or `?next=`) asks `safe_next`; nothing else reads `next` for a redirect.

In `staffing` (which imports no other app), so every app may import it."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_PARAMETER = "next"
MAX_NEXT_LENGTH = 2000


def is_safe_local_path(request, target) -> bool:
    """issue 15, point 2: `target` is an address of this application that a redirect may lead to: a path
    starting with one "/" (no scheme, no host, no "//evil", no "javascript:"), accepted by Django's
    `url_has_allowed_host_and_scheme` for this host (and HTTPS when the request is secure), without control
    characters, and one of the application's own URLs (it resolves; "/gibt-es-nicht/" does not)."""
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return False
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return False
    try:
        path = unquote(urlsplit(target).path)
    except ValueError:
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in path):
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def safe_next(request, fallback: str, *, target: str | None = None) -> str:
    """issue 15, point 2: where to go next: the request's `next` (the POST field, else `?next=`; or `target`
    when given) if it is a safe local address (`is_safe_local_path`), else `fallback` (an address the view
    names itself, e.g. `reverse(...)`; may be "" for "no target"). Never raises: a redirect to the answer
    cannot fail."""
    if target is None:
        target = request.POST.get(NEXT_PARAMETER) if request.method == "POST" else None
        if not target:
            target = request.GET.get(NEXT_PARAMETER, "")
    return target if is_safe_local_path(request, target) else fallback
