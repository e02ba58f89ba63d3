"""Background work of imports (R40, R47): tasks take ids and enter the tenant's scope."""

from django_scopes import scope
from django_tasks import task

from imports import services
from imports.models import ImportBatch, Status


@task()
def validate_batch(*, batch_id: int, tenant_id: int) -> str:
    with scope(tenant=tenant_id):
        batch = ImportBatch.objects.select_related("company").get(pk=batch_id)
        if batch.status != Status.VALIDATING:
            return batch.status
        return services.batch_validate(batch).status


@task()
def apply_batch(*, batch_id: int, tenant_id: int, user_id: int) -> str:
    with scope(tenant=tenant_id):
        batch = ImportBatch.objects.select_related("company").get(pk=batch_id)
        if batch.status != Status.APPLYING:
            return batch.status
        return services.batch_apply(batch, user=user_id).status
