"""R40: a batch left "applying" by a worker that crashed can be marked failed by an admin, but
only while no apply holds the company's import lock; a running apply holds it throughout."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scope

from customers.models import Customer
from imports import engine, services
from imports.locks import company_lock_held
from imports.models import ImportBatch, Status
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch
from tests.imports.locking import lock_held_elsewhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def applying(alice, tmp_path, django_capture_on_commit_callbacks):
    """A validated batch started applying whose task never ran (the worker died)."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Name_1="Acme")])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    with scope(tenant=alice.tenant.pk):
        batch = services.batch_start_apply(batch=batch, user=alice.editor)  # its task is not run
    assert batch.status == Status.APPLYING
    return batch


def _batch_url(alice, batch, action=""):
    return alice.url(f"imports/{batch.public_id}/{action}")


def _status(alice, batch):
    with scope(tenant=alice.tenant.pk):
        return ImportBatch.objects.get(pk=batch.pk).status


def test_admin_marks_a_stuck_batch_failed(alice, login, applying):
    """R40: with no lock held, the admin sees "Mark failed" and uses it; the batch is failed
    with who did it, and its late task, if it ever runs, writes nothing."""
    client = login(alice.admin)
    assert "Mark failed" in client.get(_batch_url(alice, applying)).content.decode()
    response = client.post(_batch_url(alice, applying, "mark-failed/"), follow=True)
    assert "The import was marked failed." in response.content.decode()
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.select_related("company").get(pk=applying.pk)
        assert batch.status == Status.FAILED
        assert f"Marked failed by {alice.admin}" in batch.message
        assert services.batch_apply(batch=batch, user=alice.editor).status == Status.FAILED
        assert not Customer.objects.exists()


def test_mark_failed_is_refused_while_an_apply_holds_the_lock(alice, login, applying):
    """R40: while a worker holds the company's import lock the batch is really applying: no
    button, and a forced POST is refused with a message; the batch stays applying."""
    client = login(alice.admin)
    with lock_held_elsewhere(alice.company.pk):
        assert "Mark failed" not in client.get(_batch_url(alice, applying)).content.decode()
        response = client.post(_batch_url(alice, applying, "mark-failed/"), follow=True)
    assert "still being applied" in response.content.decode()
    assert _status(alice, applying) == Status.APPLYING


def test_mark_failed_is_for_admins_and_applying_batches(alice, bob, login, applying):
    """R2, R3, R40: an editor gets 403 and no button, another tenant's admin 404, anonymous the
    login page; a batch that is not applying is refused."""
    editor = login(alice.editor)
    assert "Mark failed" not in editor.get(_batch_url(alice, applying)).content.decode()
    assert editor.post(_batch_url(alice, applying, "mark-failed/")).status_code == 403
    assert login(bob.admin).post(_batch_url(alice, applying, "mark-failed/")).status_code == 404
    anonymous = Client().post(_batch_url(alice, applying, "mark-failed/"))
    assert "/accounts/login/" in anonymous["Location"]
    assert _status(alice, applying) == Status.APPLYING
    with scope(tenant=alice.tenant.pk):
        ImportBatch.objects.filter(pk=applying.pk).update(status=Status.READY)
    response = login(alice.admin).post(_batch_url(alice, applying, "mark-failed/"), follow=True)
    assert "Only a batch that is applying can be marked failed." in response.content.decode()
    assert _status(alice, applying) == Status.READY


def test_a_running_apply_holds_the_lock_from_the_first_row(alice, applying, monkeypatch):
    """R40: the worker holds the company's import lock while it reads the rows too (before the
    engine's writing transaction), so a running apply is never taken for a crashed one."""
    seen = []

    @contextmanager
    def progress(batch):
        def report(done, total, step=""):
            thread = threading.Thread(
                target=lambda: (
                    seen.append(company_lock_held(alice.company.pk)),
                    connection.close(),
                )
            )
            thread.start()
            thread.join()

        yield report

    monkeypatch.setattr(services, "_progress", progress)
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.select_related("company").get(pk=applying.pk)
        assert services.batch_apply(batch=batch, user=alice.editor).status == Status.APPLIED
    assert seen and all(seen)
    assert not company_lock_held(alice.company.pk)


def test_a_worker_that_died_after_writing_leaves_the_batch_applied(alice, login, applying):
    """R39, R40: a worker that crashed just after the apply committed (before it recorded the
    batch as applied): the action finds the committed writes and marks the batch applied, so
    it can be undone, instead of failed."""
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.select_related("company").get(pk=applying.pk)
        with services.stored_file_path(batch.file.name) as path:  # the worker's apply, then
            engine.run(path, batch=batch, apply=True, user_id=alice.editor.pk)  # it dies
    response = login(alice.admin).post(_batch_url(alice, applying, "mark-failed/"), follow=True)
    assert "The import was marked applied." in response.content.decode()
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.select_related("company").get(pk=applying.pk)
        assert batch.status == Status.APPLIED and batch.applied_at
        assert Customer.objects.get().name1 == "Acme"
        assert services.batch_undo(batch=batch, user=alice.admin).status == Status.UNDONE
        assert not Customer.objects.exists()
