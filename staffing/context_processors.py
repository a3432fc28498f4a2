"""Navigation and unread count for the page frame."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import access


def _optional(name: str, label) -> list:
    """A link to a page of another app, if that app is installed (e.g. planning)."""
    try:
        return [(reverse(name), label)]
    except NoReverseMatch:
        return []


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        (reverse("staffing:home"), _("Übersicht")),
        (reverse("staffing:notice_list"), _("Mitteilungen")),
    ]
    if access.can(user, "escalations.view"):
        items.append((reverse("staffing:escalation_list"), _("Eskalationen")))
    # the staff register and the vacancy list are planning's pages (its navigation links them)
    items.append((reverse("staffing:position_list"), _("Stellen")))
    items += _optional("planning:home", _("Planung"))
    return {
        "nav_items": items,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
