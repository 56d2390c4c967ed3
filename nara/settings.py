"""Django settings for Nära. Everything a region changes comes from the environment (NARA_*, DATABASE_URL)."""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NARA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret(name: str) -> str:
    """A secret from the environment, else one generated once and kept under var/ (never committed)."""
    if os.environ.get(name):
        return os.environ[name]
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("NARA_SECRET_KEY")
# Keyed HMAC of personnummer for the analytics lake (DESIGN.md §2).
PSEUDONYM_KEY = _secret("NARA_PSEUDONYM_KEY")
DEBUG = os.environ.get("NARA_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("NARA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "axes",  # before the nara apps: its failed-sign-in receiver counts before ours logs (directory.signin)
    "csp",
    "nara.core",
    "nara.directory",
    "nara.people",
    "nara.access",
    "nara.audit",
    "nara.identify",
    "nara.plans",
    "nara.transitions",
    "nara.demo",
    # After nara.identify: its `db_worker` (recovery after a killed worker, then this app's worker) wins.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nara.core.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nara.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "nara.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nara.directory.middleware.AssignmentMiddleware",
    "nara.access.middleware.AccessDeniedMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked sign-in into the lock page (directory.signin)
]

ROOT_URLCONF = "nara.urls"
WSGI_APPLICATION = "nara.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nara" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nara.directory.context_processors.assignment",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'nara.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Sign-in, sessions, headers (issue 11; docs/decisions.md "Sign-in and browser security") ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked username before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Password policy for staff accounts: checked wherever a password is set through Django (changepassword,
# createsuperuser, any password form). The demo's shared password is hashed directly and is not a staff password.
NARA_PASSWORD_MIN_LENGTH = int(os.environ.get("NARA_PASSWORD_MIN_LENGTH", "12"))
if NARA_PASSWORD_MIN_LENGTH < 12:
    raise ImproperlyConfigured("NARA_PASSWORD_MIN_LENGTH below 12 is refused (docs/operator-guide.md).")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": NARA_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "directory:choose_assignment"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): this many failed sign-ins for one username lock it for the cool-off, also for the right
# password; by username only (a ward shares workstations and addresses), the same for names nobody has.
NARA_LOGIN_FAILURE_LIMIT = int(os.environ.get("NARA_LOGIN_FAILURE_LIMIT", "5"))
NARA_LOGIN_COOLOFF_MINUTES = int(os.environ.get("NARA_LOGIN_COOLOFF_MINUTES", "15"))
if NARA_LOGIN_FAILURE_LIMIT < 1 or NARA_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("NARA_LOGIN_FAILURE_LIMIT and NARA_LOGIN_COOLOFF_MINUTES must be at least 1.")
AXES_FAILURE_LIMIT = NARA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=NARA_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when the address is not a lockout parameter. On purpose: a ward's workstations, or a whole
# municipality's network, reach us from one address; locking it would lock out every colleague (decisions.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # a few typing mistakes are forgotten once the right password is given
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time shown on the lock page holds
AXES_USERNAME_CALLABLE = "nara.directory.signin.attempted_username"  # personnummer redacted
AXES_LOCKOUT_CALLABLE = "nara.directory.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]  # masked in axes' rows and lines
AXES_VERBOSE = False  # axes' own log lines name only the (masked) lockout parameter and the path
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in: not needed, and it would grow without bound
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failed sign-in (username, time, address; no password)
AXES_HTTP_RESPONSE_CODE = 429

# Sessions: the cookie ends with the browser; idle for NARA_IDLE_TIMEOUT_MINUTES signs the user out (a shared
# workstation on a ward), and no session outlives SESSION_COOKIE_AGE (a working day) however active.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
NARA_IDLE_TIMEOUT_MINUTES = int(os.environ.get("NARA_IDLE_TIMEOUT_MINUTES", "30"))
if not 1 <= NARA_IDLE_TIMEOUT_MINUTES <= SESSION_COOKIE_AGE // 60:
    raise ImproperlyConfigured("NARA_IDLE_TIMEOUT_MINUTES must be between 1 and 480.")
CSRF_COOKIE_HTTPONLY = False

# Behind the region's TLS-terminating proxy (which must set X-Forwarded-Proto): cookies only over HTTPS, HTTP
# redirected to HTTPS, HSTS. Without it (the demo on 127.0.0.1) none of these can work, so all stay off.
NARA_BEHIND_TLS_PROXY = os.environ.get("NARA_BEHIND_TLS_PROXY", "0") == "1"
if NARA_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("NARA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # the host Nära answers on and its subdomains, never the parent domain
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): only our own scripts, styles, images and
# fonts, no inline code or style attributes, no eval, no plugins, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page of Nära uses, switched off for every page (nara.core.middleware.SecurityHeadersMiddleware).
NARA_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "nara" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "nara" / "static"]

# Never let a personnummer reach a log file: every handler passes through the redacting filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pnr": {"()": "nara.core.logging.RedactPersonnummerFilter"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_pnr"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NARA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Nära rules that a region configures ([U] facts and local policy) ---
# Emergency access stays open this many hours after step two (rules.md §3; local routine decides).
NARA_EMERGENCY_ACCESS_HOURS = int(os.environ.get("NARA_EMERGENCY_ACCESS_HOURS", "24"))
# A ward without a care relationship may send the admission notice when the user typed the whole personnummer
# (kept in the session this long) and wrote a reason (the admission access then lasts this long, unless the notice
# is sent first). Every use is followed up by a manager (docs/decisions.md "Admission basis").
NARA_ADMISSION_ACCESS_MINUTES = int(os.environ.get("NARA_ADMISSION_ACCESS_MINUTES", "30"))
if not 1 <= NARA_ADMISSION_ACCESS_MINUTES <= 480:
    raise ImproperlyConfigured("NARA_ADMISSION_ACCESS_MINUTES must be between 1 and 480.")
# Access log retention; the law asks for at least 5 years (HSLF-FS 2016:40), so lower values are refused.
NARA_AUDIT_RETENTION_YEARS = int(os.environ.get("NARA_AUDIT_RETENTION_YEARS", "5"))
NARA_AUDIT_MIN_RETENTION_YEARS = 5
# The analytics lake (Parquet files queried with DuckDB), keyed by pseudonym only.
NARA_LAKE_DIR = Path(os.environ.get("NARA_LAKE_DIR", VAR_DIR / "lake"))
# DuckDB's memory limit for an import (the process adds ~0.5 GB: Django, the file's checksum, a bucket being written);
# above it DuckDB spills to disk under the lake. 3 GB holds a region's 30 M encounters (docs/performance.md).
NARA_IMPORT_MEMORY_LIMIT = os.environ.get("NARA_IMPORT_MEMORY_LIMIT", "3GB")
# A TOML file with a region's parameter overrides for the risk definitions (see docs/definitions.md); none by default.
NARA_DEFINITIONS_OVERRIDES = os.environ.get("NARA_DEFINITIONS_OVERRIDES") or None
# Aggregates with fewer persons than this are suppressed (DESIGN.md §4).
NARA_SMALL_CELL_LIMIT = int(os.environ.get("NARA_SMALL_CELL_LIMIT", "5"))

# Plans and assessments (issue 4). Intervals in days; regional routines differ, so each is a setting.
NARA_CFS_REASSESS_DAYS = int(os.environ.get("NARA_CFS_REASSESS_DAYS", "365"))
NARA_CFS_MIN_AGE = int(os.environ.get("NARA_CFS_MIN_AGE", "65"))  # validated for 65+: warn below
NARA_PALLIATIVE_REVIEW_DAYS = int(os.environ.get("NARA_PALLIATIVE_REVIEW_DAYS", "365"))
NARA_SIP_FOLLOW_UP_DAYS = int(os.environ.get("NARA_SIP_FOLLOW_UP_DAYS", "90"))  # default next follow-up
NARA_RECENT_CHANGES_DAYS = int(os.environ.get("NARA_RECENT_CHANGES_DAYS", "30"))  # prepared care request

# Safe transitions (issue 5): the numbers of Lag (2017:612) and regional routines (reference/rules.md §1).
NARA_ADMISSION_NOTICE_HOURS = int(os.environ.get("NARA_ADMISSION_NOTICE_HOURS", "24"))  # inskrivningsmeddelande
NARA_SIP_INVITATION_DAYS = int(os.environ.get("NARA_SIP_INVITATION_DAYS", "3"))  # kallelse after utskrivningsklar
NARA_PLANNING_HOURS = int(os.environ.get("NARA_PLANNING_HOURS", "48"))  # planeringsunderlag (Region Halland)
NARA_READMISSION_DAYS = int(os.environ.get("NARA_READMISSION_DAYS", "30"))  # återinskrivning flagged on the case
# Lagens huvudregel: without an agreement, payment responsibility starts 3 days after the utskrivningsklar notice;
# the sources disagree on the kind of day (reference/rules.md §1.6 [P]): "calendar" (default) or "working".
NARA_STATUTORY_DAY_KIND = os.environ.get("NARA_STATUTORY_DAY_KIND", "calendar")
# A discharge case keeps the ward's and the receivers' care relationship this long after discharge.
NARA_CASE_RELATIONSHIP_DAYS = int(os.environ.get("NARA_CASE_RELATIONSHIP_DAYS", "30"))
