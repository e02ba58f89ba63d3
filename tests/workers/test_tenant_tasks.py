"""R4, R47: every background task on a tenant's data runs inside that tenant's scope, entered by
`companies.tenant_tasks.tenant_task` and not by the services it calls."""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django_scopes import ScopeError
from django_tasks.base import Task

from companies.models import Company
from companies.tenant_tasks import is_tenant_task, tenant_task
from tests.factories import make_company

PROJECT_APPS = ["accounts", "companies", "customers", "documents", "imports", "security", "workers"]

# Tasks that touch no tenant's data, and why.
TENANTLESS = {
    "accounts.tasks.send_email": "an email to an address given by its caller",
    "accounts.tasks.send_password_reset": "a user's account spans tenants",
}


def _project_tasks() -> dict[str, Task]:
    """Every django-tasks Task defined in a module of the project apps."""
    found = {}
    for label in PROJECT_APPS:
        package = apps.get_app_config(label).module
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if isinstance(value, Task) and value.func.__module__ == info.name:
                    found[value.module_path] = value
    return found


@tenant_task()
def count_companies(*, tenant_id: int) -> int:
    return Company.objects.count()


def test_every_task_is_a_tenant_task():
    """R4, R47: a new task on tenant data cannot forget the scope: each task of the project is
    made by tenant_task, unless it is listed here with the reason it needs no tenant."""
    tasks = _project_tasks()
    assert "imports.tasks.apply_batch" in tasks  # the walk finds them
    assert "documents.exposure_export.write_exposure_export" in tasks
    unscoped = sorted(path for path, task in tasks.items() if not is_tenant_task(task))
    assert unscoped == sorted(TENANTLESS)


def test_a_tenant_task_runs_in_its_tenants_scope(alice, bob):
    """R4: the task body sees the rows of the tenant it was given and no other, though its
    caller has no scope (the worker has none)."""
    make_company(bob.tenant, "BOB-2", "Bob two")
    with pytest.raises(ScopeError):
        Company.objects.count()
    assert count_companies.enqueue(tenant_id=alice.tenant.pk).return_value == 1
    assert count_companies.enqueue(tenant_id=bob.tenant.pk).return_value == 2
    assert count_companies.module_path == "tests.workers.test_tenant_tasks.count_companies"


def test_a_task_without_a_tenant_argument_is_refused_at_import():
    """R4: tenant_task needs a keyword-only tenant_id to know which scope to enter."""
    with pytest.raises(TypeError, match="tenant_id"):

        @tenant_task()
        def no_tenant(*, batch_id: int) -> None:  # pragma: no cover - never runs
            return None

    with pytest.raises(TypeError, match="tenant_id"):

        @tenant_task()
        def positional(tenant_id: int) -> None:  # pragma: no cover - never runs
            return None
