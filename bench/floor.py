"""The physical floor of P2: the least work that turns the file into committed rows.

Read every cell with python-calamine (the fastest xlsx reader), COPY the rows into a temporary
table, and move them into a plain table with one INSERT ... ON CONFLICT: no validation, no
history, no indexes beyond the natural key the upsert needs.
"""

import time
from pathlib import Path

from django.db import connection, transaction
from python_calamine import CalamineWorkbook

TABLE = "bench_floor_customer"
COLUMNS = [
    "number", "alternate_id", "fein", "name1", "name2", "attention_name", "address_line1",
    "address_line2", "city", "state", "country", "zip", "phone", "fax", "email", "ship_to_state",
]
_COLUMN_LIST = ", ".join(COLUMNS)


def create_table() -> None:
    columns = ", ".join(f"{c} text NOT NULL DEFAULT ''" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, company_id bigint NOT "
                       f"NULL, {columns}, UNIQUE (company_id, number))")


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def empty_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")


def _text(value) -> str:
    # calamine gives number cells as floats; the floor still keeps "2000010", not "2000010.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def run_floor(path: Path, *, company_id: int) -> float:
    """Seconds from the file to rows committed in the plain table."""
    start = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = iter(sheet.iter_rows())
    next(rows)  # the header
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE floor_load ({', '.join(c + ' text' for c in COLUMNS)})"
                       " ON COMMIT DROP")
        with cursor.copy(f"COPY floor_load ({_COLUMN_LIST}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_text(value) for value in row])
        cursor.execute(
            f"INSERT INTO {TABLE} (company_id, {_COLUMN_LIST}) "
            f"SELECT %s, {_COLUMN_LIST} FROM floor_load "
            f"ON CONFLICT (company_id, number) DO UPDATE SET {updates}",
            [company_id])
    return time.perf_counter() - start
