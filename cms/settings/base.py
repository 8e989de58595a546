"""Settings shared by every profile; profiles override only what differs."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "ksf.apps.KsfConfig",
    "competencies.apps.CompetenciesConfig",
    "fellowships.apps.FellowshipsConfig",
    "exports.apps.ExportsConfig",
    "cms.apps.CmsConfig",
    "wagtailnhsukfrontend",
    "wagtailnhsukfrontend.forms",
    "wagtailnhsukfrontend.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cms.middleware.PrivatePagesMiddleware",
    "cms.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.middleware.BusyDatabaseMiddleware",  # a lock wait that ran out: 503, nothing saved
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.csp.PlatformCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with our page
]

# Content-Security-Policy (django-csp): every script, style, image and font from this site
# only; the portal's inline scripts carry a per-request nonce (see cms/csp.py for the admin).
# CSP_REPORT_URI sends violation reports to an address the operator watches. Pages need no
# other host: the design system's web fonts (Frutiger, from assets.nhs.uk) are left out and
# Arial is used at once. NHSUK_FONT_HOST=https://assets.nhs.uk brings them back (and lets the
# policy load fonts from there) where that host is reachable and wanted (cms/stylesheet.py).
NHSUK_FONT_HOST = os.environ.get("NHSUK_FONT_HOST", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:", *([NHSUK_FONT_HOST] if NHSUK_FONT_HOST else [])],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        **(
            {"report-uri": os.environ["CSP_REPORT_URI"]} if os.environ.get("CSP_REPORT_URI") else {}
        ),
    }
}

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# SQLite under concurrent use (several web workers and a task worker share one file): WAL lets
# readers and a writer work at once; IMMEDIATE takes the write lock when a transaction starts,
# so a transaction that reads and then writes waits its turn (up to the timeout) instead of
# failing at once with "database is locked" when another writer holds the lock.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

# wagtail-nhsuk-frontend's settings models rely on the implicit AutoField.
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after a working day without activity (cms.middleware.SessionIdleMiddleware
# renews the clock while someone is using the portal).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(8 * 60 * 60)))

# Sign-in throttling (django-axes), on the portal and the admin alike: after
# AXES_FAILURE_LIMIT wrong passwords for one account from one address, signing in as it from
# there pauses for AXES_COOLOFF_TIME. Attempts are logged (axes' AccessAttempt and
# AccessFailureLog tables); `manage.py axes_reset_username NAME` lifts a lock early. Behind a
# proxy, set AXES_IPWARE_PROXY_COUNT so the real client address is used.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
# Every user-facing string goes through gettext; a Welsh catalogue (cy) added under an app's
# locale/ folder is picked up from the browser's language without a code change.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cms.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads: imports are small spreadsheets; refuse anything bigger early.
# Every text box in the portal holds at most this many characters (the browser stops typing
# there; the form refuses more); a request larger than DATA_UPLOAD_MAX_MEMORY_SIZE gets a 413
# page that says so.
PORTAL_TEXT_MAX_CHARS = 20_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = 5 * 1024 * 1024
# Upload limits for every import (CSV/XLSX), checked before a file is parsed.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_CELL_CHARS = 10_000
IMPORT_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # what a workbook expands to when opened
IMPORT_MAX_REPORTED = 200  # problems listed on the page; the rest are counted
# Activity extracts are read streaming, so their limits are far larger than other imports'.
ACTIVITY_IMPORT_MAX_BYTES = int(os.environ.get("ACTIVITY_IMPORT_MAX_BYTES", 500 * 1024 * 1024))
ACTIVITY_IMPORT_MAX_ROWS = int(os.environ.get("ACTIVITY_IMPORT_MAX_ROWS", "2000000"))
# The key of the hash that patient and episode keys are stored as (derived from SECRET_KEY
# when unset). Changing it breaks the link between episodes imported before and after.
ACTIVITY_PSEUDONYM_KEY = os.environ.get("ACTIVITY_PSEUDONYM_KEY", "")
# The share of the demo's everyday (unmapped) contacts that seed_demo writes. Every contact
# behind a flag or an outcome is always written; the test profile keeps a tenth of the rest so
# the many tests that seed the demo stay quick (tests/activity/test_demo_activity.py seeds the
# full year).
DEMO_ACTIVITY_EVERYDAY_SHARE = float(os.environ.get("DEMO_ACTIVITY_EVERYDAY_SHARE", "1"))

# Evidence files are kept out of MEDIA_ROOT and served only through a permission check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# The Ed25519 keys that sign fellowship credentials: outside the database (and its dumps),
# backed up on their own; rotate with `manage.py rotate_credential_key`.
FELLOWSHIP_CREDENTIAL_KEY_DIR = Path(
    os.environ.get("FELLOWSHIP_CREDENTIAL_KEY_DIR", BASE_DIR / "var" / "credential-keys")
)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@ksf.localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

WAGTAIL_SITE_NAME = "Therapy skills and development"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: it would send a hash of each user's email to another host.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite's full-text query syntax fails on ordinary input ("a@b", quotes, "=SUM(A1)");
    # the plain database backend matches words with parameterised LIKE and never fails.
    # PostgreSQL keeps its full-text search.
    WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "modelsearch.backends.database.fallback"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PASSWORD_RESET_ENABLED = True

PORTAL_NAME = "Therapy skills and development"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Frameworks are published only by approving them in the moderation workflow.
WAGTAIL_FINISH_WORKFLOW_ACTION = "competencies.frameworks.workflows.publish_approved"
