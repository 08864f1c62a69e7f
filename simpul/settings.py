"""Simpul settings. Configuration comes only from the environment (see README)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from simpul.envconf import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("SIMPUL_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)
# The demo switch turns on demo-only conveniences (demo users, the banner). Never in production.
DEMO = envbool("SIMPUL_DEMO", False)

SECRET_KEY = envstr("SECRET_KEY") or ""
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set (or SECRET_KEY_FILE).")
if not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters outside DEBUG.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (envstr("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "simpul.core",
    "simpul.regions",
    "simpul.accounts",
    "simpul.directory",
    "simpul.children",
    "simpul.cases",
    "simpul.access",
    "simpul.notifications",
    "simpul.agreements",
    "simpul.referrals",
    "csp",
    "simpul.api",
    "simpul.demo",  # seeds the demo through every other app's services; nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "simpul.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simpul.accounts.middleware.TwoFactorRequiredMiddleware",
    "simpul.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simpul.access.middleware.ReasonRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy (django-csp): only our own scripts, styles and images; no inline script,
# no eval, no framing, forms post only to us. The API docs page relaxes styles for Swagger UI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "simpul.urls"
WSGI_APPLICATION = "simpul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "simpul" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "simpul.accounts.context_processors.simpul",
                "simpul.notifications.context_processors.notifications",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'simpul.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so a real worker process in the tests can open the same test
    # database; the PID keeps parallel test runs apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    sslmode = envstr("DB_SSLMODE")
    if sslmode:
        DATABASES["default"].setdefault("OPTIONS", {})["sslmode"] = sslmode
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if envbool("SIMPUL_FAST_HASHER", False):  # test runs only: argon2 would dominate them
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session ends after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Lock-out after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
# Per account (from any address) and per address (for any account): see simpul.accounts.lockout.
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
LOGIN_FAILURE_LIMIT_PER_IP = envint("LOGIN_FAILURE_LIMIT_PER_IP", 20)
AXES_HANDLER = "simpul.accounts.lockout.SimpulAxesHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Simpul"
TWO_FACTOR_REQUIRED_ROLES = ("system_admin", "supervisor")
INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", 7)
API_TOKEN_VALID_DAYS = envint("API_TOKEN_VALID_DAYS", 90)
# Wrong API tokens from one address before it is refused for a while (429).
API_TOKEN_FAILURE_LIMIT = envint("API_TOKEN_FAILURE_LIMIT", 20)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "simpul" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")) or "")
STATICFILES_DIRS = [BASE_DIR / "simpul" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", DEBUG)
MEDIA_URL = "/media/"  # never served directly; see simpul/urls.py
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")) or "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Simpul <noreply@simpul.invalid>")

# --- background tasks -----------------------------------------------------------------------
# A database-backed queue served by `manage.py db_worker`: no extra service for the embedded
# default. TASKS_IMMEDIATE runs tasks inline (tests that do not exercise the worker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if envbool("TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
    }
}
# The recurring sweep (simpul.core.sweeps: referral reminders and escalations, agreement
# expiry, notification deliveries) runs in the worker every SIMPUL_SWEEP_MINUTES.
SWEEP_MINUTES = envint("SIMPUL_SWEEP_MINUTES", 10)

# --- notifications (docs/notifications.md) --------------------------------------------------
# The daily digest goes out at the first sweep after this hour (Asia/Jakarta).
NOTIFICATION_DIGEST_HOUR = envint("SIMPUL_DIGEST_HOUR", 7)
# WhatsApp Business Cloud-style gateway; the channel is off while URL, token or phone id is empty.
# The template must be approved by Meta (language "id", body {{1}} subject, {{2}} link).
WHATSAPP_URL = envstr("SIMPUL_WHATSAPP_URL", "") or ""
WHATSAPP_TOKEN = envstr("SIMPUL_WHATSAPP_TOKEN", "") or ""
WHATSAPP_PHONE_ID = envstr("SIMPUL_WHATSAPP_PHONE_ID", "") or ""
WHATSAPP_TEMPLATE = envstr("SIMPUL_WHATSAPP_TEMPLATE", "simpul_notification") or ""
WHATSAPP_TIMEOUT = envint("SIMPUL_WHATSAPP_TIMEOUT", 10)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with "WWW-Authenticate: Token".
        "simpul.api.authentication.ExpiringTokenAuthentication",
        "simpul.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "simpul.api.permissions.KnownQueryParameters",
    ],
    "DEFAULT_PAGINATION_CLASS": "simpul.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "simpul.api.exceptions.exception_handler",
    # The API speaks JSON only: a form-encoded or multipart body gets 415 (its schema, and the
    # checks on it, then hold for every request that is accepted).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Rate limits per user and per address for anonymous requests (simpul.api.throttling reads
    # the rates at each request). Counters are kept in the default cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "simpul.api.throttling.SimpulAnonThrottle",
        "simpul.api.throttling.SimpulUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": envstr("API_THROTTLE_ANON", "60/min"),
        "user": envstr("API_THROTTLE_USER", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": "REST API of Simpul (Dinas Sosial DKI Jakarta and partners).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "simpul.api.schema.postprocess",
    ],
    # Swagger UI and Redoc assets are served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and the docs page need a signed-in user, like the rest of the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a "status" or "kind": name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "simpul.cases.models.CaseStatus",
        "AssessmentKindEnum": "simpul.cases.api.AssessmentKind",
        "PlanActionStatusEnum": "simpul.cases.api.PlanActionStatus",
        "ClosureReasonEnum": "simpul.cases.models.ClosureReason",
        "ServiceStatusEnum": "simpul.directory.models.ServiceStatus",
        "ReferralStatusEnum": "simpul.referrals.models.ReferralStatus",
        "ReferralKindEnum": "simpul.referrals.models.ReferralKind",
        "BusinessOutcomeEnum": "simpul.referrals.models.BusinessOutcome",
    },
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "pii": {"()": "lokal.samaran.logging.SamaranFilter"},
        "forbidden_one_line": {"()": "simpul.core.logging.ForbiddenOneLine"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["pii"]},
        "request": {
            "class": "logging.StreamHandler",
            "filters": ["forbidden_one_line", "pii"],
        },
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"handlers": ["request"], "propagate": False},
    },
}
