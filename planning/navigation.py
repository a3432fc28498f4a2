"""The planning side's menu items, per role: connected to the core's navigation in `PlanningConfig.ready()`
(`staffing.hooks.register_navigation`); the page frame shows them after the core's items. Planning
messages have no entry of their own: they are notifications (the header's "Benachrichtigungen")."""
from django.utils.translation import gettext_lazy as _

from staffing import hooks
from staffing.access import can


def items(user) -> list[tuple[str, object, str]]:
    """`(url, label, group)`: the group is the task in the main navigation (staffing.hooks.NAV_GROUPS)."""
    result = [
        (hooks.page_url("planning:staff_register"), _("Personalverzeichnis"), "staff"),
        (hooks.page_url("planning:vacancies"), _("Vakanzen"), "staff"),
        (hooks.page_url("planning:staff_plan"), _("Stellenplan"), "planning"),  # issue 13 (PS-4.2)
        (hooks.page_url("planning:capacity"), _("Kapazitätsplan"), "planning"),
        (hooks.page_url("planning:report_list"), _("Quartalsmeldung"), "planning"),
    ]
    if can(user, "training.view"):
        result.append((hooks.page_url("planning:training"), _("Fortbildung"), "staff"))
    if can(user, "coaching.view"):
        result.append((hooks.page_url("planning:coaching"), _("Coaching"), "staff"))
    if can(user, "coaching.evaluations"):
        result.append((hooks.page_url("planning:coaching_evaluations"), _("Coaching-Auswertung"), "planning"))
    if can(user, "costs.view"):
        result.append((hooks.page_url("planning:costs"), _("Erstattung"), "reimbursement"))
    return result
