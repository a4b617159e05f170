"""Settings for Jiaoyan, read from the environment through small typed helpers.

The embedded default (no environment at all) is SQLite under var/ with a secret key generated
into var/ on first start, so a newcomer needs no configuration. Production sets JIAOYAN_DATABASE_URL
and JIAOYAN_SECRET_KEY and turns JIAOYAN_DEBUG off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JIAOYAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    """Use the environment's key, else one generated once into var/ and kept there."""
    from_env = os.environ.get("JIAOYAN_SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database(url: str) -> dict[str, object]:
    """Parse sqlite:///path or postgres://user:pass@host:port/name into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        name = Path(path[1:]) if path.startswith("//") else Path(path.lstrip("/"))
        if not name.is_absolute():
            name = BASE_DIR / name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            # WAL lets the worker and the web process read while one writes.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                        "transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")} if envbool("JIAOYAN_TEST_SQLITE_FILE", False) else {},
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("JIAOYAN_DB_CONN_MAX_AGE", 60),
            # No JIT compilation: the planner's cost estimates for the org-path and Exists joins
            # of province-scale queries pass jit_above_cost, and compiling took 412 of a 430 ms
            # query that runs in 17 ms without it (EXPLAIN ANALYZE of TEACHER.ARCHIVE for a
            # county of the province seed). Pages and refreshes are many short queries, which JIT
            # does not pay for. JIAOYAN_DB_JIT=on restores the server's default.
            "OPTIONS": {} if envbool("JIAOYAN_DB_JIT", False) else {"options": "-c jit=off"},
        }
    raise ValueError(f"JIAOYAN_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


SECRET_KEY = _secret_key()
DEBUG = envbool("JIAOYAN_DEBUG", False)
ALLOWED_HOSTS = envlist("JIAOYAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("JIAOYAN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "core",
    "ninja",  # serves the OpenAPI docs page's assets locally (no CDN on intranets)
    "api",
    "observe",
    "visits",
    "research",
    "liaison",
    "growth",
    "projects",
    "appraisal",
    "integrations",
    "quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.http.SecurityHeadersMiddleware",
    # Records a signed-in user's page views after the page is made; outside the replica routing
    # below, so its write neither moves the page's reads to the primary nor pins the browser.
    "integrations.signin.activity.PageViewMiddleware",
    # Lets the read-only pages of REPLICA_VIEWS read from the replica (jiaoyan/db_router.py);
    # outside the session middleware, so a session written by a request pins the browser too.
    "jiaoyan.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost, so it sees the 404/405/500 responses Django and ninja make inside /api/.
    "api.errors.JsonErrorsMiddleware",
]

ROOT_URLCONF = "jiaoyan.urls"
WSGI_APPLICATION = "jiaoyan.wsgi.application"

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
                "core.http.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": _database(os.environ.get("JIAOYAN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiaoyan.sqlite3'}")),
}
# A read replica (a streaming standby, deploy/replica.sh): with JIAOYAN_REPLICA_URL set, the
# router (jiaoyan/db_router.py) sends the read queries of the list and analysis pages named in
# REPLICA_VIEWS there, unless the request or the browser's last few seconds wrote something.
# Without it, the "replica" alias is the primary itself (and the test databases' mirror of it),
# and nothing is routed.
REPLICA_READS = bool(os.environ.get("JIAOYAN_REPLICA_URL"))
DATABASES["replica"] = (_database(os.environ["JIAOYAN_REPLICA_URL"]) if REPLICA_READS
                        else dict(DATABASES["default"]))
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
    # Only ever the primary's own file (or in tests its shared in-memory database): a second
    # connection that never writes, so it takes no write lock when a transaction opens, and reads
    # what the primary's open transaction holds instead of waiting on its table locks.
    DATABASES["replica"]["OPTIONS"] = {"init_command": "PRAGMA read_uncommitted=1;", "timeout": 20}
DATABASE_ROUTERS = ["jiaoyan.db_router.ReplicaRouter"]
# Seconds after a write during which the same browser reads only from the primary (so a page
# shown after a form never misses what the form just saved, whatever the replica's lag).
REPLICA_PIN_SECONDS = envint("JIAOYAN_REPLICA_PIN_SECONDS", 10)
REPLICA_VIEWS = envlist("JIAOYAN_REPLICA_VIEWS", [
    # lists
    "schools_list", "people_list", "groups_list", "terms_list", "audit_list", "node_detail",
    "observe:home", "observe:received", "observe:templates", "quality:home", "quality:warning_list",
    "quality:import_list",
    # analysis
    "compliance", "norm_detail", "observe:analysis", "observe:quota", "quality:paper_items",
    "quality:paper_balance", "quality:paper_value_added", "quality:exam_detail",
])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first: new and re-hashed passwords use it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if envbool("JIAOYAN_FAST_HASHER", False):
    # Tests log in hundreds of times; argon2's deliberate cost would dominate the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every way to authenticate (both login pages, API tokens) goes through one throttle
# (core.security). Per account: this many free failures within the window, then a delay that
# starts at LOGIN_BACKOFF_SECONDS and doubles with each failure up to LOGIN_MAX_DELAY_SECONDS.
# Per address: many more free failures (a school behind one NAT shares an address), then the same.
AUTHENTICATION_BACKENDS = ["core.security.ThrottledModelBackend"]
# Checks a correct password must also pass (`fn(user) -> str`, the refusal or ""): a region that
# turned password sign-in off for its people (integrations.signin).
PASSWORD_LOGIN_POLICIES = ["integrations.signin.services.password_refusal"]
# Days the login and activity log is kept (the daily job deletes older rows).
SIGNIN_LOG_RETENTION_DAYS = envint("JIAOYAN_SIGNIN_LOG_RETENTION_DAYS", 180)
LOGIN_MAX_FAILURES = envint("JIAOYAN_LOGIN_MAX_FAILURES", 5)
LOGIN_ADDRESS_MAX_FAILURES = envint("JIAOYAN_LOGIN_ADDRESS_MAX_FAILURES", 50)
LOGIN_WINDOW_SECONDS = envint("JIAOYAN_LOGIN_WINDOW_SECONDS", 3600)
LOGIN_BACKOFF_SECONDS = envint("JIAOYAN_LOGIN_BACKOFF_SECONDS", 60)
LOGIN_MAX_DELAY_SECONDS = envint("JIAOYAN_LOGIN_MAX_DELAY_SECONDS", 900)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JIAOYAN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if not DEBUG and envbool("JIAOYAN_COMPRESS_STATIC", False)
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Lesson videos of observations (observe/video.py): the largest upload, and the hosts of the
# region's video platform whose https links an observation may carry instead of a file.
OBSERVE_VIDEO_MAX_BYTES = envint("JIAOYAN_VIDEO_MAX_MB", 800) * 1024 * 1024
OBSERVE_VIDEO_LINK_HOSTS = envlist("JIAOYAN_VIDEO_LINK_HOSTS", [])

# Sessions and CSRF: HttpOnly session cookie, SameSite=Lax, secure cookies behind HTTPS.
SECURE_COOKIES = envbool("JIAOYAN_SECURE_COOKIES", not DEBUG and envbool("JIAOYAN_HTTPS", False))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("JIAOYAN_SESSION_SECONDS", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("JIAOYAN_HTTPS", False)
SECURE_HSTS_SECONDS = 31536000 if envbool("JIAOYAN_HTTPS", False) else 0
BEHIND_PROXY = envbool("JIAOYAN_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many reverse proxies of our own stand before the app, each appending to X-Forwarded-For:
# the client address is the entry the outermost of them wrote (core.security.client_ip).
TRUSTED_PROXY_COUNT = envint("JIAOYAN_TRUSTED_PROXIES", 1 if BEHIND_PROXY else 0)

# Background tasks. The embedded default keeps the queue in the database (django-tasks-db, one
# `db_worker` or several); past one machine, JIAOYAN_TASKS_BACKEND=rq puts it in Redis
# (django-tasks-rq over RQ) so any number of workers on any machine take jobs from it. A dotted
# path names any other django-tasks backend. Workers start with bin/worker (docs/scaling.md).
REDIS_URL = os.environ.get("JIAOYAN_REDIS_URL", "")
TASKS_BACKEND = os.environ.get("JIAOYAN_TASKS_BACKEND", "db")
_TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": _TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)},
}
# The queues this process's workers take jobs from; tasks are declared on "default", which every
# backend knows.
TASK_QUEUES = envlist("JIAOYAN_TASK_QUEUES", ["default"])
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    _queues = list(dict.fromkeys(["default", *TASK_QUEUES]))
    TASKS["default"]["QUEUES"] = _queues
    # A job may run as long as an IRT fit at province scale; RQ kills a job past its timeout.
    # ("default" is always there: django-tasks-rq looks results up through its connection.)
    RQ_QUEUES = {name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0",
                        "DEFAULT_TIMEOUT": envint("JIAOYAN_TASK_TIMEOUT_SECONDS", 3600)}
                 for name in _queues}

# quality.EarlyWarning's one-warning-per-unit constraint treats NULLs as equal, which SQLite
# cannot express; PostgreSQL enforces it. On SQLite the warning service's update_or_create runs
# in an IMMEDIATE transaction, which serialises writers, so no duplicate can slip in.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIAOYAN_LOG_LEVEL", "WARNING")},
}
