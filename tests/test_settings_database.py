"""R45: PostgreSQL is the one database: DATABASE_URL when set, otherwise an embedded server
started from the pip-installed wheel in a data folder of the project."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from certhub.database import database_config

ROOT = Path(__file__).resolve().parent.parent


def test_database_url_is_parsed_with_persistent_checked_connections(tmp_path):
    """R45: DATABASE_URL gives the PostgreSQL settings, with reused, health-checked
    connections for the web processes."""
    config = database_config("postgres://app:s3cret@db.example.com:6543/certhub", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "app",
        "s3cret",
        "db.example.com",
        6543,
        "certhub",
    )
    assert config["CONN_MAX_AGE"] == 60 and config["CONN_HEALTH_CHECKS"] is True
    assert not (tmp_path / "postgres").exists()


EMBEDDED_PROBE = """
import sys
from pathlib import Path
import psycopg
from certhub.database import database_config

config = database_config("", Path(sys.argv[1]))
assert config["ENGINE"] == "django.db.backends.postgresql", config
with psycopg.connect(dbname=config["NAME"], user=config["USER"],
                     host=config["OPTIONS"]["host"]) as conn:
    print(conn.execute("SELECT current_database(), current_setting('server_version_num')")
          .fetchone())
"""


@pytest.mark.xdist_group("subprocess-settings")
def test_without_database_url_an_embedded_postgresql_starts_in_the_data_folder():
    """R45: with no DATABASE_URL, CertHub starts its own PostgreSQL in the given folder,
    creates its database, and the server stops with the last process using it."""
    folder = Path(tempfile.mkdtemp(prefix="ch-db-"))  # short: the socket path has a limit
    try:
        result = subprocess.run(  # noqa: S603  (our own interpreter and probe)
            [sys.executable, "-c", EMBEDDED_PROBE, str(folder / "postgres")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "('certhub'," in result.stdout
        assert (folder / "postgres" / "PG_VERSION").exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_connections_run_without_jit(db):
    """P4: PostgreSQL's JIT compiling, tens of ms a query, is off for the app's connections."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
