"""Tenant-scoped managers (R4, R51): outside `scope(tenant=...)` every query raises.

`ScopedManager` is a plain generic class, so the type checker sees `Customer.objects` as a
manager of Customer; a model with its own QuerySet uses `ScopedManager.from_queryset(...)` at
module level, which gives the manager the QuerySet's methods for the type checker too.
"""

import copy
import inspect
from typing import Any, Self, TypeVar

from django.db import models
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope

_M = TypeVar("_M", bound=models.Model)


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


class ScopedManager(models.Manager[_M]):
    """A manager whose queries raise unless a tenant scope is active (R4).

    `tenant` is the lookup path from the model to its tenant (e.g. "batch__tenant"). Within
    `scope(tenant=pk)` the queryset is filtered to that tenant (a list or tuple of pks: to any
    of them; None: not filtered); within `scopes_disabled()` it is not filtered; with no scope
    it is a RefusedQuerySet. django-scopes' ScopedManager with the one dimension `tenant`, as a
    class instead of one built in a function.
    """

    _override_scope: dict[str, Any] | None = None

    def __init__(self, tenant: str = "tenant") -> None:
        super().__init__()
        self.tenant_path = tenant

    def with_scope(self, **scope: Any) -> Self:
        """This manager as if `scope(**scope)` were active."""
        cloned = copy.copy(self)
        cloned._override_scope = {**scope, "_enabled": True}
        return cloned

    def with_scopes_disabled(self) -> Self:
        """This manager as if `scopes_disabled()` were active (reviewed uses only, R4)."""
        cloned = copy.copy(self)
        cloned._override_scope = {"_enabled": False}
        return cloned

    def get_queryset(self) -> models.QuerySet[_M]:
        current: dict[str, Any] = self._override_scope or get_scope()
        if not current.get("_enabled", True):
            return super().get_queryset()
        if "tenant" not in current:
            return RefusedQuerySet(self.model, using=self._db, missing_scopes={"tenant"})
        value = current["tenant"]
        if isinstance(value, list | tuple):
            return super().get_queryset().filter(**{f"{self.tenant_path}__in": value})
        if value is not None:
            return super().get_queryset().filter(**{self.tenant_path: value})
        return super().get_queryset()

    def all(self) -> models.QuerySet[_M]:
        queryset = self.get_queryset()
        if isinstance(queryset, DisabledQuerySet):
            queryset.all()  # raises ScopeError: `.all()` with no scope fails at once
        return queryset
