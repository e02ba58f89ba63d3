"""Loaded by pytest before Django (see `-p tests.testenv` in pyproject.toml).

Tests run with DEBUG off, as production does; these are the production settings they need.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CERTHUB_SSL_REDIRECT", "0")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/certhub")
