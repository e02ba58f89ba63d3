"""The physical floor of P2: the least work that turns the file into committed rows.

Read every cell with python-calamine (the fastest xlsx reader), COPY the rows into a temporary
table, and move them into a table with one INSERT ... ON CONFLICT: no validation, no history.
Two target tables, both printed:

- plain (a): the template's columns and the natural key the upsert needs, no other index;
- indexed (b): a scratch copy of customers_customer with all its indexes
  (`CREATE TABLE ... (LIKE customers_customer INCLUDING ALL)`). P2's verdict uses this one:
  maintaining the indexes that search (P4) needs is part of the physical cost of storing a
  customer, whoever writes it.
"""

import time
from pathlib import Path

from django.db import connection, transaction
from python_calamine import CalamineWorkbook

from bench.workbooks import COLUMNS as TITLES
from customers.services import CUSTOMER_TEXT_FIELDS

TABLE = "bench_floor_customer"
INDEXED_TABLE = "bench_floor_indexed"
COLUMNS = [*CUSTOMER_TEXT_FIELDS, "ship_to_state"]
CUSTOMER_COLUMNS = COLUMNS[:-1]  # customers_customer has no ship_to_state (zones do)
_COLUMN_LIST = ", ".join(COLUMNS)


def create_table() -> None:
    columns = ", ".join(f"{c} text NOT NULL DEFAULT ''" for c in COLUMNS)
    drop_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, company_id bigint NOT "
            f"NULL, {columns}, UNIQUE (company_id, number))"
        )
        # LIKE ... INCLUDING ALL copies the identity as a sequence of its own, every index and
        # the generated columns; not the foreign keys (the floor checks no references).
        cursor.execute(f"CREATE TABLE {INDEXED_TABLE} (LIKE customers_customer INCLUDING ALL)")


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}, {INDEXED_TABLE}")


def empty_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}, {INDEXED_TABLE}")


def _text(value) -> str:
    # calamine gives number cells as floats; the floor still keeps "2000010", not "2000010.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _upsert_plain(cursor, company) -> None:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
    cursor.execute(
        f"INSERT INTO {TABLE} (company_id, {_COLUMN_LIST}) "
        f"SELECT %s, {_COLUMN_LIST} FROM floor_load "
        f"ON CONFLICT (company_id, number) DO UPDATE SET {updates}",
        [company.pk],
    )


def _upsert_indexed(cursor, company) -> None:
    columns = ", ".join(CUSTOMER_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in CUSTOMER_COLUMNS[1:])
    cursor.execute(
        f"INSERT INTO {INDEXED_TABLE} (tenant_id, public_id, company_id, {columns}, kind, "
        "exemption_reason, created_at, updated_at) "
        f"SELECT %s, gen_random_uuid(), %s, {columns}, 'bill-to', '', now(), now() "
        f"FROM floor_load ON CONFLICT (company_id, number) DO UPDATE SET {updates}",
        [company.tenant_id, company.pk],
    )


def run_floor(path: Path, *, company, indexed: bool = False) -> float:
    """Seconds from the file to rows committed in the plain (or the indexed) table. The file
    holds the basic template's columns, all of them or some (P6's file has five)."""
    start = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = iter(sheet.iter_rows())
    present = [COLUMNS[TITLES.index(title)] for title in next(rows)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Columns absent from the file stay empty, as the template's blank cells would.
        load_columns = ", ".join(f"{c} text DEFAULT ''" for c in COLUMNS)
        cursor.execute(f"CREATE TEMP TABLE floor_load ({load_columns}) ON COMMIT DROP")
        with cursor.copy(f"COPY floor_load ({', '.join(present)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_text(value) for value in row])
        (_upsert_indexed if indexed else _upsert_plain)(cursor, company)
    return time.perf_counter() - start
