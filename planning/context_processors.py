"""Navigation of the planning side, per role (rendered next to `nav_items` in base.html)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffing.access import can


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        (reverse("planning:staff_register"), _("Personalverzeichnis")),
        (reverse("planning:report_list"), _("Quartalsmeldung")),
        (reverse("planning:capacity"), _("Kapazitätsplan")),
        (reverse("planning:vacancies"), _("Offene Vakanzen")),
    ]
    if can(user, "training.view"):
        items.append((reverse("planning:training"), _("Fortbildung")))
    if can(user, "coaching.view"):
        items.append((reverse("planning:coaching"), _("Coaching")))
    if can(user, "costs.view"):
        items.append((reverse("planning:costs"), _("Erstattung")))
    if can(user, "report.confirm"):  # planning messages go to the city's clerks
        unread = user.planning_messages.filter(read_at__isnull=True).count()
        label = _("Nachrichten (%(n)d)") % {"n": unread} if unread else _("Nachrichten")
        items.append((reverse("planning:messages"), label))
    return {"planning_nav_items": items}
