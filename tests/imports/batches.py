"""An import batch uploaded through the service, as the upload page makes one (R37)."""

from contextlib import nullcontext

from django_scopes import scope

from imports import services
from imports.models import ImportBatch
from tests.imports import workbooks as wb


def upload_batch(alice, path, *, replace=False, on_commit=None) -> ImportBatch:
    """`batch_create` of the file by alice's editor into her root company; returns the batch
    read again with its company, as a task reads it. `on_commit`: the
    django_capture_on_commit_callbacks fixture, to run the validation the upload enqueues (the
    batch is then ready or failed); without it the task is left to the tasks backend."""
    with scope(tenant=alice.tenant.pk):
        with on_commit(execute=True) if on_commit else nullcontext():
            batch = services.batch_create(
                tenant=alice.tenant,
                company=alice.company,
                user=alice.editor,
                uploaded_file=wb.upload(path),
                replace=replace,
            )
        return ImportBatch.objects.select_related("company").get(pk=batch.pk)
