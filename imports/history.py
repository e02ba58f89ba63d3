"""History rows (R14) for the engine's set-based writes, written set-based too.

pghistory's per-row triggers cost ~150 µs a row (two PL/pgSQL exception blocks each), which
would dominate a 100,000-row import. For its own statements the engine therefore switches the
customer, zone and link history triggers off (a transaction-local setting their WHEN clause
reads, see customers.history_conditions; no privileges needed, and the per-row trigger function
is not even called) and writes the very rows they would have written: one INSERT ... SELECT per
statement, from the statement's RETURNING rows, under one pghistory context that names the user
and the batch. Column lists come from the event models, so they follow model changes.
"""

import json
import uuid
from contextlib import contextmanager

import pghistory
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

from customers import history_conditions


def event_insert(model_label: str, label: str, source: str) -> str:
    """`INSERT INTO <event table> ... SELECT ... FROM <source>` for rows RETURNING *."""
    app_label, name = model_label.split(".")
    event = apps.get_model(app_label, f"{name}Event")
    columns, values = [], []
    for f in event._meta.concrete_fields:
        if f.primary_key or getattr(f, "generated", False):
            continue
        columns.append(f'"{f.column}"')
        values.append(
            {
                "pgh_created_at": "now()",
                "pgh_label": f"'{label}'",
                "pgh_obj_id": f"{source}.id",
                "pgh_context_id": "%(pgh_context)s",
            }.get(f.column, f'{source}."{f.column}"')
        )
    return (
        f'INSERT INTO "{event._meta.db_table}" ({", ".join(columns)}) '  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source}"
    )


@contextmanager
def recorded_by_engine(cursor, **metadata):
    """Within: the history triggers of the tracked tables are off and the yielded context id
    goes into the engine's own event rows; the context row carries `metadata`."""
    with pghistory.context(**metadata) as context:
        context_id = context.id if context else uuid.uuid4()
        cursor.execute(
            """INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
               VALUES (%s, %s, now(), now())
               ON CONFLICT (id) DO UPDATE SET metadata = EXCLUDED.metadata,
                                              updated_at = EXCLUDED.updated_at""",
            [
                context_id,
                json.dumps(context.metadata if context else metadata, cls=DjangoJSONEncoder),
            ],
        )
        cursor.execute("SELECT set_config(%s, 'on', true)", [history_conditions.SETTING])
        yield context_id
        # (After an error the transaction rolls back, and the setting with it.)
        cursor.execute("SELECT set_config(%s, 'off', true)", [history_conditions.SETTING])
