from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from staffing import hooks


class PlanningConfig(AppConfig):
    """Planning and reporting side of the agreement (PS-1, PS-3 to PS-6).

    Plugs into the core through `staffing.hooks`: its menu items, its kinds of notification (sent through
    the core's one pipeline) and its demo data after the core's."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = _("Planung und Berichte")

    def ready(self):
        # imported here, not at the top: they need the app registry (models), which is ready only now
        from . import demo, navigation
        from .models import MessageKind, StaffPlanMessageKind

        hooks.register_navigation("planning", navigation.items)
        hooks.register_notification_kinds(MessageKind.choices)
        hooks.register_notification_kinds(StaffPlanMessageKind.choices)  # issue 13: staff plan
        hooks.demo_seeded.connect(demo.on_demo_seeded, dispatch_uid="planning.seed_planning")
        from . import staffplan_demo  # issue 13: the district's staff plan (PS-4.2)
        hooks.demo_seeded.connect(staffplan_demo.on_demo_seeded, dispatch_uid="planning.seed_staff_plan")
