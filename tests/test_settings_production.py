"""R45: settings come from the environment; with DEBUG off, missing production settings stop the
start-up with a clear message, and the deployment checks pass.

Settings are read once per process, so each case runs Django in a subprocess with its own
environment.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.xdist_group("subprocess-settings")


def production_env(**overrides) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "certhub.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "certhub.example.com",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_of(env: dict, *names: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_checks_pass_with_production_settings():
    """R45: `manage.py check --deploy --fail-level WARNING` passes with DEBUG off and the
    production variables set."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_missing_production_setting_stops_start_up_with_a_clear_message(missing):
    """R45: with DEBUG off, each required variable that is missing stops the start-up and is
    named in the message."""
    result = run(["manage.py", "check"], production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"these settings are required: {missing}." in result.stderr
    assert "set DJANGO_DEBUG=1 for local use" in result.stderr


def test_production_settings_are_secure():
    """R45: DEBUG off means secure cookies, HSTS, HTTPS redirect and the given hosts."""
    values = settings_of(
        production_env(),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "ALLOWED_HOSTS",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "ALLOWED_HOSTS": ["certhub.example.com"],
    }


def test_local_defaults_are_safe_with_debug_on():
    """R45: DJANGO_DEBUG=1 starts with no secret or hosts given, bound to local hosts only."""
    env = production_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None)
    values = settings_of(env, "DEBUG", "ALLOWED_HOSTS", "EMAIL_BACKEND")
    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_storage_and_email_come_from_the_environment():
    """R45, R27: a bucket switches uploads to S3-compatible storage; mail settings are read."""
    env = production_env(
        CERTHUB_S3_BUCKET="certhub-files",
        CERTHUB_S3_ENDPOINT_URL="https://s3.example.com",
        CERTHUB_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        CERTHUB_EMAIL_HOST="smtp.example.com",
        CERTHUB_EMAIL_PORT="587",
    )
    values = settings_of(env, "STORAGES", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "certhub-files"
    assert default["OPTIONS"]["endpoint_url"] == "https://s3.example.com"
    assert (values["EMAIL_BACKEND"], values["EMAIL_HOST"], values["EMAIL_PORT"]) == (
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        587,
    )
    local = settings_of(production_env(), "STORAGES")["STORAGES"]["default"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_short_secret_key_stops_start_up_with_debug_off():
    """R45: with DEBUG off, a secret key under 50 characters stops the start-up, saying how
    long it is and how to make one; 50 characters start."""
    result = run(["manage.py", "check"], production_env(DJANGO_SECRET_KEY="s" * 10 + "x" * 39))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is 49 characters long" in result.stderr
    assert "at least 50" in result.stderr
    assert settings_of(production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(38)), "DEBUG") == {
        "DEBUG": False
    }  # 51 characters
    debug = production_env(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="short")
    assert settings_of(debug, "DEBUG") == {"DEBUG": True}


def test_x_forwarded_proto_is_trusted_only_when_the_operator_says_so():
    """R45: by default X-Forwarded-Proto is not trusted (any client can send it); with
    CERTHUB_TRUST_X_FORWARDED_PROTO=1 (behind a proxy that sets it) it is."""
    assert settings_of(production_env(), "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": None
    }
    trusted = production_env(CERTHUB_TRUST_X_FORWARDED_PROTO="1")
    assert settings_of(trusted, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }
