"""P4 right after a real import: the import leaves the planner's statistics current itself."""

import pytest
from django.db import connection

from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def _statistics(table: str):
    """(estimated rows, last ANALYZE) of `table`, read afresh (the collector's values are
    cached per transaction otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            """SELECT c.reltuples, s.last_analyze FROM pg_class c
                          JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = %s""",
            [table],
        )
        return cursor.fetchone()


def test_an_import_that_changes_many_rows_analyzes_the_tables_it_wrote(tmp_path, run_import):
    """P4: an import that changed more than autovacuum's share of a table ANALYZEs it, so the
    planner knows its new rows even when autovacuum is off (this server's and CI's) or late;
    an unchanged re-import writes nothing and analyzes nothing."""
    rows = [wb.customer(f"{n:04}", Ship="TX") for n in range(300)]
    result = run_import(wb.basic_file(tmp_path / "a.xlsx", rows))
    assert result.status == "applied" and result.counts["new"] == 300
    estimated, analyzed_at = _statistics("customers_customer")
    assert estimated >= 300 and analyzed_at is not None
    zones_estimated, zones_analyzed_at = _statistics("customers_shiptozone")
    assert zones_estimated >= 300 and zones_analyzed_at is not None

    again = run_import(wb.basic_file(tmp_path / "b.xlsx", rows))
    assert again.counts["unchanged"] == 300
    assert _statistics("customers_customer")[1] == analyzed_at


@pytest.mark.django_db(transaction=True)
def test_an_import_outside_a_transaction_vacuums_the_customer_table(tmp_path, run_import):
    """P4: outside a transaction (the command line, the worker), an import that changed many
    customers also VACUUMs their table, so its pages are all-visible and the list's capped
    counts stay index-only scans right after the import."""
    rows = [wb.customer(f"{n:04}", Ship="TX") for n in range(300)]
    assert run_import(wb.basic_file(tmp_path / "a.xlsx", rows)).status == "applied"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            """SELECT c.relpages, c.relallvisible, s.last_vacuum FROM pg_class c
               JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = %s""",
            ["customers_customer"],
        )
        pages, visible, vacuumed_at = cursor.fetchone()
    assert vacuumed_at is not None
    assert pages > 0 and visible == pages


@pytest.mark.django_db(transaction=True)
def test_an_import_that_mostly_updates_analyzes_without_vacuuming(tmp_path, run_import):
    """P1, P4: an import that mostly updated customers ANALYZEs their table but leaves the
    removal of the old row versions (a pass over every index) to autovacuum."""
    rows = [wb.customer(f"{n:04}", Ship="TX") for n in range(300)]
    assert run_import(wb.basic_file(tmp_path / "a.xlsx", rows)).status == "applied"
    vacuumed_at = _vacuumed_at("customers_customer")
    analyzed_at = _statistics("customers_customer")[1]
    changed = [wb.customer(f"{n:04}", Ship="TX", City="Dallas") for n in range(300)]
    result = run_import(wb.basic_file(tmp_path / "b.xlsx", changed))
    assert result.counts["updated"] == 300
    assert _statistics("customers_customer")[1] > analyzed_at
    assert _vacuumed_at("customers_customer") == vacuumed_at


def _vacuumed_at(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_web_apply_vacuums_the_customer_table_once_the_batch_is_applied(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """P4, P6: the worker's apply of many new customers VACUUMs their table too, after the
    batch is saved as applied (its page no longer waits on that one statement)."""
    from django_scopes import scope

    from imports import services
    from imports.models import Status
    from tests.imports.batches import upload_batch

    rows = [wb.customer(f"{n:04}", Ship="TX") for n in range(300)]
    batch = upload_batch(
        alice,
        wb.basic_file(tmp_path / "a.xlsx", rows),
        on_commit=django_capture_on_commit_callbacks,
    )
    before = _vacuumed_at("customers_customer")
    with scope(tenant=alice.tenant.pk):
        assert services.batch_apply(batch=batch, user=alice.editor).status == Status.APPLIED
    vacuumed_at = _vacuumed_at("customers_customer")
    assert vacuumed_at is not None and vacuumed_at != before
