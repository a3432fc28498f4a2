"""Navigation and unread count for the page frame.

The core's menu items come first; every other app adds its own through `hooks.register_navigation`
(main navigation, or the links next to the user's name). `nav_sections` keeps each app's items apart
(e.g. `nav_sections["planning"]`), `nav_items` is what the main navigation shows, in that order."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, hooks


def _core_items(user) -> list[tuple[str, object]]:
    items = [
        (reverse("staffing:home"), _("Übersicht")),
        (reverse("staffing:notice_list"), _("Mitteilungen")),
    ]
    if access.can(user, "escalations.view"):
        items.append((reverse("staffing:escalation_list"), _("Eskalationen")))
    if access.can(user, "cuts.view"):
        items.append((reverse("staffing:cost_cut_ledger"), _("Kürzungen")))
    if access.can(user, "goals.keep"):
        items.append((reverse("staffing:goal_list"), _("Ziele")))
    if access.can(user, "career_tracks.keep"):  # PS-1.1: the district keeps the career-track table
        items.append((reverse("staffing:career_tracks"), _("Laufbahnen")))
    # the staff register and the vacancy list are planning's pages (its navigation links them)
    items.append((reverse("staffing:position_list"), _("Stellen")))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = {"staffing": _core_items(user), **hooks.navigation_sections(user)}
    return {
        "nav_items": [item for items in sections.values() for item in items],
        "nav_sections": sections,
        "user_nav_items": [item for items in hooks.navigation_sections(user, area="user").values()
                           for item in items],
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
