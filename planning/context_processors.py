"""Navigation of the planning side, per role (rendered next to `nav_items` in base.html)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
    if not user.is_head:
        items += [(reverse("planning:training"), _("Fortbildung")), (reverse("planning:coaching"), _("Coaching"))]
    if user.is_superuser or user.is_city_clerk or user.is_district_admin or user.is_coordination:
        items.append((reverse("planning:costs"), _("Erstattung")))
    if user.is_city_clerk:
        unread = user.planning_messages.filter(read_at__isnull=True).count()
        label = _("Nachrichten (%(n)d)") % {"n": unread} if unread else _("Nachrichten")
        items.append((reverse("planning:messages"), label))
    return {"planning_nav_items": items}
