"""R57, R61: apply, undo and cancel while another batch of the company is applying answer at once
with a message; no web request waits on the import lock."""

import time

import pytest
from django_scopes import scope

from customers.models import Customer
from imports import services
from imports.models import ImportBatch, Status
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch
from tests.imports.locking import lock_held_elsewhere

# Transactional: an apply in the test transaction would hold the lock until the test ends.
pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "Another import of this company is being applied right now"


def _batch(alice, tmp_path, name, numbers, django_capture_on_commit_callbacks, *, apply=False):
    path = wb.basic_file(tmp_path / name, [wb.customer(n) for n in numbers])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    if apply:
        with scope(tenant=alice.tenant.pk):
            batch = services.batch_apply(batch=batch, user=alice.editor)
    return batch


def _post(client, batch, action):
    """POST the action; returns the page it leads to and the seconds the POST took."""
    started = time.monotonic()
    response = client.post(f"/t/alice/imports/{batch.public_id}/{action}/")
    seconds = time.monotonic() - started
    assert response.status_code == 302
    return client.get(response.url), seconds


@pytest.fixture(autouse=True)
def _lock_wait_bounded(settings):
    # Were a request to wait on the lock, it would fail this suite in 5 s rather than 10 min.
    settings.CERTHUB_IMPORT_LOCK_SECONDS = 5


def test_undo_while_another_apply_holds_the_lock_answers_at_once(
    alice, tmp_path, login, django_capture_on_commit_callbacks
):
    """R57: undo while another batch of the company is applying answers within a second with a
    message saying so, and changes nothing."""
    batch = _batch(
        alice, tmp_path, "a.xlsx", ["100"], django_capture_on_commit_callbacks, apply=True
    )
    client = login(alice.editor)
    with lock_held_elsewhere(alice.company.pk):  # another batch is being applied
        response, seconds = _post(client, batch, "undo")
    assert seconds < 1
    assert response.status_code == 200 and BUSY in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.filter(number="100").exists()


def test_apply_while_another_apply_holds_the_lock_answers_at_once(
    alice, tmp_path, login, django_capture_on_commit_callbacks
):
    """R57: apply while another batch of the company is applying answers within a second with
    a message; the batch stays ready and applies once the other is done."""
    batch = _batch(alice, tmp_path, "a.xlsx", ["100"], django_capture_on_commit_callbacks)
    client = login(alice.editor)
    with lock_held_elsewhere(alice.company.pk):
        response, seconds = _post(client, batch, "apply")
    assert seconds < 1
    assert BUSY in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.READY
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, batch, "apply")
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED


def test_apply_while_another_batch_is_queued_to_apply_is_refused(
    alice, tmp_path, login, django_capture_on_commit_callbacks
):
    """R57: a batch waiting for a worker to apply it counts as applying: a second apply of the
    company is refused at once with the message."""
    first = _batch(alice, tmp_path, "a.xlsx", ["100"], django_capture_on_commit_callbacks)
    second = _batch(alice, tmp_path, "b.xlsx", ["200"], django_capture_on_commit_callbacks)
    with scope(tenant=alice.tenant.pk):
        ImportBatch.objects.filter(pk=first.pk).update(status=Status.APPLYING)
    response, seconds = _post(login(alice.editor), second, "apply")
    assert seconds < 1 and BUSY in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.READY


def test_cancel_while_another_apply_holds_the_lock_answers_at_once(
    alice, tmp_path, login, django_capture_on_commit_callbacks
):
    """R57: cancelling a ready batch while another applies answers within a second."""
    batch = _batch(alice, tmp_path, "a.xlsx", ["100"], django_capture_on_commit_callbacks)
    with lock_held_elsewhere(alice.company.pk):
        response, seconds = _post(login(alice.editor), batch, "cancel")
    assert seconds < 1
    assert "The import was cancelled." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.CANCELLED
