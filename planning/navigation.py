"""The planning side's menu items, per role: connected to the core's navigation in `PlanningConfig.ready()`
(`staffing.hooks.register_navigation`); the page frame shows them after the core's items. Planning
messages have no entry of their own: they are notifications (the header's "Benachrichtigungen")."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffing.access import can


def items(user) -> list[tuple[str, object, str]]:
    """`(url, label, group)`: the group is the task in the main navigation (staffing.hooks.NAV_GROUPS)."""
    result = [
        (reverse("planning:staff_register"), _("Personalverzeichnis"), "staff"),
        (reverse("planning:vacancies"), _("Vakanzen"), "staff"),
        (reverse("planning:staff_plan"), _("Stellenplan"), "planning"),  # issue 13 (PS-4.2)
        (reverse("planning:capacity"), _("Kapazitätsplan"), "planning"),
        (reverse("planning:report_list"), _("Quartalsmeldung"), "planning"),
    ]
    if can(user, "training.view"):
        result.append((reverse("planning:training"), _("Fortbildung"), "staff"))
    if can(user, "coaching.view"):
        result.append((reverse("planning:coaching"), _("Coaching"), "staff"))
    if can(user, "coaching.evaluations"):
        result.append((reverse("planning:coaching_evaluations"), _("Coaching-Auswertung"), "planning"))
    if can(user, "costs.view"):
        result.append((reverse("planning:costs"), _("Erstattung"), "reimbursement"))
    return result
