"""One settings module, driven by the environment, with embedded defaults.

Unset ``DATABASE_URL`` means a SQLite file under var/; unset ``CELERY_BROKER_URL`` means an
embedded SQLite-backed broker. Set them for PostgreSQL and Redis/RabbitMQ.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DUBAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DUBAN_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DUBAN_DEBUG", True)
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
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response (settings below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("DUBAN_LOGIN_RATE", "10/min")},
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
DATA_UPLOAD_MAX_MEMORY_SIZE = DUBAN_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DUBAN_MAX_UPLOAD_BYTES
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

EMAIL_BACKEND = os.environ.get("DUBAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DUBAN_FROM_EMAIL", "duban@localhost")

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
    "loggers": {"spiff": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}
