"""A web batch's apply reads the rows its check kept (P6, R39), unless they could differ from
the file's or were lost; they go when the batch is applied or cancelled."""

import pytest
from django.db import connection
from django_scopes import scope

from companies.models import Company
from customers.models import Customer
from imports import checked, services
from imports.csv_reader import open_table
from imports.models import CheckedRows, ImportBatch, Status
from tests.factories import import_file, make_customer
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch


def _apply(alice, batch):
    with scope(tenant=alice.tenant.pk):
        return services.batch_apply(batch=batch, user=alice.editor)


def _kept_table_exists(batch, batch_id=None) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL", [checked.table_name(batch_id or batch.pk)]
        )
        return cursor.fetchone()[0]


def _kept(batch) -> bool:
    with scope(tenant=batch.tenant_id):
        return CheckedRows.objects.filter(batch=batch).exists()


@pytest.mark.django_db
def test_an_apply_reads_the_rows_its_check_kept_not_the_file(
    alice, tmp_path, settings, django_capture_on_commit_callbacks
):
    """P6, R39: the check keeps its cleaned rows; the apply writes them, with the check's row
    errors and warnings, without reading the file again (here it is gone), then drops them."""
    rows = [wb.customer("100", Ship="TX"), wb.customer("200", Email="bad"), wb.customer("300")]
    path = wb.basic_file(tmp_path / "a.xlsx", rows)
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    assert batch.status == Status.READY and _kept(batch) and _kept_table_exists(batch)
    checked_errors = batch.errors
    (settings.MEDIA_ROOT / batch.file.name).unlink()

    batch = _apply(alice, batch)

    assert batch.status == Status.APPLIED, batch.message
    assert batch.counts["new"] == 2 and batch.counts["errors"] == 1
    assert batch.errors == checked_errors
    with scope(tenant=alice.tenant.pk):
        assert sorted(Customer.objects.values_list("number", flat=True)) == ["100", "300"]
        assert list(Customer.objects.get(number="100").zones.values_list("region", flat=True)) == [
            "TX"
        ]
    assert not _kept(batch) and not _kept_table_exists(batch)


@pytest.mark.django_db
def test_an_apply_reads_the_file_again_when_its_cleaning_would_differ(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R9, R39: a company that requires the tax fields since the check makes an erased city a
    row error: the apply reads the file again instead of writing what the check cleaned."""
    make_customer(alice.company, "100", "Acme", city="Austin")
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Name_1="Acme", City="")])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    assert batch.status == Status.READY and batch.counts["erased"] == 1
    with scope(tenant=alice.tenant.pk):
        Company.objects.filter(pk=alice.company.pk).update(require_tax_fields=True)
    batch.company.refresh_from_db()

    batch = _apply(alice, batch)

    assert batch.status == Status.APPLIED and batch.counts["errors"] == 1
    assert batch.errors[0]["column"] == "Billing Customer City"
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(number="100").city == "Austin"


@pytest.mark.django_db
def test_an_apply_reads_the_file_again_when_the_kept_rows_were_lost(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """P6, R39: a crash of the database empties the unlogged table of kept rows; the apply
    then reads the file, and writes every row."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100"), wb.customer("200")])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {checked.table_name(batch.pk)}")

    batch = _apply(alice, batch)

    assert batch.status == Status.APPLIED and batch.counts["new"] == 2
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_cancelling_or_deleting_a_batch_drops_its_kept_rows(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R39: the kept rows go with a cancelled batch, and with a deleted one."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    cancelled = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    deleted = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    assert _kept_table_exists(cancelled) and _kept_table_exists(deleted)
    deleted_id = deleted.pk
    with scope(tenant=alice.tenant.pk):
        services.batch_cancel(batch=cancelled, user=alice.editor)
        deleted.delete()
    assert not _kept(cancelled) and not _kept_table_exists(cancelled)
    assert not _kept_table_exists(deleted, deleted_id)


@pytest.mark.django_db
def test_a_failed_check_keeps_nothing(alice, tmp_path, django_capture_on_commit_callbacks):
    """R39, R61: a file refused while it is read leaves no kept rows behind."""
    path = wb.basic_file(tmp_path / "b.xlsx", [])  # titles only: refused after reading
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    assert batch.status == Status.FAILED
    assert not _kept(batch) and not _kept_table_exists(batch)


@pytest.mark.django_db
def test_an_apply_reads_the_file_again_when_the_records_changed_shape(
    alice, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """R61, P6: a release that changes the records' columns between a check and its apply reads
    the file again instead of the kept table (whose columns are the old ones)."""
    from imports import engine

    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    opened = []
    # (the same columns, one declared otherwise: this release's rows still COPY into it)
    assert "zip text" in engine._REC_TABLE
    monkeypatch.setattr(engine, "_REC_TABLE", engine._REC_TABLE.replace("zip text", "zip varchar"))
    monkeypatch.setattr(
        engine, "open_table", lambda *args, **kw: opened.append(1) or open_table(*args, **kw)
    )

    batch = _apply(alice, batch)

    assert batch.status == Status.APPLIED and opened == [1]
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.filter(number="100").exists()


@pytest.mark.django_db
def test_a_batch_cancelled_while_it_is_checked_keeps_no_rows(
    alice, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """R39: cancelled (by another request) while its check reads the file, a batch ends
    cancelled without the rows the check kept."""
    from imports import engine

    def open_and_cancel(path, **kwargs):
        sheet = open_table(path, **kwargs)
        with scope(tenant=alice.tenant.pk):
            batch = ImportBatch.objects.get(status=Status.VALIDATING)
            services.batch_cancel(batch=batch, user=alice.editor)
        return sheet

    monkeypatch.setattr(engine, "open_table", open_and_cancel)
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)

    assert batch.status == Status.CANCELLED
    assert not _kept(batch) and not _kept_table_exists(batch)


@pytest.mark.django_db
def test_a_stored_zip_outside_its_state_is_checked_once_validation_is_on(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R63, P6: a row repeating a customer stored with a ZIP outside its state (stored while the
    check was off) is an error once the check is on, as cleaning says, even though its cells
    equal the stored values; so the kept rows do not depend on the customer as stored, and an
    apply after the ZIP was corrected by hand writes nothing wrong back."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Zip="10001")])
    assert import_file(path, tenant=alice.tenant, company=alice.company).status == "applied"
    with scope(tenant=alice.tenant.pk):
        Company.objects.filter(pk=alice.company.pk).update(address_validation=True)
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    assert batch.status == Status.READY and batch.counts["errors"] == 1
    assert batch.errors[0]["column"] == "Billing Customer Zip"
    with scope(tenant=alice.tenant.pk):
        Customer.objects.filter(number="100").update(zip="78701")  # corrected by hand

    batch = _apply(alice, batch)

    assert batch.counts["errors"] == 1
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(number="100").zip == "78701"
