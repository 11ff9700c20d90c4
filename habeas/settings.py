"""Habeas settings: one module, configured by the environment.

Every setting that differs between a laptop and production is read from an
environment variable; the README has the table. Production (HABEAS_DEBUG off)
refuses to start without a secret key and allowed hosts. The test suite runs
on habeas.settings_test, which imports this module and changes only what a
test run needs; nothing here depends on how the process was started.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from habeas.core.email_url import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HABEAS_VAR_DIR", str(BASE_DIR / "var")))


def env_bool(name: str, *, default: bool) -> bool:
    """Read a yes/no variable; anything but a known word is a startup error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_list(name: str) -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("HABEAS_DEBUG", default=False)

SECRET_KEY = os.environ.get("HABEAS_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-key-for-debug-only-" + "x" * 32
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["testserver", "localhost", "127.0.0.1", "[::1]"]
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "HABEAS_SECRET_KEY is not set. Production mode (HABEAS_DEBUG off) needs a long "
        "random secret key, for example from: "
        'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Production mode (HABEAS_DEBUG off) needs the host "
        "names this site answers to, comma-separated, e.g. ALLOWED_HOSTS=habeas.example.org"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "habeas.core",
    "habeas.accounts",
    "habeas.coalition",
    "habeas.cases",
    "habeas.letters",
    "habeas.actions",
    "habeas.fund",
    "habeas.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "habeas.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: a visitor's page from the cache costs no session, no CSRF.
    "habeas.core.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "habeas.core.middleware.RefuseNulMiddleware",
    "habeas.core.middleware.StripBidiControlsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "habeas.core.cache_control.SignedInNoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "habeas.coalition.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "habeas.urls"
WSGI_APPLICATION = "habeas.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "habeas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "habeas.core.context_processors.languages",
            ],
        },
    },
]

# Widget templates of our own first (habeas.core.renderers): user text in choices
# and text areas says its direction.
FORM_RENDERER = "habeas.core.renderers.Renderer"

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'habeas.sqlite3'}"
_database: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock
    # at BEGIN, so concurrent writers queue on the busy timeout instead of
    # failing with "database is locked" half-way through a transaction.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
# Kept between requests on SQLite too: opening a connection runs the pragmas
# above (journal_mode=WAL takes a lock) and closing the last one checkpoints
# the WAL, about 4 ms a request, most of what a page from the page cache costs.
_database["CONN_MAX_AGE"] = int(os.environ.get("HABEAS_CONN_MAX_AGE", "60"))
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}

# --- Cache, tasks ---------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
# RQ deletes a job, arguments and all, as soon as it succeeds (see
# habeas.core.tasks); set even without Redis so tests can switch to it.
RQ = {"QUEUE_CLASS": "habeas.core.rq.ResultlessQueue"}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # Whole public pages (habeas.core.pagecache), apart from the limiter's counters.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "habeas_cache",
            # Sign-in counters live here too: culling at Django's default of
            # 300 entries would forget them under the load of an attack.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Whole public pages (habeas.core.pagecache) in a table of their own, so
        # culling pages never forgets a sign-in counter and counting rows on a
        # write counts pages only.
        "pages": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "habeas_pages",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Periodic jobs (habeas clock, started by habeas serve) ----------------

# (name, every so many seconds, callable). Each must be safe to run from
# two clocks at once; a failure is logged and the others go on.
CLOCK_JOBS: list[tuple[str, float, str]] = [
    # Queue the delivery of due confirmation mail (the signatures are the outbox).
    ("letters-mail", 2, "habeas.letters.tasks.mail_sweep"),
    ("letters-tally-fold", 2, "habeas.letters.services.tally.tally_fold_due"),
    ("letters-tally-reconcile", 600, "habeas.letters.services.tally.tally_reconcile"),
    # Letters open and close at set times: cached public pages follow within 30 s.
    ("letters-window", 30, "habeas.letters.services.window.letters_window_check"),
    # The hourly report of addresses and domains that sign unusually often.
    ("letters-abuse-report", 3600, "habeas.letters.queries.moderation.hourly_report"),
    # Expiry of unconfirmed signatures, address hashes after 30 days, anonymisation.
    ("letters-privacy", 86400, "habeas.letters.services.privacy.daily_privacy"),
    # Actions start and end at set times: cached public pages follow within 30 s.
    ("actions-window", 30, "habeas.actions.services.window.actions_window_check"),
    # Reminders to those who RSVPed, the day before; their data 14 days after.
    ("actions-reminders", 60, "habeas.actions.services.rsvps.rsvps_remind_due"),
    ("actions-rsvp-erase", 86400, "habeas.actions.services.rsvps.rsvps_erase_due"),
    # Photo originals kept on request are deleted once their retention ends.
    ("actions-photo-originals", 86400, "habeas.actions.services.reports.photo_originals_expire"),
    # The one reminder to pledgers who have not paid, 14 days after confirming.
    ("fund-pledge-reminders", 3600, "habeas.fund.services.pledges.pledges_remind_due"),
    # Unconfirmed pledges deleted after 7 days; unpaid ones lapse after 90, address erased.
    ("fund-pledge-expiry", 86400, "habeas.fund.services.pledges.pledges_expire_due"),
]

# --- E-mail ---------------------------------------------------------------

EMAIL_URL = os.environ.get("EMAIL_URL", "") or f"file://{VAR_DIR / 'outbox'}"
_email = parse_email_url(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Habeas <habeas@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts -------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before any password check.
    "axes.backends.AxesStandaloneBackend",
    # rules, refused until a second factor is entered by those who need one.
    "habeas.coalition.backends.SecondFactorRulesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "my_roles"
LOGOUT_REDIRECT_URL = "home"

# Organisers' sessions end after two hours without a request.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

OTP_TOTP_ISSUER = "Habeas"
# django-otp's own throttle slows a device down for every address at once,
# so anyone holding the password could keep its owner out. The sign-in
# guard (habeas.accounts.throttle) throttles codes per address instead.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Five wrong passwords for one username from one address lock that pair out
# for fifteen minutes. Addresses reach axes only as keyed hashes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "habeas.core.privacy.client_address_pseudonym"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]

# --- Languages ------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "habeas" / "locale"]
# Urdu date order (day, month, year): Django has no Urdu formats of its own.
FORMAT_MODULE_PATH = ["habeas.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("HABEAS_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files (organisation logos) are served by the front proxy in
# production; `make run` has Django serve them itself.
SERVE_MEDIA = env_bool("HABEAS_SERVE_MEDIA", default=DEBUG)
# Files no page serves: photo originals kept on an uploader's request, for a
# limited time. Outside MEDIA_ROOT, so the media server can never hand them out;
# point it at a private bucket when media moves to object storage.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("HABEAS_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    # Debug serves files straight from the apps, without collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True

# --- Security -------------------------------------------------------------

# HTTPS is assumed in production. `make run` serves plain HTTP on loopback and
# turns it off; so does the test suite (habeas.settings_test), which asserts
# the secure settings separately.
HTTPS = env_bool("HABEAS_HTTPS", default=not DEBUG)
# Where this site is reached, for links in mail built outside a request (the
# open letters' confirmation mail): HABEAS_SITE_URL, else the first allowed host.
SITE_URL = (
    os.environ.get("HABEAS_SITE_URL", "")
    or f"{'https' if HTTPS else 'http'}://{(ALLOWED_HOSTS or ['localhost'])[0]}"
).rstrip("/")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The header only consents to preloading; submitting the domain is a separate step.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HABEAS_HSTS_PRELOAD", default=True)
if env_bool("HABEAS_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of Habeas append the address they were
# reached from to X-Forwarded-For; the client's address is read from the
# entry the outermost one wrote (habeas.core.privacy.client_address). 0 reads
# REMOTE_ADDR. Behind one proxy every client would otherwise share its address.
try:
    HABEAS_TRUSTED_PROXY_COUNT = int(os.environ.get("HABEAS_TRUSTED_PROXY_COUNT", "") or "0")
except ValueError as error:
    raise ImproperlyConfigured("HABEAS_TRUSTED_PROXY_COUNT must be a whole number.") from error
if not 0 <= HABEAS_TRUSTED_PROXY_COUNT <= 10:
    raise ImproperlyConfigured("HABEAS_TRUSTED_PROXY_COUNT must be between 0 and 10.")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie ends with the browser session, as the session cookie does,
# instead of staying on a shared computer for a year.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "habeas.core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# A file part of a multipart POST never counts against DATA_UPLOAD_MAX_MEMORY_SIZE:
# past FILE_UPLOAD_MAX_MEMORY_SIZE it goes to a temporary file, and the form
# that receives it checks its size (actions' photos: ACTIONS_PHOTO_MAX_BYTES).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Nothing may come from another origin: no CDN, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Actions: report photos -------------------------------------------------

ACTIONS_PHOTO_MAX_BYTES = 15 * 1000 * 1000
ACTIONS_PHOTO_MAX_PIXELS = 40_000_000
# The public copy's long side, in pixels.
ACTIONS_PHOTO_MAX_SIDE = 2400
# How long an original kept on the uploader's request stays in the private storage.
try:
    ACTIONS_ORIGINAL_RETENTION = datetime.timedelta(
        days=int(os.environ.get("HABEAS_ACTIONS_ORIGINAL_RETENTION_DAYS", "") or "90")
    )
except ValueError as error:
    raise ImproperlyConfigured(
        "HABEAS_ACTIONS_ORIGINAL_RETENTION_DAYS must be a whole number of days."
    ) from error
if not datetime.timedelta(days=1) <= ACTIONS_ORIGINAL_RETENTION <= datetime.timedelta(days=3650):
    raise ImproperlyConfigured("HABEAS_ACTIONS_ORIGINAL_RETENTION_DAYS must be 1 to 3650.")

# --- Fund: pledges ----------------------------------------------------------

# How long a pledge waits for its confirmation link (then it is deleted);
# when its one reminder goes; when an unpaid pledge lapses and its address is
# erased. The last two count from confirmation.
FUND_PLEDGE_CONFIRM_WITHIN = datetime.timedelta(days=7)
FUND_PLEDGE_REMIND_AFTER = datetime.timedelta(days=14)
FUND_PLEDGE_EXPIRE_AFTER = datetime.timedelta(days=90)

# --- Logging --------------------------------------------------------------

# Log lines name views, users, tasks and records by id; never an address,
# an e-mail address or a token (habeas.core.logs). A refused request (4xx)
# is one line without a traceback, on Django's request and CSRF loggers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "filters": {"client_error": {"()": "habeas.core.logs.ClientErrorFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HABEAS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_error"]},
        "django.security.csrf": {"filters": ["client_error"]},
        # WeasyPrint and fontTools log every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
