"""Settings for optional single sign-on, read from environment variables (README "Single Sign-on").

Local Django accounts stay the default: nothing here is active unless `LDAP_SERVER_URI` (LDAP / Active
Directory via django-auth-ldap) or `OIDC_RP_CLIENT_ID` (OpenID Connect via mozilla-django-oidc) is set.
This module imports no Django models, so settings.py can call it.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

LDAP_BACKEND = "integrations.sso.LDAPBackend"
OIDC_BACKEND = "integrations.sso.OIDCBackend"
TRUE = ("1", "true", "yes", "on", "ja")


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name)
    return default if value is None or value == "" else value.strip().lower() in TRUE


def _json_map(environ: Mapping[str, str], name: str) -> dict[str, str]:
    raw = environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name} must be a JSON object {{\"group\": \"organisation\"}}: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a JSON object {{\"group\": \"organisation\"}}")
    return {str(k): str(v) for k, v in value.items()}


def normalise_dn(dn: str) -> str:
    """Compare group DNs case- and space-insensitively ("CN=A, OU=B" == "cn=a,ou=b")."""
    return ",".join(part.strip() for part in dn.lower().split(","))


def ldap_settings(environ: Mapping[str, str]) -> dict:
    """AUTH_LDAP_* for django-auth-ldap, or {} when LDAP_SERVER_URI is not set."""
    uri = environ.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import (
        GroupOfNamesType,
        GroupOfUniqueNamesType,
        LDAPGroupQuery,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
    )

    group_type = environ.get("LDAP_GROUP_TYPE", "groupOfNames").strip()
    group_types = {
        "groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),
        "groupOfUniqueNames": (GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
        "activeDirectory": (NestedActiveDirectoryGroupType, "(objectClass=group)"),
    }
    if group_type not in group_types:
        raise ValueError(f"LDAP_GROUP_TYPE must be one of {', '.join(group_types)}, got {group_type!r}")
    group_class, group_filter = group_types[group_type]
    mapping = _json_map(environ, "LDAP_ORGANISATION_GROUPS")
    if not mapping:
        raise ValueError("LDAP_SERVER_URI is set but LDAP_ORGANISATION_GROUPS (group DN -> organisation) is empty")
    require = None
    for dn in mapping:
        require = LDAPGroupQuery(dn) if require is None else require | LDAPGroupQuery(dn)
    options = {ldap.OPT_NETWORK_TIMEOUT: int(environ.get("LDAP_TIMEOUT", "5")),
               ldap.OPT_TIMEOUT: int(environ.get("LDAP_TIMEOUT", "5"))}
    if group_type == "activeDirectory":
        options[ldap.OPT_REFERRALS] = 0
    if environ.get("LDAP_CA_CERT_FILE"):
        options[ldap.OPT_X_TLS_CACERTFILE] = environ["LDAP_CA_CERT_FILE"]
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": environ.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": environ.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _bool(environ, "LDAP_START_TLS", False),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(environ["LDAP_USER_SEARCH_BASE"], ldap.SCOPE_SUBTREE,
                                            environ.get("LDAP_USER_FILTER", "(uid=%(user)s)")),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(environ.get("LDAP_GROUP_SEARCH_BASE",
                                                         environ["LDAP_USER_SEARCH_BASE"]),
                                             ldap.SCOPE_SUBTREE, group_filter),
        "AUTH_LDAP_GROUP_TYPE": group_class(),
        "AUTH_LDAP_REQUIRE_GROUP": require,
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "LDAP_ORGANISATION_GROUPS": {normalise_dn(dn): ref for dn, ref in mapping.items()},
    }


OIDC_ENDPOINTS = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT",
                  "OIDC_OP_JWKS_ENDPOINT")


def oidc_settings(environ: Mapping[str, str]) -> dict:
    """OIDC_* for mozilla-django-oidc, or {"OIDC_ENABLED": False} when OIDC_RP_CLIENT_ID is not set."""
    client_id = environ.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return {"OIDC_ENABLED": False}
    missing = [name for name in ("OIDC_RP_CLIENT_SECRET", *OIDC_ENDPOINTS) if not environ.get(name)]
    if missing:
        raise ValueError(f"OIDC_RP_CLIENT_ID is set but these are missing: {', '.join(missing)}")
    mapping = _json_map(environ, "OIDC_ORGANISATION_MAP")
    if not mapping:
        raise ValueError("OIDC_RP_CLIENT_ID is set but OIDC_ORGANISATION_MAP (claim value -> organisation) is empty")
    values = {name: environ[name] for name in OIDC_ENDPOINTS}
    values.update({
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": environ["OIDC_RP_CLIENT_SECRET"],
        "OIDC_RP_SIGN_ALGO": environ.get("OIDC_RP_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": environ.get("OIDC_RP_SCOPES", "openid email profile groups"),
        "OIDC_USE_PKCE": _bool(environ, "OIDC_USE_PKCE", True),
        "OIDC_VERIFY_SSL": _bool(environ, "OIDC_VERIFY_SSL", True),
        "OIDC_TIMEOUT": int(environ.get("OIDC_TIMEOUT", "10")),
        "OIDC_ORGANISATION_CLAIM": environ.get("OIDC_ORGANISATION_CLAIM", "groups"),
        "OIDC_ORGANISATION_MAP": mapping,
        "OIDC_PROVIDER_NAME": environ.get("OIDC_PROVIDER_NAME", "Single Sign-on"),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "integrations:oidc_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "/anmelden/?sso=fehlgeschlagen",
    })
    return values


def sso_settings(environ: Mapping[str, str]) -> dict:
    """Both sets of settings, plus SSO_BACKENDS to append to AUTHENTICATION_BACKENDS."""
    values = {**ldap_settings(environ), **oidc_settings(environ)}
    values["SSO_BACKENDS"] = ([LDAP_BACKEND] if "AUTH_LDAP_SERVER_URI" in values else []) + (
        [OIDC_BACKEND] if values["OIDC_ENABLED"] else [])
    return values
