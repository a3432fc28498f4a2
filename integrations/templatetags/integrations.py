"""{% sso_login %}: the single sign-on button on the login page, shown only when OIDC is configured."""
from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("integrations/includes/sso_login.html", takes_context=True)
def sso_login(context):
    return {"oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
            "provider_name": getattr(settings, "OIDC_PROVIDER_NAME", "Single Sign-on"),
            "ldap_enabled": bool(getattr(settings, "AUTH_LDAP_SERVER_URI", "")),
            "next": context.get("next", "")}


@register.simple_tag
def notice_certificate_url(notice) -> str:
    """PS-2.3 to PS-2.5: the address of the notice's PDF certificate, or "" while it has no outcome."""
    from django.urls import reverse

    from integrations.documents import notice_outcome

    return reverse("integrations:notice_certificate", args=[notice.pk]) if notice_outcome(notice) else ""
