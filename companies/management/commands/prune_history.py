"""Retention of history (R54): remove history rows older than a date, in every tenant.

History tables are append-only in the database (a trigger refuses UPDATE and DELETE); this
command is the one place that switches that trigger off, for its own transaction only.
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from companies import retention
from companies.history import event_models, unprotected


class Command(BaseCommand):
    help = (
        "Delete history rows (and their now unused contexts) recorded before a date. "
        "History is otherwise append-only (R54)."
    )

    def add_arguments(self, parser):
        retention.add_arguments(parser, what="History rows")

    def handle(self, *args, before, dry_run, **options):
        cutoff = retention.cutoff(before)
        day = cutoff.date()
        total = 0
        with transaction.atomic(), unprotected(), connection.cursor() as cursor:
            for model in event_models():
                table = model._meta.db_table
                cursor.execute(
                    f"{'SELECT count(*) FROM' if dry_run else 'DELETE FROM'} "
                    f'"{table}" WHERE pgh_created_at < %s',
                    [cutoff],
                )
                count = cursor.fetchone()[0] if dry_run else cursor.rowcount
                total += count
                if count:
                    self.stdout.write(f"  {model._meta.label}: {count}")
            if not dry_run:
                cursor.execute(_UNUSED_CONTEXTS.format(unused=_unused()), [cutoff])
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{total} history rows recorded before {day} {verb}."))


_UNUSED_CONTEXTS = "DELETE FROM pghistory_context c WHERE c.created_at < %s AND {unused}"


def _unused() -> str:
    """No event row of any table refers to context `c`."""
    tables = [
        m._meta.db_table
        for m in event_models()
        if "pgh_context" in {f.name for f in m._meta.fields}
    ]
    return " AND ".join(
        f'NOT EXISTS (SELECT 1 FROM "{t}" e WHERE e.pgh_context_id = c.id)'  # noqa: S608
        for t in tables
    )
