"""The planning side's menu items, per role: connected to the core's navigation in `PlanningConfig.ready()`
(`staffing.hooks.register_navigation`); the page frame shows them after the core's items. Planning
messages have no entry of their own: they are notifications (the header's "Benachrichtigungen")."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffing.access import can


def items(user) -> list[tuple[str, object]]:
    result = [
        (reverse("planning:staff_register"), _("Personalverzeichnis")),
        (reverse("planning:report_list"), _("Quartalsmeldung")),
        (reverse("planning:capacity"), _("Kapazitätsplan")),
        (reverse("planning:staff_plan"), _("Stellenplan")),  # issue 13 (PS-4.2)
        (reverse("planning:vacancies"), _("Offene Vakanzen")),
    ]
    if can(user, "training.view"):
        result.append((reverse("planning:training"), _("Fortbildung")))
    if can(user, "coaching.view"):
        result.append((reverse("planning:coaching"), _("Coaching")))
    if can(user, "coaching.evaluations"):
        result.append((reverse("planning:coaching_evaluations"), _("Coaching-Auswertung")))
    if can(user, "costs.view"):
        result.append((reverse("planning:costs"), _("Erstattung")))
    return result
