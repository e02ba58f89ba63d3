"""The rows a web batch's check read and cleaned, kept for its apply (P6).

A web import reads its file twice by design (R39): once to check it and show the preview, once
more, maybe days later, to apply it. Reading and cleaning a million rows takes about a minute, so
the check keeps its cleaned records in an UNLOGGED table of their own, `imports_checked_<batch
id>` (no WAL: a crash of the database empties it, and then the apply reads the file again),
with the rest of what reading gave in a CheckedRows row. The apply plans against the database as
it is then, as always; only the reading is skipped, and only when everything cleaning depended
on (the file's layout, the companies the rows may go to, their tax-field and address
settings) is as it was (`inputs`).
"""

import hashlib
import json

from django.db import connection
from django.db.models.signals import post_delete
from django.dispatch import receiver

from imports.models import CheckedRows


def table_name(batch_id: int) -> str:
    return f"imports_checked_{int(batch_id)}"


def inputs_digest(*parts) -> str:
    """sha256 hex of `parts` (JSON-able: what cleaning depends on)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def usable(cursor, kept: CheckedRows, inputs: str) -> bool:
    """Whether a batch's checked rows can stand for its file: cleaned from the same `inputs`
    (inputs_digest), and their table still holds them."""
    if kept.inputs != inputs:
        return False
    table = table_name(kept.batch_id)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    if not cursor.fetchone()[0]:
        return False
    if kept.loaded:
        cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")  # noqa: S608
        return cursor.fetchone()[0]  # false once a crash emptied it
    return True


def discard(batch_id: int) -> None:
    """Remove a batch's checked rows and their table (applied, cancelled, checked again)."""
    CheckedRows.objects.filter(batch_id=batch_id).delete()
    drop_table(batch_id)  # also one a check left behind when its worker died


def drop_table(batch_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table_name(batch_id)}")


@receiver(post_delete, sender=CheckedRows)
def _drop_with_row(sender, instance: CheckedRows, **kwargs) -> None:
    """The table goes with its row, however the row goes (a batch deleted with its tenant)."""
    drop_table(instance.batch_id)
