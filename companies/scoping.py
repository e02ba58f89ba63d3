"""Tenant-scoped managers (R4, R51): outside `scope(tenant=...)` every query raises."""

import inspect

from django.db import models
from django_scopes import ScopedManager
from django_scopes.manager import DisabledQuerySet


class RefusedQuerySet(DisabledQuerySet):
    """What a scoped manager gives outside a tenant scope: every way of reading or writing
    through it raises ScopeError (R4, R51).

    django-scopes' own DisabledQuerySet lists the methods it refuses; `.exists()`, `.explain()`,
    `.exclude()`, `.distinct()`, `.select_related()` and the other chaining methods are not
    among them, so `Customer.objects.exists()` or `Customer.objects.exclude(...).exists()`
    answered across tenants. Here every public method is refused except creating rows
    (`create`, `bulk_create`: the row names its tenant, and the database refuses one that
    crosses tenants), `using` and `none`.
    """


_ALLOWED_WITHOUT_SCOPE = {
    "create",
    "acreate",
    "bulk_create",
    "abulk_create",
    "using",
    "none",
    "as_manager",
}
for _name in dir(models.QuerySet):
    _value = inspect.getattr_static(models.QuerySet, _name)
    if (
        not _name.startswith("_")
        and inspect.isfunction(_value)
        and _name not in _ALLOWED_WITHOUT_SCOPE
    ):
        setattr(RefusedQuerySet, _name, DisabledQuerySet.error)
for _name in ("_fetch_all", "__iter__", "__aiter__", "__len__", "__bool__", "__getitem__"):
    setattr(RefusedQuerySet, _name, DisabledQuerySet.error)


def scoped_manager(
    queryset_class=models.QuerySet, manager_class=models.Manager, tenant: str = "tenant"
):
    """A manager whose queries raise unless a tenant scope is active (R4); `tenant` is the
    path to the tenant (e.g. "batch__tenant")."""
    manager = ScopedManager(
        tenant=tenant, _manager_class=manager_class.from_queryset(queryset_class)
    )

    class StrictScopedManager(manager.__class__):
        def get_queryset(self):
            queryset = super().get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                return RefusedQuerySet(
                    self.model, using=self._db, missing_scopes=queryset.missing_scopes
                )
            return queryset

    return StrictScopedManager()
