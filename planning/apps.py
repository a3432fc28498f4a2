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
        from . import continuity, continuity_demo, demo, demo_training, navigation, scale_seed, staffplan_demo
        from .models import MessageKind, StaffPlanMessageKind

        hooks.register_navigation("planning", navigation.items)
        hooks.register_notification_kinds(MessageKind.choices)
        hooks.register_notification_kinds(StaffPlanMessageKind.choices)  # issue 13: staff plan
        hooks.register_start_panel(continuity.start_panel)
        # PS-4.1 first: the quarterly reports of demo.seed_planning then see the leavers of the year
        hooks.demo_seeded.connect(continuity_demo.on_demo_seeded, dispatch_uid="planning.seed_continuity")
        hooks.demo_seeded.connect(demo.on_demo_seeded, dispatch_uid="planning.seed_planning")
        # issue 13: training (PS-1.4): kinds, targets and gaps of the demo's training, after the offers exist
        hooks.demo_seeded.connect(demo_training.on_demo_seeded, dispatch_uid="planning.seed_training")
        # issue 13: the district's staff plan (PS-4.2)
        hooks.demo_seeded.connect(staffplan_demo.on_demo_seeded, dispatch_uid="planning.seed_staff_plan")
        # issue 16, point 5: training rows in the benchmark's national data
        hooks.scale_district_seeding.connect(scale_seed.training, dispatch_uid="planning.scale_training")
        # coaching (PS-3.3) and the costs page's reports and caps (PS-6.2, PS-5.1), drawn after the training rows
        hooks.scale_district_seeding.connect(scale_seed.coaching_and_costs,
                                             dispatch_uid="planning.scale_coaching_and_costs")
