"""Batches from upload to undo (R38-R40): preview, atomic apply, undo, one apply per company."""

import pytest
from django.db import connection
from django_scopes import scope

from customers.models import Customer
from imports import services
from imports.models import ImportBatch, ImportChange, Status
from tests.factories import make_customer
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch
from tests.imports.locking import lock_held_elsewhere


def _ready_batch(alice, path, django_capture_on_commit_callbacks, replace=False):
    return upload_batch(alice, path, replace=replace, on_commit=django_capture_on_commit_callbacks)


def _apply(alice, batch):
    with scope(tenant=alice.tenant.pk):
        return services.batch_apply(batch=batch, user=alice.editor)


@pytest.mark.django_db
def test_upload_is_stored_and_validated(
    alice, tmp_path, django_capture_on_commit_callbacks, settings
):
    """R38, R39: the upload becomes a batch whose preview lists each change; nothing written."""
    make_customer(alice.company, "100", "Acme", city="Austin")
    batch = _ready_batch(
        alice,
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", Name_1="Acme", City="Dallas"), wb.customer("200", Email="bad")],
        ),
        django_capture_on_commit_callbacks,
    )
    assert batch.status == Status.READY and batch.template == "basic"
    assert batch.file.name.startswith(f"tenants/{alice.tenant.public_id}/imports/")
    assert (settings.MEDIA_ROOT / batch.file.name).exists()
    assert batch.counts["updated"] == 1 and batch.counts["errors"] == 1
    assert batch.errors == [
        {
            "row": 3,
            "column": "Billing Customer Email",
            "message": "'bad' is not a valid email address.",
            "level": "error",
        }
    ]
    with scope(tenant=alice.tenant.pk):
        change = ImportChange.objects.get(batch=batch, field="city")
        assert (change.field, change.old, change.new) == ("city", "Austin", "Dallas")
        assert Customer.objects.get(number="100").city == "Austin"


@pytest.mark.django_db
def test_refused_file_fails_the_batch(alice, tmp_path, django_capture_on_commit_callbacks):
    """R32, R43: a refused file fails its batch with the reason; nothing is written."""
    batch = _ready_batch(alice, wb.pdf_named_xlsx(tmp_path), django_capture_on_commit_callbacks)
    assert batch.status == Status.FAILED and "PDF" in batch.message


@pytest.mark.django_db
def test_apply_writes_valid_rows_and_undo_restores(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R39: applying writes the valid rows; undo restores every field and removes what the
    batch created."""
    make_customer(alice.company, "100", "Acme", city="Austin")
    batch = _ready_batch(
        alice,
        wb.basic_file(
            tmp_path / "a.xlsx",
            [
                wb.customer("100", Name_1="Acme", City="Dallas", Ship="TX"),
                wb.customer("200"),
                wb.customer("300", Email="bad"),
            ],
        ),
        django_capture_on_commit_callbacks,
    )
    batch = _apply(alice, batch)
    assert batch.status == Status.APPLIED and batch.applied_at
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(number="100").city == "Dallas"
        assert set(Customer.objects.values_list("number", flat=True)) == {"100", "200"}
        batch = services.batch_undo(batch=batch, user=alice.editor)
        assert batch.status == Status.UNDONE and batch.not_restored == []
        acme = Customer.objects.get(number="100")
        assert acme.city == "Austin" and not acme.zones.exists()
        assert list(Customer.objects.values_list("number", flat=True)) == ["100"]
        # R14: the undo is in the history too, naming the batch.
        event = Customer.pgh_event_model.objects.filter(pgh_obj_id=acme.pk).latest("pgh_id")
        assert event.city == "Austin" and event.pgh_context.metadata["undo"] is True
        assert event.pgh_context.metadata["import_batch"] == str(batch.public_id)


@pytest.mark.django_db
def test_undo_keeps_later_changes_and_lists_them(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R39: a field changed again after the import is not restored, and is listed."""
    make_customer(alice.company, "100", "Acme", city="Austin", phone="1")
    batch = _ready_batch(
        alice,
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", Name_1="Acme", City="Dallas", Phone="2"), wb.customer("200")],
        ),
        django_capture_on_commit_callbacks,
    )
    batch = _apply(alice, batch)
    with scope(tenant=alice.tenant.pk):
        Customer.objects.filter(number="100").update(city="Plano")
        later = Customer.objects.get(number="200")
        later.name1 = "Renamed"
        later.save()
        batch = services.batch_undo(batch=batch, user=alice.editor)
        acme = Customer.objects.get(number="100")
        assert acme.city == "Plano" and acme.phone == "1"
        assert Customer.objects.filter(number="200").exists()
    listed = {(item["number"], item["field"]) for item in batch.not_restored}
    assert listed == {("100", "city"), ("200", "")}


@pytest.mark.django_db
def test_apply_is_atomic(alice, tmp_path, django_capture_on_commit_callbacks):
    """R39: a database failure on a late row leaves nothing written."""
    rows = [wb.customer(str(n), Ship="TX") for n in range(100, 150)]
    rows.append(wb.customer("999", Name_1="BOOM"))
    batch = _ready_batch(
        alice, wb.basic_file(tmp_path / "a.xlsx", rows), django_capture_on_commit_callbacks
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE customers_customer ADD CONSTRAINT test_boom "
            "CHECK (name1 <> 'BOOM') NOT VALID"
        )
    batch = _apply(alice, batch)
    assert batch.status == Status.FAILED and "nothing was written" in batch.message
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()


@pytest.mark.django_db
def test_deleting_a_batch_deletes_its_changes(alice, tmp_path, django_capture_on_commit_callbacks):
    """R39: a batch's changes go with it (Django's cascade: no database constraint ties them,
    see ImportChange.batch)."""
    make_customer(alice.company, "100", "Acme", city="Austin")
    batch = _ready_batch(
        alice,
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Name_1="Acme", City="Dallas")]),
        django_capture_on_commit_callbacks,
    )
    batch_id = batch.pk
    with scope(tenant=alice.tenant.pk):
        assert ImportChange.objects.filter(batch=batch).exists()
        batch.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM imports_importchange WHERE batch_id = %s", [batch_id])
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_cancel(alice, tmp_path, django_capture_on_commit_callbacks):
    """R38: a ready batch can be cancelled instead of applied."""
    batch = _ready_batch(
        alice,
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("1")]),
        django_capture_on_commit_callbacks,
    )
    with scope(tenant=alice.tenant.pk):
        batch = services.batch_cancel(batch=batch, user=alice.editor)
        assert batch.status == Status.CANCELLED
        with pytest.raises(Exception, match="ready"):
            services.batch_start_apply(batch=batch, user=alice.editor)


@pytest.mark.django_db(transaction=True)
def test_two_batches_never_apply_at_once(alice, tmp_path, settings):
    """R40: while one batch applies to a company, a second waits and then gives up with a
    message; it applies once the first is done."""
    settings.CERTHUB_IMPORT_LOCK_SECONDS = 1
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    batch = upload_batch(alice, path)
    assert batch.status == Status.READY
    with lock_held_elsewhere(alice.company.pk):  # a first batch is being applied
        second = _apply(alice, batch)
        assert second.status == Status.READY
        assert "Another import is being applied" in second.message
        with scope(tenant=alice.tenant.pk):
            assert not Customer.objects.exists()
    assert _apply(alice, batch).status == Status.APPLIED


@pytest.mark.django_db
def test_stale_preview_is_never_applied(alice, tmp_path, django_capture_on_commit_callbacks):
    """R39: B's preview (2 new) was made before A was applied: applying B is refused ("The
    customers changed since this preview"), nothing of B is written, its page offers "Validate
    again"; checked again, B shows and applies what A left (2 updates)."""
    a = _ready_batch(
        alice,
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100"), wb.customer("200")]),
        django_capture_on_commit_callbacks,
    )
    b = _ready_batch(
        alice,
        wb.basic_file(
            tmp_path / "b.xlsx",
            [wb.customer("100", City="Dallas"), wb.customer("200", City="Dallas")],
        ),
        django_capture_on_commit_callbacks,
    )
    assert b.counts["new"] == 2
    assert _apply(alice, a).status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        b = services.batch_start_apply(batch=b, user=alice.editor)  # the web's way
    assert b.status == Status.FAILED and b.message == services.STALE
    with scope(tenant=alice.tenant.pk):
        assert set(Customer.objects.values_list("city", flat=True)) == {"Austin"}
    with scope(tenant=alice.tenant.pk), django_capture_on_commit_callbacks(execute=True):
        services.batch_revalidate(batch=b, user=alice.editor)
    with scope(tenant=alice.tenant.pk):
        b = ImportBatch.objects.select_related("company").get(pk=b.pk)
    assert b.status == Status.READY and b.counts["new"] == 0 and b.counts["updated"] == 2
    assert _apply(alice, b).status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        assert set(Customer.objects.values_list("city", flat=True)) == {"Dallas"}


@pytest.mark.django_db
def test_worker_refuses_a_preview_made_stale_by_an_undo(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    """R39: an undo of another batch after the preview also makes it stale; the worker's apply
    refuses it and writes nothing."""
    a = _ready_batch(
        alice,
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")]),
        django_capture_on_commit_callbacks,
    )
    _apply(alice, a)
    b = _ready_batch(
        alice,
        wb.basic_file(tmp_path / "b.xlsx", [wb.customer("100", City="Dallas")]),
        django_capture_on_commit_callbacks,
    )
    with scope(tenant=alice.tenant.pk):
        services.batch_undo(batch=ImportBatch.objects.get(pk=a.pk), user=alice.editor)
    b = _apply(alice, b)
    assert b.status == Status.FAILED and b.message == services.STALE and b.retry == "validate"
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()
