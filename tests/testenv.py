"""Loaded by pytest before Django (see `-p tests.testenv` in pyproject.toml).

Tests run with DEBUG off, as production does, so they get the production settings they need.
Without DATABASE_URL they use the embedded PostgreSQL, as the app does (R45).
"""

import os
from pathlib import Path

# At least 50 characters: a shorter key stops the start-up without debug (R45).
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CERTHUB_SSL_REDIRECT", "0")
if not os.environ.get("DATABASE_URL"):
    from certhub.database import embedded_database_url

    root = Path(__file__).resolve().parent.parent
    os.environ["DATABASE_URL"] = embedded_database_url(root / "var" / "postgres")


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        default="",
        metavar="DIR",
        help="save the browser tests' screenshots in DIR (e.g. docs/screenshots); "
        "without it they go to a temporary folder",
    )
