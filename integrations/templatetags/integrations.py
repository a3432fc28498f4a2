"""{% sso_login %}: the single sign-on button on the login page, shown only when OIDC is configured.

(The notice page's certificate link comes through `staffing.hooks.register_notice_link`.)"""
from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("integrations/includes/sso_login.html", takes_context=True)
def sso_login(context):
    return {"oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
            "provider_name": getattr(settings, "OIDC_PROVIDER_NAME", "Single Sign-on"),
            "ldap_enabled": bool(getattr(settings, "AUTH_LDAP_SERVER_URI", "")),
            "next": context.get("next", "")}

