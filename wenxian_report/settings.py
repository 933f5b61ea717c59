"""Settings for the petition bureau's ledgers and annual report.

Everything that differs between a clerk's laptop, CI and a production server comes from the
environment, read through the three helpers below. Defaults are for local development.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (container secrets)."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = envsecret("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else None)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is false")
ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "cases.adminsite.WorkbenchAdminConfig",  # django.contrib.admin with the workbench's menu
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "wenxian_report.apps.StaticFiles",  # django.contrib.staticfiles without unused vendored files
    "import_export",
    "axes",
    "csp",
    "django_prose_editor",  # the whole-document editor's vendored Tiptap (static files only)
    "accounts",
    "cases",
    "indicators",
    "reports",
    "notices",
    "django_tasks",
    "django_tasks_db",
]
# The developers' tools (synthetic and demo data, benchmarks): there while developing and testing,
# absent from a production server unless asked for (e.g. DEVTOOLS=true manage.py bench_case_list).
DEVTOOLS = envbool("DEVTOOLS", "true" if DEBUG else "false")
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so that static files (the admin's SVG icons among them) carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes an idle session's expiry forward every few minutes instead of saving it every request.
    "accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required (the public report).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Every request acts within its user's bureau or unit: scoped queries see nothing else.
    "cases.middleware.ScopeMiddleware",
    # A responsible unit's officer opening the site's root is sent to their desk (/unit/).
    "cases.desk.middleware.UnitDeskMiddleware",
    # A clerk opening the site's root (where login sends everyone) is sent to the case list.
    "cases.landing.ClerkLandingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wenxian_report.urls"
WSGI_APPLICATION = "wenxian_report.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one clerk writes; IMMEDIATE takes the write lock at the start of
    # a transaction, so two writers queue on the busy timeout instead of failing with
    # "database is locked" when one of them upgrades a read lock mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", "30"),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.getenv("SQLITE_TEST_NAME") or None}

# Background work (cases.jobs): Django 6's tasks API through the django-tasks backport, its queue a
# table in the same database (django-tasks-db), run by `manage.py db_worker` (`make run` starts
# one beside runserver; docs/deploy.md has its systemd unit). No broker. TASKS_BACKEND=
# django_tasks.backends.immediate.ImmediateBackend runs every job inside the request instead.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Ledger exports of more rows than this are made by the worker (cases/ledgers/admin.py): 20,000
# case rows take about 1.3 s on a small shared machine, more would keep the request for seconds
# (docs/benchmarks.md, "Background jobs").
LEDGER_EXPORT_BACKGROUND_ROWS = envint("LEDGER_EXPORT_BACKGROUND_ROWS", "20000")
# Uploads of more rows than this are checked, and once confirmed written, by the worker
# (cases.jobs.imports): the importer writes about 1,500 case rows a second (docs/benchmarks.md),
# so 5,000 rows take ~3 s.
LEDGER_IMPORT_BACKGROUND_ROWS = envint("LEDGER_IMPORT_BACKGROUND_ROWS", "5000")
# Where uploads wait for their confirmation (cases.ledgers.kept), shared by the web and worker
# processes; empty: `wenxian-ledger-imports` in the system's temporary folder.
LEDGER_IMPORT_KEPT_DIR = os.getenv("LEDGER_IMPORT_KEPT_DIR", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The dashboard's cache must be shared by every process serving the site (its invalidation is a
# version number kept in the cache), so the default is a table in the database; set
# CACHE_BACKEND/CACHE_LOCATION to Redis for a city or province (docs/deploy.md).
CACHES = {
    "default": {
        "BACKEND": os.getenv("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": os.getenv("CACHE_LOCATION", "wenxian_cache"),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures lock one user name *from one address* for a cool-off, so a
# whole office behind one NAT address is not locked out by one colleague's typos; and one address
# is refused for the cool-off after LOGIN_FAILURES_PER_ADDRESS failures over all user names
# (password spraying). Axes has one limit for all its lockout parameters, so the second one is
# its callable limit in accounts/throttle.py (why there: its docstring).
LOGIN_FAILURES_PER_NAME = envint("AXES_FAILURE_LIMIT", "5")
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "30")
AXES_FAILURE_LIMIT = "accounts.throttle.failure_limit"
AXES_USERNAME_CALLABLE = "accounts.throttle.username"  # cut to the length axes can store
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client's address (axes 8 asks django-ipware, with the AXES_IPWARE_* settings below).
# TRUSTED_PROXY_COUNT=0: the connection's own address; X-Forwarded-For is ignored, as any client
# can send it. Behind N proxies (nginx: X-Forwarded-For $proxy_add_x_forwarded_for) the client is
# the N-th address of X-Forwarded-For from the right: each proxy appends the address the request
# came from, after whatever the client sent. ipware counts only the proxies *listed* in the header
# ("client, proxy1, …"; the last proxy is the connection, not in it), hence N − 1; not strict, so
# entries a client forged on the left neither move the position nor void the header; and no
# REMOTE_ADDR fallback, which would be the proxy's own address shared by every client.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT > 0 else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"] if TRUSTED_PROXY_COUNT > 0 else ["REMOTE_ADDR"]
IPWARE_STRICT = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments (scanned letters, replies, 处理意见书) are personal data: kept outside any public
# URL, in a folder only the service user reads, served only through the permission-checked view
# (cases/attachments/views.py). ATTACHMENTS_STORAGE names another storage backend (e.g.
# django-storages' S3 storage for an S3-compatible store, its options from the environment as
# that package documents); docs/deploy.md, "Attachments".
ATTACHMENTS_ROOT = Path(os.getenv("ATTACHMENTS_ROOT", BASE_DIR / "data" / "attachments"))
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
# Files the background jobs made (exports, reports): private like attachments, served only through
# the permission-checked download of the job (cases/jobs/views.py).
JOBS_ROOT = Path(os.getenv("JOBS_ROOT", BASE_DIR / "data" / "jobs"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "jobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(JOBS_ROOT), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "attachments": {
        "BACKEND": os.getenv("ATTACHMENTS_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {
            "location": str(ATTACHMENTS_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        }
        if "ATTACHMENTS_STORAGE" not in os.environ
        else {},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions end when the browser closes and after two idle hours: clerks share office machines.
# A session in use is saved (its expiry pushed forward) once every SESSION_REFRESH_SECONDS, not on
# every request, so that pages do not queue behind an import for SQLite's write lock
# (accounts/middleware.py): the idle timeout is between 1 h 55 min and 2 h.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", "7200")
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", "300")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this site only, no inline script, no eval,
# no plugins, no framing. Nothing in the product is inline: pages take their data from data-*
# attributes, the charts are SVG with presentation attributes, the admin's and select2's scripts
# style elements through the CSSOM (which CSP allows). The one inline <style> is in the report's
# HTML export, a download opened from disk, outside any policy. Offline intranet: no other host.
# tests/test_csp.py pins the header; tests/browser/test_csp.py walks the pages in Chromium.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # Nothing here frames a page (the admin's related-object popups are windows), so framing is
        # refused outright, as X_FRAME_OPTIONS already says for older browsers.
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production is served over HTTPS (nginx in front, docs/deploy.md). HTTPS=false is only for a
# server reached over plain HTTP on loopback (the load test); check --deploy then warns.
if not DEBUG and envbool("HTTPS", "true"):
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Uploaded ledgers are read in memory up to this size; the importer refuses larger files itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(30 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Excel ledgers: the file as uploaded, and what its zip may unpack to (zip bombs are refused).
LEDGER_IMPORT_MAX_BYTES = envint("LEDGER_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
LEDGER_IMPORT_MAX_UNZIPPED_BYTES = envint("LEDGER_IMPORT_MAX_UNZIPPED_BYTES", str(400 * 1024 * 1024))
# The shared strings (every distinct text of the workbook) are held in memory while the sheet is
# read, so their number and total length are capped too (the unzipped limit alone let 389 MB of
# padded strings grow a worker to 4.2 GB). A 100,000-row ledger saved by Excel or WPS has at most a
# few hundred thousand distinct texts and, at a few hundred characters of 简要情况 a row, some
# tens of millions of characters. At both caps (1,000,000 strings of 100 random Chinese characters)
# reading them raised a worker's peak memory by 290 MB (7.6 s), within the importer's 500 MB budget.
LEDGER_IMPORT_MAX_SHARED_STRINGS = envint("LEDGER_IMPORT_MAX_SHARED_STRINGS", "1000000")
LEDGER_IMPORT_MAX_SHARED_CHARS = envint("LEDGER_IMPORT_MAX_SHARED_CHARS", "100000000")
# A sheet whose XML unpacks to at least this many bytes (about 2,800 case rows) is read by a
# forked second process while the import checks and writes (cases.ledgers.readahead); 0: never.
LEDGER_IMPORT_READ_AHEAD_BYTES = envint("LEDGER_IMPORT_READ_AHEAD_BYTES", str(4 * 1024 * 1024))

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
