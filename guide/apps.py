from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    """issue 17, points 4 and 5: the site's public information and help – the accessibility statement with
    its feedback form (BITV 2.0 § 7), the imprint and data protection notice, and the user guide per role
    ("Hilfe"). Builds on `staffing` (its hooks); `staffing` knows nothing of it."""

    name = "guide"
    verbose_name = _("Hilfe und Rechtliches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from staffing import hooks

        from . import topics

        hooks.register_footer_links(topics.footer_links)
        hooks.register_help_link(topics.help_link)
        hooks.register_navigation("guide", topics.user_menu, area="user")
