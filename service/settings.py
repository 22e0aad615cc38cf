"""One settings module, driven by the environment, with embedded defaults.

Unset ``DATABASE_URL`` means a SQLite file under var/; unset ``CELERY_BROKER_URL`` means an
embedded SQLite-backed broker. Set them for PostgreSQL and Redis/RabbitMQ.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DUBAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DUBAN_DEBUG", False)  # `make run` sets DUBAN_DEBUG=1 for the demo
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("DUBAN_SECRET_KEY") or _DEV_SECRET_KEY
if SECRET_KEY == _DEV_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("DUBAN_SECRET_KEY is not set: set it to a long random value (sessions, CSRF tokens "
                               "and password reset links are signed with it), or DUBAN_DEBUG=1 on a development "
                               "machine.")
ALLOWED_HOSTS = [h for h in os.environ.get("DUBAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
                 if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "service",
    "service.web",
    "workflows.notifications",
    "workflows.org",
    "workflows.processes",
    "workflows.plans",
]

MIDDLEWARE = [
    "service.middleware.RequestIdMiddleware",
    "service.api.middleware.ApiErrorMiddleware",  # JSON, never an HTML page, for errors under /api/
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response (settings below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "service.uploads.RequestSizeMiddleware",  # before anything reads the body (CSRF reads a form's)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in answers service.signin.lockout_response
]

ROOT_URLCONF = "service.urls"
WSGI_APPLICATION = "service.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "django.template.context_processors.i18n",
        "service.web.context.duban",
    ]},
}]

_SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'duban.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _SQLITE_DEFAULT, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share the file: take the write lock up front and wait for it.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-duban.sqlite3")}
# PostgreSQL: the queries every engine step makes run as server-side prepared statements
# (workflows/compiled.py); 0 for a connection pooler in transaction mode.
DUBAN_PREPARED_STATEMENTS = env_bool("DUBAN_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# django-axes first: a locked-out username at an address is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["service.signin.SignInBackend", "django.contrib.auth.backends.ModelBackend"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# bpmn-js comes from the npm registry (make run installs it); served as static/vendor/bpmn-js/
STATICFILES_DIRS = [("vendor", BASE_DIR / "node_modules")] if (BASE_DIR / "node_modules").is_dir() else []
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then answers 401 (with WWW-Authenticate), not 403.
        "service.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "service.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "service.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "duban API",
    "DESCRIPTION": "督办: process definitions, instances, the inbox, escalations, org, plans, cycles, "
                   "summaries and bulletins. Every 4xx answers {code, message, details}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "service.api.schemas.document_common_errors"],
    # Several models have a "status" field: name each choice set instead of a generated "Status162Enum".
    "ENUM_NAME_OVERRIDES": {
        "InstanceStatusEnum": "workflows.processes.models.InstanceStatus",
        "BulletinStatusEnum": "workflows.plans.models.BulletinStatus",
        "CycleStatusEnum": "workflows.plans.models.ReportingCycle.Status",
    },
}
DUBAN_MAX_UPLOAD_BYTES = int(os.environ.get("DUBAN_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# A body longer than this is refused (413) before it is read; one file of the largest size and its form fit.
DUBAN_MAX_REQUEST_BYTES = int(os.environ.get("DUBAN_MAX_REQUEST_BYTES", str(DUBAN_MAX_UPLOAD_BYTES + 1024 * 1024)))
DUBAN_MAX_FILES_PER_TASK = int(os.environ.get("DUBAN_MAX_FILES_PER_TASK", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = DUBAN_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = DUBAN_MAX_UPLOAD_BYTES
# The first handler stops reading as soon as one file passes DUBAN_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = ["service.uploads.BoundedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
MEDIA_ROOT = VAR_DIR / "media"

# --- Content Security Policy (django-csp) -------------------------------------------------------
# Pages run only duban's own script files: no inline script or handler, so text someone puts into a
# page (a BPMN file's documentation, a name, a comment) cannot run in a reader's browser.
# default-src 'self'   anything not named below comes from duban's origin only
# script-src 'self'    static files only (templates carry none inline; the diagram's XML is JSON data)
# style-src 'self'     duban.css and bpmn-js.css; bpmn-js styles elements through the DOM, which CSP allows
# img-src 'self' data: bpmn-js draws its icons and logo from data: URLs
# object-src 'none'    no plugins
# frame-ancestors 'none'  no page is framed by another site (clickjacking; X-Frame-Options says it too)
# base-uri 'self', form-action 'self'  an injected <base> or <form> cannot point elsewhere
# The API docs (/api/docs/) keep the same policy: their initialiser and style are files (service/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_TASK_ALWAYS_EAGER = env_bool("DUBAN_CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = int(os.environ.get("DUBAN_TASK_TIME_LIMIT", "300"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
DUBAN_TIMER_SWEEP_SECONDS = float(os.environ.get("DUBAN_TIMER_SWEEP_SECONDS", "30"))
CELERY_BEAT_SCHEDULE = {
    "timer-sweep": {"task": "workflows.processes.tasks.sweep_timers", "schedule": DUBAN_TIMER_SWEEP_SECONDS},
    "cycle-tick": {"task": "workflows.plans.tasks.tick_cycles",
                   "schedule": float(os.environ.get("DUBAN_CYCLE_TICK_SECONDS", "300"))},
}

# --- duban --------------------------------------------------------------------------------------
DUBAN_SCRIPT_TIME_LIMIT = float(os.environ.get("DUBAN_SCRIPT_TIME_LIMIT", "2"))
DUBAN_SCRIPT_MEMORY_LIMIT_MB = int(os.environ.get("DUBAN_SCRIPT_MEMORY_LIMIT_MB", "256"))
DUBAN_SWEEP_BATCH = int(os.environ.get("DUBAN_SWEEP_BATCH", "500"))
# a message sent to an instance before it waits for it (a quarter closed while the previous one is
# still in review) is kept this long for it
DUBAN_MESSAGE_KEEP_DAYS = float(os.environ.get("DUBAN_MESSAGE_KEEP_DAYS", "183"))
# What one process may ask of the engine (README's configuration table, docs/security.md).
DUBAN_TIMER_MIN_INTERVAL_SECONDS = float(os.environ.get("DUBAN_TIMER_MIN_INTERVAL_SECONDS", "60"))
DUBAN_TIMER_MAX_REPETITIONS = int(os.environ.get("DUBAN_TIMER_MAX_REPETITIONS", "1000"))
DUBAN_MAX_SUBPROCESS_DEPTH = int(os.environ.get("DUBAN_MAX_SUBPROCESS_DEPTH", "20"))
DUBAN_MAX_BPMN_ELEMENTS = int(os.environ.get("DUBAN_MAX_BPMN_ELEMENTS", "5000"))
DUBAN_MAX_MULTI_INSTANCE = int(os.environ.get("DUBAN_MAX_MULTI_INSTANCE", "10000"))

# --- HTTPS, proxies, sign-in (README's configuration table) ------------------------------------
# Cookies go over HTTPS only unless DUBAN_DEBUG=1 (or DUBAN_SECURE_COOKIES=0 on a plain-HTTP intranet).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DUBAN_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DUBAN_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes speak plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("DUBAN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DUBAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DUBAN_HSTS_PRELOAD", False)
if env_bool("DUBAN_PROXY_SSL_HEADER", False):  # only behind a TLS proxy that sets (and overwrites) the header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front append to X-Forwarded-For; 0: the client is REMOTE_ADDR (service/signin.py).
DUBAN_PROXY_COUNT = int(os.environ.get("DUBAN_PROXY_COUNT", "0"))

# A cache every process shares: Redis at DUBAN_CACHE_URL; without it each process keeps its own
# (and sign-in failures are counted in the database, which every process shares).
DUBAN_CACHE_URL = os.environ.get("DUBAN_CACHE_URL", "")
if DUBAN_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DUBAN_CACHE_URL}}

# Failed sign-ins (pages, admin, POST /api/auth/token/) are counted per username at an address: after
# DUBAN_LOGIN_ATTEMPTS failures that pair is refused (429) until DUBAN_LOGIN_LOCKOUT_MINUTES pass without one.
AXES_FAILURE_LIMIT = int(os.environ.get("DUBAN_LOGIN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("DUBAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = ("axes.handlers.cache.AxesCacheHandler" if DUBAN_CACHE_URL
                else "axes.handlers.database.AxesDatabaseHandler")
AXES_CLIENT_IP_CALLABLE = "service.signin.client_address"
AXES_LOCKOUT_CALLABLE = "service.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures only; successful sign-ins are not logged row by row
# API tokens expire this many days after they were issued (a new POST /api/auth/token/ issues a new one).
DUBAN_TOKEN_DAYS = int(os.environ.get("DUBAN_TOKEN_DAYS", "30"))

EMAIL_BACKEND = os.environ.get("DUBAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DUBAN_FROM_EMAIL", "duban@localhost")
# Where people open duban: the links in mails and messages are made absolute with it.
DUBAN_SITE_URL = os.environ.get("DUBAN_SITE_URL", "http://localhost:8000")
# A notice that cannot be sent is tried this many times in all, waiting 30 s, 60 s, 120 s... between.
DUBAN_DELIVERY_ATTEMPTS = int(os.environ.get("DUBAN_DELIVERY_ATTEMPTS", "5"))
DUBAN_DELIVERY_BACKOFF_SECONDS = float(os.environ.get("DUBAN_DELIVERY_BACKOFF_SECONDS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "workflows.logcontext.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s inst=%(instance_id)s] %(message)s"},
        "json": {"()": "workflows.logcontext.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": os.environ.get("DUBAN_LOG_FORMAT", "plain")}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUBAN_LOG_LEVEL", "INFO")},
    # axes: failed and locked-out sign-ins are warnings; its INFO lines repeat every successful one.
    "loggers": {"spiff": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
