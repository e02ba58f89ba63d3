"""The company's import lock (R40): one batch of a company applies at a time.

A PostgreSQL advisory lock keyed (LOCK_KEY, company id). The engine takes it for its writing
transaction (`lock_company`). A worker applying a batch also holds it at session level for the
whole apply, reading included (`holding_company_lock`), so that "no one holds the lock" means "no
worker is applying": a worker that crashed lost its connection and its lock with it, and its
batch, still "applying", may be marked failed (imports.services.batch_mark_failed). Advisory
locks are re-entrant per session, so the engine's own lock passes inside the worker's.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from certhub.errors import DomainError

LOCK_KEY = 7_114_002  # first key of pg_advisory_lock(int, int); the company id is the second
BUSY = "Another import is being applied to this company; try again when it has finished."


class ImportBusy(DomainError):
    """Another batch is being applied to the same company (R40)."""


def lock_company(company_id: int, *, session: bool = False) -> None:
    """Take the company's lock until the end of the current transaction, or with `session`
    until `unlock_company` or the end of the connection. Waits CERTHUB_IMPORT_LOCK_SECONDS
    (default 600) for another holder, then raises ImportBusy."""
    seconds = int(getattr(settings, "CERTHUB_IMPORT_LOCK_SECONDS", 600))
    function = "pg_advisory_lock" if session else "pg_advisory_xact_lock"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")
            cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_KEY, company_id])
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    except OperationalError as error:
        raise ImportBusy(BUSY) from error


@contextmanager
def holding_company_lock(company_id: int) -> Iterator[None]:
    """Hold the lock at session level for the block (a worker's whole apply); ImportBusy as
    `lock_company`."""
    lock_company(company_id, session=True)
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_KEY, company_id])


def try_company_lock(company_id: int) -> bool:
    """Take the lock until the end of the current transaction if no one holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_KEY, company_id])
        return cursor.fetchone()[0]


def company_lock_held(company_id: int) -> bool:
    """Whether another session holds the lock, read from pg_locks without taking it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXISTS (SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND objsubid = 2
                  AND granted AND pid <> pg_backend_pid()
                  AND database = (SELECT oid FROM pg_database
                                  WHERE datname = current_database()))""",
            [LOCK_KEY, company_id],
        )
        return cursor.fetchone()[0]
