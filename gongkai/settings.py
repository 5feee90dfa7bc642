"""Django settings for Gongkai, read from environment variables only.

Every setting that differs between a developer's machine and a deployment comes from the
environment; see the "Configuration" section of README.md for the list. Policy (deadline
rules, report templates, check rules) never lives here.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from gongkai.core import sealing, staticfiles

# Lets Django's generic classes be subscripted at run time (ModelAdmin[Item], Feed[Item, Agency] …), as the
# strict type check asks of our subclasses.
django_stubs_ext.monkeypatch()

# The repository root (the directory that holds manage.py and pyproject.toml).
BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return ``$NAME``, or the contents of the file named by ``$NAME_FILE``, or ``default``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Parse a boolean environment variable; anything but a clear yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------------

# GONGKAI_DEBUG wins over DEBUG so that a generic DEBUG variable set for another tool cannot
# switch this project into debug mode by accident. Off unless asked for.
DEBUG = env_bool("GONGKAI_DEBUG", default=env_bool("DEBUG", default=False))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off. "
            "For development set GONGKAI_DEBUG=true."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-gongkai-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",  # django-csp: the Content-Security-Policy header (its system checks)
    "gongkai.core",
    "gongkai.agencies",
    # Long work (docs/jobs.md): Django's tasks API (django-tasks) with the database backend, and our jobs.
    "django_tasks",
    "django_tasks_db",
    "gongkai.jobs",
    "gongkai.letters",
    "gongkai.workdays",
    "gongkai.applications",
    "gongkai.catalogue",
    "gongkai.checker",
    "gongkai.annual",
    "gongkai.stats",
    "gongkai.auditlog",
    "gongkai.office",
    "gongkai.monitoring",
    # Login failure lockout (django-axes) and two-factor login (django-otp), wired by gongkai.accounts.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "gongkai.accounts",
    "gongkai.demo",  # dev-only: `gongkai seed-demo` (refuses without GONGKAI_DEBUG)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app server (hashed names cached for a year): no nginx needed for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for readers without a session from the shared cache, never older than the last change.
    "gongkai.core.pagecache.PageCacheMiddleware",
    # Content-Security-Policy on every response that has none of its own (files set a sandbox policy).
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy (the browser features no page of Gongkai uses).
    "gongkai.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongkai.core.middleware.ChosenLanguageMiddleware",
    "gongkai.core.middleware.FormBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Every superuser request to a write view or the admin site goes to the audit log (三员分立).
    "gongkai.core.middleware.SuperuserAuditMiddleware",
    # Personal data this server cannot decrypt (a missing data key): 503 saying why, not a bare 500.
    "gongkai.core.middleware.SealingErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, the second factor where it is required, password expiry (gongkai.accounts).
    "gongkai.accounts.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out login attempt into the lockout page (gongkai.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.statute.context.statute_days",
                # The navigation bar: the links the user's roles open, and the unread notifications.
                "gongkai.office.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

_DEFAULT_SQLITE = BASE_DIR / "var" / "gongkai.sqlite3"
_database_url = env_str("DATABASE_URL")
if not _database_url:
    _DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    _database_url = f"sqlite:///{_DEFAULT_SQLITE}"

DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        # Production keeps each process's connection a minute (connecting cost 45 % of a page's time),
        # checked before reuse; DEBUG (the demo, runserver's threads) connects per request.
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
# PostgreSQL: the page cache's one query per hit and a session's read (gongkai.core.pagecache._fetch_one)
# are prepared statements, planned once per connection (gongkai.core.prepared, on a connection with a
# prepare_threshold: its value only says they are on; psycopg itself prepares only statements asked to, and
# Django's own cursors bind on the client and are never prepared). GONGKAI_PAGE_CACHE_PREPARED=false behind a
# connection pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "GONGKAI_PAGE_CACHE_PREPARED", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes share the embedded database (web workers, `gongkai worker`): every transaction takes
    # the write lock when it begins (BEGIN IMMEDIATE), so a writer waits its turn (up to `timeout` seconds)
    # instead of failing with "database is locked" when a read inside it turns into a write; WAL lets
    # readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("GONGKAI_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is made UTF8 from template0 (the catalogue stores and searches Chinese text).
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------

# axes first: it refuses a locked-out username or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password policy (等保 2.0 身份鉴别 a): length, character classes, no reuse, optional expiry.
GONGKAI_PASSWORD_MIN_LENGTH = env_int("GONGKAI_PASSWORD_MIN_LENGTH", 10)
# How many of the four classes (upper case, lower case, digit, symbol) a password must mix.
GONGKAI_PASSWORD_CHARACTER_CLASSES = env_int("GONGKAI_PASSWORD_CHARACTER_CLASSES", 3)
# A new password may not be any of the last N (their hashes are kept in accounts.PasswordHistory).
GONGKAI_PASSWORD_HISTORY = env_int("GONGKAI_PASSWORD_HISTORY", 5)
# Days after which a password must be changed at the next request; 0 = never.
GONGKAI_PASSWORD_MAX_AGE_DAYS = env_int("GONGKAI_PASSWORD_MAX_AGE_DAYS", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "gongkai.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": GONGKAI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "gongkai.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": GONGKAI_PASSWORD_CHARACTER_CLASSES},
    },
    {
        "NAME": "gongkai.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"history": GONGKAI_PASSWORD_HISTORY},
    },
]

# Login failures (django-axes, counted in the database): GONGKAI_LOGIN_FAILURE_LIMIT failures of one
# username, or from one address, lock it for GONGKAI_LOGIN_LOCK_MINUTES, on /accounts/login/ and
# /admin/login/ alike. The address is the one the rate limits read (GONGKAI_TRUSTED_PROXY_COUNT).
GONGKAI_LOGIN_FAILURE_LIMIT = env_int("GONGKAI_LOGIN_FAILURE_LIMIT", 5)
GONGKAI_LOGIN_LOCK_MINUTES = env_int("GONGKAI_LOGIN_LOCK_MINUTES", 15)
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = GONGKAI_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=GONGKAI_LOGIN_LOCK_MINUTES)
# Off: only the username is locked (an office behind one NAT address); on (default): the address too.
GONGKAI_LOGIN_LOCK_BY_ADDRESS = env_bool("GONGKAI_LOGIN_LOCK_BY_ADDRESS", default=True)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if GONGKAI_LOGIN_LOCK_BY_ADDRESS else ["username"]
# The address the rate limits read, when it is one: a request with none (a unix-socket server with no proxy
# count set, a session opened in code) is locked by username only, never stored as an invalid address.
AXES_CLIENT_IP_CALLABLE = "gongkai.accounts.lockout.client_ip"
# Successful logins are in the audit log (auth.login, kept and archived under its retention rule); axes' own
# access log would keep every address forever outside it.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "gongkai.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Attempts during a lock are refused without being counted: the lock ends a fixed time after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Unlocking goes through audited paths only (the office's member page, `gongkai unlock`).
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Two-factor login (django-otp): required of superusers, admin-site staff and every role that can reveal
# applicants' personal data. On unless DEBUG (the demo) — set it explicitly either way.
GONGKAI_REQUIRE_2FA = env_bool("GONGKAI_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env_str("GONGKAI_OTP_ISSUER", "Gongkai")

# Sessions: ended after GONGKAI_SESSION_IDLE_MINUTES without a request, and GONGKAI_SESSION_MAX_HOURS
# after login whatever happens.
GONGKAI_SESSION_IDLE_MINUTES = env_int("GONGKAI_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("GONGKAI_SESSION_MAX_HOURS", 12) * 3600
# Django's database sessions, the session's row read with one statement that is also the connection's health
# check (gongkai.accounts.session_store: every signed-in request reads it first).
SESSION_ENGINE = "gongkai.accounts.session_store"
LOGIN_URL = "login"
# After login everyone lands on their to-do list (工作台).
LOGIN_REDIRECT_URL = "office:workbench"
LOGOUT_REDIRECT_URL = "/"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gongkai" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
# Production: `gongkai collectstatic` writes each file under a name carrying its content's hash (with .gz and
# .br copies), and whitenoise serves those with `Cache-Control: max-age=31536000, immutable`. DEBUG (and the
# test settings) read the apps' static folders directly and need no collectstatic.
_STATICFILES_STORAGE = {
    "BACKEND": (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
}
# Static responses leave before the CSP middleware: they get the sandboxing policy of files.
WHITENOISE_ADD_HEADERS_FUNCTION = staticfiles.add_headers
# No other site loads these files: no "Access-Control-Allow-Origin: *" (whitenoise's default).
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --- Files (docs/deployment.md, "Files") --------------------------------------------------------

# Where uploaded files and issued letters are kept: "database" (the default: one table, shared by every
# host through the database) or "s3" (any S3-compatible object store; a private bucket). Moving the files
# from one to the other: `gongkai files move --to database|s3`. Files are only ever sent through the
# permission-checked views, never by a bucket URL.
GONGKAI_FILE_STORAGE = env_str("GONGKAI_FILE_STORAGE", "database").strip().lower()
if GONGKAI_FILE_STORAGE not in ("database", "s3"):
    raise ImproperlyConfigured(
        f"GONGKAI_FILE_STORAGE={GONGKAI_FILE_STORAGE!r}: use 'database' (files in the database) or 's3' "
        "(an S3-compatible object store, with GONGKAI_S3_BUCKET)."
    )
GONGKAI_S3_BUCKET = env_str("GONGKAI_S3_BUCKET")
GONGKAI_S3_ENDPOINT_URL = env_str("GONGKAI_S3_ENDPOINT_URL")
GONGKAI_S3_REGION = env_str("GONGKAI_S3_REGION")
if GONGKAI_FILE_STORAGE == "s3" and not GONGKAI_S3_BUCKET:
    raise ImproperlyConfigured("GONGKAI_FILE_STORAGE=s3 needs GONGKAI_S3_BUCKET (the private bucket's name).")


def s3_storage(
    bucket: str, endpoint_url: str, region: str, access_key: str, secret_key: str
) -> dict[str, Any]:
    """The ``STORAGES`` entry of an S3-compatible object store (django-storages' ``S3Storage``)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            # Never replace an object: a name is written once (names are random uuids).
            "file_overwrite": False,
            # No ACL header: objects stay as private as the bucket (which must block public access).
            "default_acl": None,
            # url() is never used to serve a file; were it called, it would be a short signed URL.
            "querystring_auth": True,
            "querystring_expire": 60,
            # S3-compatible stores on a host name or address of their own want path-style requests.
            "addressing_style": "path" if endpoint_url else None,
            "signature_version": "s3v4",
        },
    }


_FILE_STORAGES: dict[str, dict[str, Any]] = {"database": {"BACKEND": "gongkai.core.storage.DatabaseStorage"}}
if GONGKAI_S3_BUCKET:
    _FILE_STORAGES["s3"] = s3_storage(
        GONGKAI_S3_BUCKET,
        GONGKAI_S3_ENDPOINT_URL,
        GONGKAI_S3_REGION,
        env_str("GONGKAI_S3_ACCESS_KEY_ID"),
        env_str("GONGKAI_S3_SECRET_ACCESS_KEY"),
    )
STORAGES = {
    "default": _FILE_STORAGES[GONGKAI_FILE_STORAGE],
    **_FILE_STORAGES,
    "staticfiles": _STATICFILES_STORAGE,  # whitenoise's hashed names in production (above)
}

# --- Uploads --------------------------------------------------------------------------------

# Files larger than this are streamed to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB (Django's default, stated explicitly)
# Request bodies other than file uploads (form fields); file contents do not count here.
# Form fields other than files (pasted report text): up to 10 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The checker form limits reports to 20 and the supervisor's bulk import to 300 (each with a clear
# message); this bound only stops requests beyond those, before any form sees them.
DATA_UPLOAD_MAX_NUMBER_FILES = 310
# Upper bound for one file uploaded to the annual-report checker.
GONGKAI_CHECK_MAX_UPLOAD_BYTES = env_int("GONGKAI_CHECK_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# --- Personal data at rest (docs/administration.md, "Personal data") ------------------------

# Applicants' identity numbers, phones, e-mails and addresses are stored encrypted (AES-256-GCM) with keys
# kept outside the database: GONGKAI_DATA_KEYS (or GONGKAI_DATA_KEYS_FILE) = "id:base64key,id2:base64key2"
# (32-byte keys, `gongkai pii new-key`); the first seals, all open (rotation: `gongkai pii rekey`).
GONGKAI_DATA_KEYS = env_str("GONGKAI_DATA_KEYS")
if not GONGKAI_DATA_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "GONGKAI_DATA_KEYS (or GONGKAI_DATA_KEYS_FILE) must be set when DEBUG is off: the key that "
            "encrypts applicants' personal data, e.g. GONGKAI_DATA_KEYS=k1:<base64 of 32 random bytes> "
            "(make one with `gongkai pii new-key`; keep it outside the database and its backups). "
            "For development set GONGKAI_DEBUG=true."
        )
    # Development only (a fixed, public key): never used when DEBUG is off.
    GONGKAI_DATA_KEYS = "dev:ZGV2ZWxvcG1lbnQtb25seS1nb25na2FpLWRhdGEta2U="
# The key of the exact-match digests of identity numbers (base64, 32 bytes). Empty: derived from the first
# data key (the digests are then recomputed by `gongkai pii rekey` after a rotation).
GONGKAI_LOOKUP_KEY = env_str("GONGKAI_LOOKUP_KEY")
try:
    sealing.parse_keys(GONGKAI_DATA_KEYS)
    if GONGKAI_LOOKUP_KEY:
        sealing.parse_lookup_key(GONGKAI_LOOKUP_KEY)
except sealing.KeySpecError as exc:
    raise ImproperlyConfigured(
        f"GONGKAI_DATA_KEYS / GONGKAI_LOOKUP_KEY cannot be read: {exc}. "
        "Expected id:base64key[,id2:base64key2] "
        "with 32-byte keys (`gongkai pii new-key` makes one)."
    ) from exc
# Closed cases' personal data is erased this many days after the case closed (`gongkai pii purge`, run
# daily by a timer). 0: kept (off). Set it to the agency's 档案 retention period for these records.
GONGKAI_PERSONAL_DATA_RETENTION_DAYS = env_int("GONGKAI_PERSONAL_DATA_RETENTION_DAYS", 0)

# --- Links in e-mails ----------------------------------------------------------------------

# The site's address as users reach it (e.g. https://gk.example.org), for links in e-mails sent by
# commands that have no request (gongkai remind). Empty: the e-mails give paths only.
GONGKAI_SITE_URL = env_str("GONGKAI_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# --- Applications: letters and reminders (issue 13) ------------------------------------------

# A case's letters are numbered and recorded in the step's transaction; their .docx is made after the request
# by the job applications.render_letter. True: made in the request as before (no worker needed; slower).
GONGKAI_LETTERS_INLINE = env_bool("GONGKAI_LETTERS_INLINE", default=False)
# When the worker sends the daily deadline reminders (scheduled job applications.remind), HH:MM local time.
GONGKAI_REMIND_AT = env_str("GONGKAI_REMIND_AT", "07:30")

# --- Jobs: long work on a task queue (docs/jobs.md) ------------------------------------------

# The task engine: "database" (django-tasks-db; the default, on SQLite and PostgreSQL alike: any number of
# `gongkai worker` processes on any number of hosts, no broker), "rq" (django-tasks-rq on Redis, for very
# large sites: GONGKAI_REDIS_URL), or "immediate" (each job runs in the request that starts it, after its
# transaction commits: no worker needed, for trials only).
GONGKAI_TASKS_BACKEND = env_str("GONGKAI_TASKS_BACKEND", "database")
GONGKAI_REDIS_URL = env_str("GONGKAI_REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if GONGKAI_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"GONGKAI_TASKS_BACKEND={GONGKAI_TASKS_BACKEND!r}: expected one of {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[GONGKAI_TASKS_BACKEND], "QUEUES": ["default"]}}
if GONGKAI_TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": GONGKAI_REDIS_URL, "DEFAULT_TIMEOUT": 24 * 3600}}
# A job whose worker has not been heard of for this long is taken to be dead: queued again, up to
# GONGKAI_JOB_MAX_ATTEMPTS attempts in all, then failed. A worker process of the same host that is gone is
# noticed at once. Running workers report every GONGKAI_JOB_HEARTBEAT_SECONDS.
GONGKAI_JOB_STALE_SECONDS = env_int("GONGKAI_JOB_STALE_SECONDS", 120)
GONGKAI_JOB_HEARTBEAT_SECONDS = env_int("GONGKAI_JOB_HEARTBEAT_SECONDS", 15)
GONGKAI_JOB_MAX_ATTEMPTS = env_int("GONGKAI_JOB_MAX_ATTEMPTS", 3)
# --- Fetching published reports (the monitoring; the checker's URL input) -------------------

# Addresses on loopback, private or link-local networks are refused unless this is on (the SSRF guard of
# gongkai.documents.fetch; the tests turn it on for their local test site). The User-Agent names Gongkai
# and GONGKAI_SITE_URL.
GONGKAI_FETCH_ALLOW_PRIVATE = env_bool("GONGKAI_FETCH_ALLOW_PRIVATE", default=False)
# The monitoring's politeness: seconds between two requests to one host, and the timeout of each.
GONGKAI_FETCH_MIN_INTERVAL = float(env_str("GONGKAI_FETCH_MIN_INTERVAL", "1.0"))
GONGKAI_FETCH_TIMEOUT = float(env_str("GONGKAI_FETCH_TIMEOUT", "15"))
# The monitoring retries a timeout, a refused connection or a 5xx this many times, waiting BACKOFF, 2×, 4×…
# seconds (the checker page does not retry: its user is waiting).
GONGKAI_FETCH_RETRIES = env_int("GONGKAI_FETCH_RETRIES", 2)
GONGKAI_FETCH_BACKOFF = float(env_str("GONGKAI_FETCH_BACKOFF", "2.0"))
# A monitoring run fetches and reads this many agencies at once (one thread each; the politeness per host is
# shared), so one agency's wait for its host's turn overlaps another's work. 1: one at a time, no thread.
GONGKAI_MONITOR_CONCURRENCY = env_int("GONGKAI_MONITOR_CONCURRENCY", 4)

# --- Cache ----------------------------------------------------------------------------------

# Shared by every worker process and host: by default tables in the database (created by migrations), so a
# cache entry dropped by one process is gone for all and no process serves stale counts; with
# GONGKAI_CACHE_URL (redis://host:6379/1) a Redis server instead (docs/deployment.md, "Page cache").
GONGKAI_CACHE_URL = env_str("GONGKAI_CACHE_URL")
if GONGKAI_CACHE_URL and not GONGKAI_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"GONGKAI_CACHE_URL={GONGKAI_CACHE_URL!r}: expected a Redis address, redis://host:6379/1 "
        "(or rediss:// with TLS, unix:// for a socket); leave it empty for the database cache."
    )


def _cache(table: str, prefix: str, max_entries: int) -> dict[str, Any]:
    if GONGKAI_CACHE_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": GONGKAI_CACHE_URL,
            "KEY_PREFIX": prefix,
            "TIMEOUT": 300,
        }
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": _cache("gongkai_cache", "gongkai", 20_000),
    # Whole public pages (gongkai.core.pagecache), apart so that they never push the counts out. In the
    # database: rows of core.StoredPage (gongkai.core.pagestore: the page's bytes as sent, no base64/pickle
    # to decode at every hit), not Django's database cache.
    # The officer queue's fragments (gongkai.applications.queue_cache): they name applicants, so they are
    # kept apart, sealed with the data key, for 5 minutes at most, expired rows deleted at each write and
    # the whole cache emptied when personal data are erased.
    "queue": _cache("gongkai_queue_cache", "gongkai-queue", 5_000),
    "pages": _cache("gongkai_page_cache", "gongkai-pages", 50_000)
    if GONGKAI_CACHE_URL
    else {
        "BACKEND": "gongkai.core.pagestore.StoredPageCache",
        "LOCATION": "core_storedpage",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}

# The page cache (gongkai.core.pagecache, docs/deployment.md): public pages for readers without a session,
# keyed by the version every published change bumps in its own transaction (never stale). Off: the pages
# are made for every request (still with ETag / Last-Modified / Cache-Control).
GONGKAI_PAGE_CACHE = env_bool("GONGKAI_PAGE_CACHE", default=True)
GONGKAI_PAGE_CACHE_ALIAS = "pages"
# Which paths are public pages (regular expressions on the path), and which of them are not to be kept:
# the statistics of applications change with every case (no version bump) and name today's figures; files;
# the report style sheet (the same bytes always, no database).
GONGKAI_PAGE_CACHE_PATHS = [r"^/gk/", r"^/$"]
GONGKAI_PAGE_CACHE_EXCLUDE = [r"^/gk/[^/]+/statistics/", r"/files/\d+/$", r"^/gk/report\.css$"]
# How long a stored page is kept at most (a newer version makes it unreachable at once anyway).
GONGKAI_PAGE_CACHE_SECONDS = env_int("GONGKAI_PAGE_CACHE_SECONDS", 600)
# The officer queue's rows, count and filter form from the cache (gongkai.applications.queue_cache,
# D52): per user, keyed by a version that database triggers bump with every write of the cases,
# approvals, agencies, memberships and calendar (never stale). Off: made for every request.
GONGKAI_QUEUE_CACHE = env_bool("GONGKAI_QUEUE_CACHE", default=True)
GONGKAI_QUEUE_CACHE_ALIAS = "queue"
# Cache-Control for browsers and a proxy in front (nginx): a page there is at most MAX_AGE + STALE seconds
# older than the last change. 0 and 0: no copy outside Gongkai (every request revalidated here).
GONGKAI_PAGE_MAX_AGE = env_int("GONGKAI_PAGE_MAX_AGE", 1)
GONGKAI_PAGE_STALE_SECONDS = env_int("GONGKAI_PAGE_STALE_SECONDS", 1)

# --- Audit log (安全审计) ----------------------------------------------------------------------

# Days the audit log is kept in the database; `gongkai audit archive` moves older events to a signed file.
# 网络安全法 第二十一条: network logs are kept for no less than six months, so less than 180 is refused.
GONGKAI_AUDIT_MIN_RETENTION_DAYS = 180
GONGKAI_AUDIT_RETENTION_DAYS = env_int("GONGKAI_AUDIT_RETENTION_DAYS", 365)
if GONGKAI_AUDIT_RETENTION_DAYS < GONGKAI_AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"GONGKAI_AUDIT_RETENTION_DAYS={GONGKAI_AUDIT_RETENTION_DAYS} is too short: audit logs are kept "
        f"at least {GONGKAI_AUDIT_MIN_RETENTION_DAYS} days (网络安全法 第二十一条, six months). "
        f"审计日志至少保存 {GONGKAI_AUDIT_MIN_RETENTION_DAYS} 天（《网络安全法》第二十一条：不少于六个月）。"
    )
# The key that signs archive files (HMAC-SHA256); empty: one derived from SECRET_KEY (then keep SECRET_KEY
# to verify old archives). Set it (or GONGKAI_AUDIT_ARCHIVE_KEY_FILE) in production.
GONGKAI_AUDIT_ARCHIVE_KEY = env_str("GONGKAI_AUDIT_ARCHIVE_KEY")
# Where `gongkai audit archive` writes its files (keep them on storage backed up outside the database).
GONGKAI_AUDIT_ARCHIVE_DIR = Path(env_str("GONGKAI_AUDIT_ARCHIVE_DIR") or BASE_DIR / "var" / "audit-archive")

# --- Client addresses ---------------------------------------------------------------------

# Number of reverse proxies in front of the site: rate limits then read the client's address from
# X-Forwarded-For (the entry the outermost trusted proxy wrote). 0: use REMOTE_ADDR.
GONGKAI_TRUSTED_PROXY_COUNT = env_int("GONGKAI_TRUSTED_PROXY_COUNT", 0)

# --- Rate limits (counted in the database; docs/applications.md, checker.md, annual-report.md) ---

# Status lookup: wrong secrets an hour per tracking code (the code is then locked for the hour) and
# failures an hour per client address (much higher: applicants behind one NAT share it).
GONGKAI_LOOKUP_FAILURES_PER_CODE = env_int("GONGKAI_LOOKUP_FAILURES_PER_CODE", 10)
GONGKAI_LOOKUP_FAILURES_PER_ADDRESS = env_int("GONGKAI_LOOKUP_FAILURES_PER_ADDRESS", 100)
# The public checker: files (and pasted texts) checked an hour per client address.
GONGKAI_CHECK_FILES_PER_HOUR = env_int("GONGKAI_CHECK_FILES_PER_HOUR", 60)
# Imports an hour per user: the officer's previous-report import, the supervisor's bulk-import uploads.
GONGKAI_PREVIOUS_IMPORTS_PER_HOUR = env_int("GONGKAI_PREVIOUS_IMPORTS_PER_HOUR", 20)
GONGKAI_BULK_IMPORTS_PER_HOUR = env_int("GONGKAI_BULK_IMPORTS_PER_HOUR", 10)

# --- E-mail (gongkai remind) ----------------------------------------------------------------

# In development mails are printed to the console unless EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gongkai@localhost")

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Frame denial twice: X-Frame-Options for old browsers, CSP frame-ancestors for the others.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4). Gongkai runs no script of its own and no inline style: every
# style is a static file (the annual report's print style sheet is served at /gk/report.css). Django's
# admin loads its scripts from static files and passes data in data-* attributes, so it works under the
# same policy. Files (attachments, exports) get a stricter one of their own (gongkai.core.responses).
# Nothing beyond 'self': the QR code of the two-factor setup is inline SVG in the page (no data: URI).
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Permissions-Policy (gongkai.core.middleware.PermissionsPolicyMiddleware): no page uses any of these.
PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Transport. Behind a TLS-terminating proxy set GONGKAI_BEHIND_TLS_PROXY (trust its X-Forwarded-Proto)
# and GONGKAI_SSL_REDIRECT; either declares that the site is reached over TLS, and HSTS then defaults to
# one year (GONGKAI_HSTS_SECONDS=0 turns it off). See docs/deployment.md.
BEHIND_TLS_PROXY = env_bool("GONGKAI_BEHIND_TLS_PROXY", default=False)
SSL_REDIRECT = env_bool("GONGKAI_SSL_REDIRECT", default=False)
HSTS_ONE_YEAR = 365 * 24 * 60 * 60
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = SSL_REDIRECT
    # A load balancer or monitor asks a web host itself, over plain HTTP: /healthz/ answers it there.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env_int(
        "GONGKAI_HSTS_SECONDS", HSTS_ONE_YEAR if BEHIND_TLS_PROXY or SSL_REDIRECT else 0
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GONGKAI_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("GONGKAI_HSTS_PRELOAD", default=False)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Joining the browsers' HSTS preload list is the decision of whoever owns the registrable domain
    # (an agency's gov.cn domain), not of this application, which usually runs on a subdomain of it:
    # Django's reminder about it (security.W021) is silenced unless GONGKAI_HSTS_PRELOAD is on.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}
