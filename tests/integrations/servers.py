"""Real servers for the single sign-on tests, each on a spare loopback port: OpenLDAP's slapd (Debian's
package) with a private config and directory, and an OpenID Connect provider (node-oidc-provider on Node,
installed with `npm ci` from the committed lock file into a cache folder). With CI=true or
REQUIRE_SERVICES=1 a missing program is a failure, never a skip."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MUST_RUN = os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"


def missing(what: str):
    """Fail under CI, skip on a developer machine without the program."""
    message = f"{what} is needed for the single sign-on tests (see .ci/run)"
    if MUST_RUN:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _which(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/local/sbin/{name}")
                                       if os.path.exists(p)), None)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- OpenLDAP ---------------------------------------------------------------------------------

BASE = "dc=en-kreis,dc=example"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PW = "admin-secret-for-tests"

SLAPD_CONF = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
pidfile {tmp}/slapd.pid
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {tmp}/data
"""


def person(uid: str, given: str, surname: str, password: str) -> str:
    return (f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {given} {surname}\n"
            f"givenName: {given}\nsn: {surname}\nmail: {uid}@verwaltung.example\nuserPassword: {password}\n")


def group(cn: str, *uids: str) -> str:
    members = "".join(f"member: uid={uid},ou=people,{BASE}\n" for uid in uids)
    return f"dn: cn={cn},ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: {cn}\n{members}"


DIRECTORY = "\n".join([
    f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: en-kreis\no: Ennepe-Ruhr-Kreis\n",
    f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n",
    f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n",
    person("mmeier", "Maria", "Meier", "Sommer-2026!"),
    person("kkoch", "Karl", "Koch", "Winter-2026!"),
    person("wechsel", "Wanda", "Wechsel", "Herbst-2026!"),
    person("kantine", "Kurt", "Kantine", "Fruehling-2026!"),
    person("lokal", "Lena", "Lokal", "Verzeichnis-2026!"),
    group("personalamt-witten", "mmeier", "wechsel", "lokal"),
    group("koordinierungsstelle", "kkoch"),
    group("kantine", "kantine"),
])


@dataclass
class LdapServer:
    uri: str
    base: str = BASE
    root_dn: str = ROOT_DN
    root_pw: str = ROOT_PW

    def connection(self):
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(self.root_dn, self.root_pw)
        return conn


def start_slapd():
    slapd, slapadd = _which("slapd"), _which("slapadd")
    if not slapd or not slapadd:
        missing("OpenLDAP slapd (Debian package slapd)")
    try:
        import django_auth_ldap  # noqa: F401
        import ldap  # noqa: F401
    except ImportError:
        missing("django-auth-ldap (pip install -e '.[ldap]')")
    tmp = Path(tempfile.mkdtemp(prefix="test-slapd-"))
    (tmp / "data").mkdir()
    (tmp / "slapd.conf").write_text(SLAPD_CONF.format(schema="/etc/ldap/schema", modules="/usr/lib/ldap", tmp=tmp,
                                                      base=BASE, root_dn=ROOT_DN, root_pw=ROOT_PW))
    (tmp / "directory.ldif").write_text(DIRECTORY)
    subprocess.run([slapadd, "-f", str(tmp / "slapd.conf"), "-l", str(tmp / "directory.ldif")], check=True,
                   capture_output=True)
    port = free_port()
    log = (tmp / "slapd.log").open("w")
    process = subprocess.Popen([slapd, "-f", str(tmp / "slapd.conf"), "-h", f"ldap://127.0.0.1:{port}/",
                                "-d", "0"], stdout=log, stderr=subprocess.STDOUT)
    server = LdapServer(uri=f"ldap://127.0.0.1:{port}")
    deadline = time.monotonic() + 20
    while True:
        try:
            server.connection().unbind_s()
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process)
                raise RuntimeError(f"slapd did not start: {(tmp / 'slapd.log').read_text()[-2000:]}") from None
            time.sleep(0.2)
    return server, lambda: (_stop(process), log.close(), shutil.rmtree(tmp, ignore_errors=True))


# --- OpenID Connect provider ------------------------------------------------------------------

PROVIDER_DIR = HERE / "oidc_provider"


def install_provider() -> Path:
    """`npm ci` of the committed lock file into a cache folder keyed by its hash (offline after the first run)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing("Node.js 20+ with npm")
    lock = (PROVIDER_DIR / "package-lock.json").read_bytes()
    key = hashlib.sha256(lock + (PROVIDER_DIR / "provider.mjs").read_bytes()).hexdigest()[:16]
    cache = Path(os.environ.get("TEST_TOOLS_CACHE", Path.home() / ".cache" / "jobagentur-tests"))
    target = cache / f"oidc-provider-{key}"
    if not (target / "node_modules" / "oidc-provider" / "package.json").exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json", "provider.mjs"):
            shutil.copy(PROVIDER_DIR / name, target / name)
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline"],
                                cwd=target, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"npm ci failed for the test OIDC provider:\n{result.stderr[-3000:]}")
    return target


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str

    def discovery(self) -> dict:
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=5) as response:
            return json.load(response)

    def environ(self, organisation_map: dict) -> dict:
        """The environment variables an operator would set, taken from the provider's discovery document."""
        meta = self.discovery()
        return {
            "OIDC_RP_CLIENT_ID": self.client_id, "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": meta["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": meta["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": meta["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": meta["jwks_uri"],
            "OIDC_ORGANISATION_MAP": json.dumps(organisation_map),
            "OIDC_PROVIDER_NAME": "Kommunales Konto",
        }


def start_oidc_provider(*, redirect_uri: str, accounts: dict):
    target = install_provider()
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="test-oidc-"))
    config = {"port": port, "client_id": "jobagentur", "client_secret": "test-secret-" + os.urandom(8).hex(),
              "redirect_uri": redirect_uri, "accounts": accounts}
    (tmp / "config.json").write_text(json.dumps(config))
    log = (tmp / "provider.log").open("w")
    process = subprocess.Popen([shutil.which("node"), "provider.mjs", str(tmp / "config.json")], cwd=target,
                               stdout=log, stderr=subprocess.STDOUT)
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", client_id=config["client_id"],
                            client_secret=config["client_secret"])
    deadline = time.monotonic() + 30
    while True:
        try:
            provider.discovery()
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process)
                raise RuntimeError(f"oidc-provider did not start: {(tmp / 'provider.log').read_text()[-2000:]}") \
                    from None
            time.sleep(0.2)
    return provider, lambda: (_stop(process), log.close(), shutil.rmtree(tmp, ignore_errors=True))
