"""Settings of the JobAgentur EN application, read from environment variables (12-factor).

Every variable is documented in README.md ("Konfiguration"). Defaults give a development set-up
that needs no server: SQLite in the project folder and an embedded Celery broker (kombu's
filesystem transport). Production sets DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The built-in key is for development (DEBUG) only. Without DEBUG the system check in ops/deploy_checks.py
# (an ERROR: `check`, `check --deploy`, `migrate` and every other management command fail, and jobagentur.wsgi
# refuses to start) rejects a missing SECRET_KEY, this key, the example key of deploy/env.example, and a key
# shorter than 50 characters or with fewer than 5 different characters (issue 15, point 3).
DEVELOPMENT_SECRET_KEY = "django-insecure-dev-only-jobagentur-en-change-me"
SECRET_KEY_FROM_ENVIRONMENT = bool(env.str("SECRET_KEY", default=""))
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "axes",
    "csp",
    "staffing",
    "integrations",
    "planning",
    "privacy",
    "ops",
    "reports",
    "guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "staffing.middleware.SessionIdleRefreshMiddleware",  # issue 16, point 3: idle timer, one write a minute
    "staffing.middleware.GermanFirstLocaleMiddleware",
    "staffing.middleware.RefuseNulBytesMiddleware",  # issue 15: NUL in path or fields -> German 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # issue 15, point 5: no-store for personal data (after authentication: it asks who is signed in)
    "ops.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "ops.middleware.SecurityLogMiddleware",
    "privacy.middleware.CandidateDataAccessMiddleware",
    "ops.middleware.DatabaseUnavailableMiddleware",
    # last, as django-axes asks: answers a locked-out login with its lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jobagentur.urls"
WSGI_APPLICATION = "jobagentur.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staffing.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Check a pooled/persistent connection before use: after a database restart or a dropped connection the
# next request gets a fresh one instead of an error (README "Security and reliability").
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("DB_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # issue 15, point 9: a database host that does not answer fails the connection attempt after
    # DB_CONNECT_TIMEOUT seconds (libpq would wait for the TCP timeout)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
    # psycopg 3's connection pool (Django >= 5.1); size by DB_POOL_MAX_SIZE. A request waits at most
    # DB_POOL_TIMEOUT seconds for a connection (psycopg's default, 30 s, equals gunicorn's worker timeout:
    # with the database down gunicorn killed the worker before the German 503 page could answer)
    if env.bool("DB_POOL", default=True):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DB_POOL_TIMEOUT", default=5.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker, beat and web share the file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staffing.User"
# django-axes first (login throttling), then the model backend that refuses demo logins in production.
AUTHENTICATION_BACKENDS = ["ops.auth.ThrottledBackend", "staffing.auth.DemoAwareModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # older hashes still verify and are upgraded to Argon2 at the next login
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staffing:home"
LOGOUT_REDIRECT_URL = "login"
# Demo logins (password "demo") work only while this is on; it follows DEBUG unless set.
DEMO_LOGINS_ENABLED = env.bool("DEMO_LOGINS_ENABLED", default=DEBUG)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: console in development, SMTP by EMAIL_URL in production (smtp+tls://user:pw@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# issue 14: in development (DEBUG, no EMAIL_URL) every sent mail is kept as an .eml file in DEV_MAIL_DIR and
# listed by the development mail viewer (/entwicklung/mails/, ops.views; 404 unless DEBUG).
DEV_MAIL_DIR = env.path("DEV_MAIL_DIR", default=str(VAR_DIR / "mail"))
if DEBUG and not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "ops.devmail.DevMailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="JobAgentur EN <no-reply@jobagentur-en.example>")

# issue 17, point 4: the operator named in the imprint, the data protection notice and the accessibility
# statement. The defaults are EXAMPLE values for the Ennepe-Ruhr-Kreis (the pages say so while OPERATOR_NAME
# is not set); a real installation sets its own.
OPERATOR_IS_EXAMPLE = not env.str("OPERATOR_NAME", default="")
OPERATOR_NAME = env.str("OPERATOR_NAME", default="Ennepe-Ruhr-Kreis – Der Landrat")
OPERATOR_ADDRESS = env.str("OPERATOR_ADDRESS", default="Hauptstraße 92, 58332 Schwelm")
OPERATOR_EMAIL = env.str("OPERATOR_EMAIL", default="jobagentur@jobagentur-en.example")
OPERATOR_PHONE = env.str("OPERATOR_PHONE", default="02336 93-0")
OPERATOR_REPRESENTATIVE = env.str("OPERATOR_REPRESENTATIVE", default="vertreten durch den Landrat")
OPERATOR_DATA_PROTECTION_OFFICER = env.str(
    "OPERATOR_DATA_PROTECTION_OFFICER",
    default="Behördliche Datenschutzbeauftragte, Hauptstraße 92, 58332 Schwelm, datenschutz@jobagentur-en.example")
# where the accessibility feedback form's messages go (empty: OPERATOR_EMAIL)
ACCESSIBILITY_FEEDBACK_EMAIL = env.str("ACCESSIBILITY_FEEDBACK_EMAIL", default="")
# BITV 2.0 § 7: the conciliation / enforcement body (NRW: the Ombudsstelle für barrierefreie IT)
ACCESSIBILITY_ENFORCEMENT_NAME = env.str(
    "ACCESSIBILITY_ENFORCEMENT_NAME",
    default="Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen")
ACCESSIBILITY_ENFORCEMENT_ADDRESS = env.str(
    "ACCESSIBILITY_ENFORCEMENT_ADDRESS",
    default="bei der Beauftragten der Landesregierung für Menschen mit Behinderung sowie für Patientinnen und "
            "Patienten in Nordrhein-Westfalen, Fürstenwall 25, 40219 Düsseldorf")
ACCESSIBILITY_ENFORCEMENT_EMAIL = env.str("ACCESSIBILITY_ENFORCEMENT_EMAIL",
                                          default="ombudsstelle-barrierefreie-it@mags.nrw.de")
ACCESSIBILITY_ENFORCEMENT_URL = env.str("ACCESSIBILITY_ENFORCEMENT_URL", default="")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery -------------------------------------------------------------------------------
# issue 15, point 9: seconds after which a socket operation on a Redis broker gives up
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=2.0)
BROKER_DIR = env.path("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker"))
# complete URL with a host, else kombu warns "No hostname was supplied" (the filesystem transport ignores it)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "control", "processed"):
        Path(BROKER_DIR, sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(BROKER_DIR, "queue")),
        "data_folder_out": str(Path(BROKER_DIR, "queue")),
        "control_folder": str(Path(BROKER_DIR, "control")),
        "store_processed": True,
        "processed_folder": str(Path(BROKER_DIR, "processed")),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # issue 15, point 9: a Redis that hangs (stopped process, lost network) must not hang a web request
    # or beat: every socket operation gives up after BROKER_SOCKET_TIMEOUT seconds (the outbox keeps the work)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_keepalive": True,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
# one retry of a publish (Celery's default is three): a pooled connection to a restarted Redis fails once and
# reconnects; a hung Redis costs at most a few socket timeouts, once per BROKER_RETRY_AFTER seconds
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# after a failed hand-off a process leaves the broker alone this many seconds (staffing.notifications)
BROKER_RETRY_AFTER = env.float("BROKER_RETRY_AFTER", default=30.0)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# One Redis can serve several installations (or parallel CI runs) when each has its own queue.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, in this one place. Beat's DatabaseScheduler writes these entries into its
# PeriodicTask rows when it starts (matched by entry name: an existing row is updated, never duplicated;
# a row switched off in the admin stays off). Crontab times are in CELERY_TIMEZONE (Europe/Berlin).
CELERY_BEAT_SCHEDULE = {
    # PS-2.3: approval by silence at the end of the objection period, and the reminders (staffing)
    "Fristen prüfen (Zustimmung durch Fristablauf, Erinnerungen)": {
        "task": "staffing.tasks.sweep_deadlines", "schedule": timedelta(minutes=1)},
    # DSGVO: erase candidates' personal data after RETENTION_DAYS (privacy)
    "Datenschutz: personenbezogene Daten nach Ablauf der Aufbewahrungsfrist löschen": {
        "task": "staffing.retention.erase_expired_personal_data_task", "schedule": crontab(minute="15", hour="3")},
    # PS-6.1: remind the cities of overdue quarterly reports (planning)
    "Quartalsmeldungen: überfällige Städte erinnern": {
        "task": "planning.tasks.remind_overdue_reports", "schedule": crontab(minute="0", hour="7")},
}

# --- The agreement's parameters -----------------------------------------------------------
OBJECTION_PERIOD_WEEKS = env.int("OBJECTION_PERIOD_WEEKS", default=1)
PUBLIC_HOLIDAYS_COUNTRY = env.str("PUBLIC_HOLIDAYS_COUNTRY", default="DE")
PUBLIC_HOLIDAYS_SUBDIVISION = env.str("PUBLIC_HOLIDAYS_SUBDIVISION", default="NW")
LEGAL_TIME_ZONE = "Europe/Berlin"
# Issue 17: these are the defaults of a district's first rule set (AgreementRuleSet); the district
# administration changes its own settings in the app (/kreis/regelwerk/).
PUBLIC_HOLIDAYS_CATHOLIC = env.bool("PUBLIC_HOLIDAYS_CATHOLIC", default=False)
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=1)
STATUTE_DATE = env.str("STATUTE_DATE", default="2007-04-18")
STATUTE_REFERENCE = env.str("STATUTE_REFERENCE", default="§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises")
# PS-1.2: "several months" of relevant experience for placement officers and counsellors.
QUALIFICATION_MIN_MONTHS = env.int("QUALIFICATION_MIN_MONTHS", default=6)
# PS-6.2 (issue 13): a claim deviating from the estimate from the quarterly report by more than this
# percentage is flagged on the costs page (exactly at the tolerance is not).
COST_DEVIATION_TOLERANCE = Decimal(env.str("COST_DEVIATION_TOLERANCE", default="5"))
# PS-4.3: the start page flags vacancies still open after this many days.
VACANCY_FLAG_DAYS = env.int("VACANCY_FLAG_DAYS", default=90)
# a placement is recorded at most this many days ahead unless the clerk confirms the date (PS-2.3, PS-6.1)
PLACEMENT_MAX_DAYS_AHEAD = env.int("PLACEMENT_MAX_DAYS_AHEAD", default=30)
# PS-5.1 "in Abstimmung mit allen Städten": default period for the cities' statements on a proposed cap (days)
CAP_CONSULTATION_DAYS = env.int("CAP_CONSULTATION_DAYS", default=28)
# PS-5.1 "rechtzeitig": a cap for year Y fixed after this day (MM-DD) of year Y-1, or for a past year, needs a reason
CAP_DEADLINE = env.str("CAP_DEADLINE", default="10-31")
# PS-1.4: placement officers and counsellors attend a field-specific training within this many months of joining
TRAINING_FIELD_SPECIFIC_MONTHS = env.int("TRAINING_FIELD_SPECIFIC_MONTHS", default=12)
# PS-3.3: how long a coach's personal link to the evaluation form of an offer stays valid
COACHING_LINK_MAX_AGE_DAYS = env.int("COACHING_LINK_MAX_AGE_DAYS", default=60)

# --- Security (README "Security and reliability"); production defaults follow DEBUG=false ------------
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address the login is locked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
# issue 15, point 6: a lock holds for the user name AND the address together, so nobody can lock a user name
# for everybody; the address is the client's, behind BEHIND_TLS_PROXY taken from X-Forwarded-For with
# TRUSTED_PROXY_COUNT trusted proxies (ops.auth.client_ip_address; django-ipware is not used)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "ops.auth.client_ip_address"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)  # lockouts are logged by jobagentur.security
# Cookies: Secure outside development, HttpOnly session cookie, SameSite=Lax (links in e-mails still work).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Session ends after SESSION_IDLE_MINUTES without a request and with the browser. A request renews it
# (staffing.middleware.SessionIdleRefreshMiddleware, issue 16 point 3: saved at most once a minute, so the
# session ends between SESSION_IDLE_MINUTES - 1 and SESSION_IDLE_MINUTES after the last request).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# issue 16, point 3: Django's database sessions, with the per-request lookup compiled once per process
SESSION_ENGINE = "staffing.sessions"
# HTTPS (issue 15, point 3): without DEBUG Django redirects plain HTTP to HTTPS by itself, unless
# BEHIND_TLS_PROXY=true says a TLS-terminating proxy is in front: then the proxy redirects, and its
# X-Forwarded-Proto header tells Django which requests came over HTTPS. HSTS one year outside development.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not BEHIND_TLS_PROXY)
# the health probe of docker compose and of monitoring asks over plain HTTP on the machine itself
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SILENCED_SYSTEM_CHECKS = []
if BEHIND_TLS_PROXY and not SECURE_SSL_REDIRECT:
    # security.W008 ("SECURE_SSL_REDIRECT is not True") does not apply: the TLS proxy answers plain HTTP with its
    # own redirect to HTTPS (README "Production set-up"); Django never sees a plain-HTTP request from a browser.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No uploads exist; form posts are small (Django's limits, stated here on purpose).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Content-Security-Policy (django-csp 4): own scripts and styles only, no inline script, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Issue 15, point 5: `Cache-Control: no-store, private` (ops.middleware.NoStoreMiddleware) on every answer of these
# URL namespaces and views, and on every answer to a signed-in user; never on the exempt views.
NO_STORE_NAMESPACES = ("staffing", "planning", "integrations", "admin", "moved", "reports")
NO_STORE_VIEWS = ("privacy_export", "dev_mail_list", "dev_mail_detail")
NO_STORE_EXEMPT_VIEWS = ("health", "favicon")
# Views that show candidates' personal data: each view is recorded (who, when, which notice).
CANDIDATE_DATA_VIEWS = {"staffing:notice_detail", "admin:staffing_placementnotice_change"}
# Data protection: personal data of candidates not placed and of withdrawn notices is erased after this.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=730)
# Health endpoint: the deadline sweep must have run within this many seconds.
HEALTH_BEAT_MAX_AGE = env.int("HEALTH_BEAT_MAX_AGE", default=300)

LOG_FORMAT = env.str("LOG_FORMAT", default="plain")  # "json": one JSON object per line

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "ops.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if LOG_FORMAT == "json" else "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Single sign-on (optional; README "Single Sign-on"): LDAP / Active Directory and OpenID Connect ---------
# Off unless LDAP_SERVER_URI or OIDC_RP_CLIENT_ID is set; local accounts stay first and keep working.
from integrations.sso_settings import sso_settings  # noqa: E402

_SSO = sso_settings(environ.Env.ENVIRON)
vars().update(_SSO)
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, *_SSO["SSO_BACKENDS"]]
