"""Navigation and unread count for the page frame.

The core's menu items come first; every other app adds its own through `hooks.register_navigation`
(main navigation, or the links next to the user's name). Each item names its group (`hooks.NAV_GROUPS`,
issue 14: grouped by task, at most seven top-level entries, each dataset once); `nav_groups` is what the
main navigation shows. `nav_sections` keeps each app's items apart as `(url, label)` (e.g.
`nav_sections["planning"]`), `nav_items` lists every item in the navigation's order."""
from django.utils.translation import gettext_lazy as _

from . import access, hooks, selectors


def _core_items(user) -> list[tuple[str, object, str]]:
    items = [
        (hooks.page_url("staffing:home"), _("Übersicht"), "overview"),
        (hooks.page_url("staffing:notice_list"), _("Mitteilungen"), "notices"),
    ]
    if access.can(user, "escalations.view"):
        items.append((hooks.page_url("staffing:escalation_list"), _("Eskalationen"), "notices"))
    # the staff register and the vacancy list are planning's pages (its navigation links them)
    items.append((hooks.page_url("staffing:position_list"), _("Stellen"), "staff"))
    if access.can(user, "career_tracks.keep"):  # PS-1.1: the district keeps the career-track table
        items.append((hooks.page_url("staffing:career_tracks"), _("Laufbahnen"), "staff"))
    if access.can(user, "rule_set.view"):  # issue 17: the district's agreement settings
        items.append((hooks.page_url("staffing:rule_sets"), _("Regelwerk"), "notices"))
    if access.can(user, "goals.keep"):
        items.append((hooks.page_url("staffing:goal_list"), _("Ziele"), "planning"))
    if access.can(user, "cuts.view"):
        items.append((hooks.page_url("staffing:cost_cut_ledger"), _("Kürzungen"), "reimbursement"))
    return items


def header_identity(user) -> str:
    """issue 14: where the signed-in user works, organisation and role once: the organisation's name says
    the role (its kind); the role's name stands alone only for a user without organisation."""
    return str(user.organisation) if user.organisation_id else str(user.get_role_display() or _("Administration"))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    raw = {"staffing": _core_items(user), **hooks.navigation_sections(user)}
    groups = hooks.navigation_groups(raw)
    return {
        "nav_groups": groups,
        "nav_items": [item for group in groups for item in group.items],
        "nav_sections": {app: [(url, label) for url, label, _group in items] for app, items in raw.items()},
        "user_nav_items": [item[:2] for items in hooks.navigation_sections(user, area="user").values()
                           for item in items],
        "header_identity": header_identity(user),
        "header_name": user.get_full_name() or user.username,
        "unread_notifications": selectors.unread_notification_count(user),  # issue 16, point 3: loaded with the user
    }
