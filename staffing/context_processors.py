"""Navigation and unread count for the page frame."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        (reverse("staffing:home"), _("Übersicht")),
        (reverse("staffing:notice_list"), _("Mitteilungen")),
        (reverse("staffing:staff_list"), _("Personal")),
        (reverse("staffing:position_list"), _("Stellen")),
        (reverse("staffing:vacancy_list"), _("Vakanzen")),
    ]
    return {
        "nav_items": items,
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
