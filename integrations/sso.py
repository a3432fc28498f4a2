"""Single sign-on backends (optional; local accounts stay the default). The organisation, and so the role,
comes from the directory: an LDAP group DN or an OpenID Connect claim value maps to an organisation
reference ("city:<district>/<city>" or "<kind>:<district>", by slugs). Users without a mapped group or
claim are refused; the mapping is applied again at every login, so moving a person between groups in
the directory moves them between organisations here."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from staffing.models import Organisation, User

from .models import ExternalIdentity
from .sso_settings import normalise_dn

logger = logging.getLogger(__name__)


def resolve_organisation(reference: str) -> Organisation | None:
    """"city:en-kreis/witten" -> the city's HR organisation; "coordination:en-kreis" -> the district's office."""
    kind, _, path = reference.strip().partition(":")
    if kind not in Organisation.Kind.values or not path:
        logger.warning("SSO: invalid organisation reference %r", reference)
        return None
    qs = Organisation.objects.filter(kind=kind)
    if kind == Organisation.Kind.CITY:
        district, _, city = path.partition("/")
        qs = qs.filter(district__slug=district, city__slug=city)
    else:
        qs = qs.filter(district__slug=path, city__isnull=True)
    organisation = qs.first()
    if organisation is None:
        logger.warning("SSO: no organisation for reference %r", reference)
    return organisation


def organisation_for(values, mapping: dict[str, str], *, normalise=lambda v: v) -> Organisation | None:
    """The organisation of the first mapped value (mapping order decides when several match)."""
    present = {normalise(v) for v in values}
    for key, reference in mapping.items():
        if normalise(key) in present:
            organisation = resolve_organisation(reference)
            if organisation is not None:
                return organisation
    return None


try:
    from django_auth_ldap.backend import LDAPBackend as _LDAPBackend
except ImportError:  # the optional extra is not installed
    _LDAPBackend = None

if _LDAPBackend is not None:
    class LDAPBackend(_LDAPBackend):
        """LDAP / Active Directory: bind as the user, map the user's groups to an organisation."""

        provider_key = "ldap"

        def get_or_build_user(self, username, ldap_user):
            user, built = super().get_or_build_user(username, ldap_user)
            if not built and not ExternalIdentity.objects.filter(user=user, provider=self.provider_key).exists():
                # a local account of the same name is never taken over by the directory
                raise ldap_user.AuthenticationFailed(f"{username}: a local account of this name exists")
            organisation = organisation_for(ldap_user.group_dns, settings.LDAP_ORGANISATION_GROUPS,
                                            normalise=normalise_dn)
            if organisation is None:
                raise ldap_user.AuthenticationFailed(f"{username}: no group maps to an organisation")
            user.organisation = organisation
            return user, built

        def authenticate_ldap_user(self, ldap_user, password):
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is not None:
                ExternalIdentity.objects.update_or_create(
                    provider=self.provider_key, subject=ldap_user.dn,
                    defaults={"user": user, "last_login_at": timezone.now()})
            return user

try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend as _OIDCBackend
except ImportError:
    _OIDCBackend = None

if _OIDCBackend is not None:
    class OIDCBackend(_OIDCBackend):
        """OpenID Connect: users are matched by the provider's `sub`, the organisation by a claim."""

        provider_key = "oidc"

        def _organisation(self, claims) -> Organisation | None:
            value = claims.get(settings.OIDC_ORGANISATION_CLAIM)
            values = value if isinstance(value, list) else [value] if value else []
            return organisation_for([str(v) for v in values], settings.OIDC_ORGANISATION_MAP)

        def verify_claims(self, claims):
            if not claims.get("sub"):
                return False
            if self._organisation(claims) is None:
                logger.warning("OIDC: %s has no mapped %s claim", claims.get("sub"), settings.OIDC_ORGANISATION_CLAIM)
                return False
            return True

        def filter_users_by_claims(self, claims):
            return User.objects.filter(external_identities__provider=self.provider_key,
                                       external_identities__subject=claims["sub"])

        def _apply(self, user: User, claims) -> User:
            user.email = claims.get("email", user.email) or ""
            user.first_name = (claims.get("given_name") or user.first_name)[:150]
            user.last_name = (claims.get("family_name") or user.last_name)[:150]
            user.organisation = self._organisation(claims)
            return user

        def _free_username(self, claims) -> str:
            base = (claims.get("preferred_username") or (claims.get("email") or "").split("@")[0]
                    or f"oidc-{claims['sub']}")[:140]
            candidate, n = base, 1
            while User.objects.filter(username=candidate).exists():  # never take over a local account
                n += 1
                candidate = f"{base}-sso{'' if n == 2 else n - 1}"
            return candidate

        @transaction.atomic
        def create_user(self, claims):
            user = User(username=self._free_username(claims))
            user.set_unusable_password()
            self._apply(user, claims).save()
            ExternalIdentity.objects.create(user=user, provider=self.provider_key, subject=claims["sub"],
                                            last_login_at=timezone.now())
            return user

        @transaction.atomic
        def update_user(self, user, claims):
            self._apply(user, claims).save()
            ExternalIdentity.objects.filter(user=user, provider=self.provider_key).update(
                last_login_at=timezone.now())
            return user
