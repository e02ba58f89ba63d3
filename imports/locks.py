"""The company's import lock seen from outside the engine (R40).

The engine takes the lock (imports/engine.py LOCK_KEY, the company id) for its writing
transaction. A worker applying a batch also holds it at session level for the whole apply,
reading included, so that "no one holds the lock" means "no worker is applying": a worker that
crashed lost its connection and its lock with it, and its batch, still "applying", may be
marked failed (imports.services.batch_mark_failed).
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from imports.engine import LOCK_KEY, ImportBusy


@contextmanager
def holding_company_lock(company_id: int):
    """Hold the lock for the block; wait a while for another apply, then raise ImportBusy.
    Advisory locks are re-entrant per session, so the engine's own lock_company still passes."""
    seconds = int(getattr(settings, "CERTHUB_IMPORT_LOCK_SECONDS", 600))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")
            # Session level: it outlives this transaction and ends with the connection.
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_KEY, company_id])
    except OperationalError as error:
        raise ImportBusy(
            "Another import is being applied to this company; try again when it has finished."
        ) from error
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
